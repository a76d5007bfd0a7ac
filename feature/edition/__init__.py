"""Sources → Article → the assembled Edition: front matter, bylines, load,
validate, assemble.
"""
