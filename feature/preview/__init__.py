"""`build.py serve`: watch, rebuild with the builder it is handed, reload the browser.
"""
