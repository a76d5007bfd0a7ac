"""The edition → pages in memory: the page list, Jinja, photos placed, static assets.
"""
