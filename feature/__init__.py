"""The engine of the special-feature edition generator, in layers (README.md,
"How it works"; .importlinter holds every import to them):

    cli.py → commands/ → build/ preview/ publish/ importer/ → output/ → render/
           → printing/ → edition/ markup/ share/ → core/

A build is the stages of build/stages.py: sources → Article → Edition →
pages → files → the output folder, run clean (build/pipeline.py) or cached
(build/incremental.py).
"""
