"""The two builds of one stage list: the clean reference (pipeline.py) and
the incremental builder (incremental.py) with its caches.
"""
