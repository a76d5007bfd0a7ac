"""The engine of the special-feature edition generator.

The pipeline reads like the file list: load → validate → enrich → render →
postprocess → write (see `pipeline.py`). `cli.py` is the one command line.
"""
