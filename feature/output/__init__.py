"""Files made from the whole edition (post-process steps, search index), the
link check, and the output folder: its marker, its lock, its atomic writer.
"""
