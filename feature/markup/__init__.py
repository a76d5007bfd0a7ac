"""One article's Markdown → HTML the Chinese way: sentences, key figures,
photo figures. Pure functions of one article; no file is read or written.
"""
