"""The newsroom's plain data (model), config, diagnostics, URLs, and reading
input safely (bounded reads, YAML with limits). Imports nothing else of feature.
"""
