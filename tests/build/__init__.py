"""Editions built end to end: clean and incremental builds, bad input, output checks."""
