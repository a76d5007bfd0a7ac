"""The build: one list of stages (stages.py) run two ways.

pipeline.py   the clean reference: every stage plainly, in memory, then written
incremental.py what `build` and `serve` run: the same stages with caches, the
               same bytes; cached.py runs each stage by its part (scan, prepare,
               patch, photos, plan, workers, sitesteps, linkcheck, output) and
               memory.py, entries.py, bodies.py, stores.py, keys.py hold what it keeps
result.py     what a build gives back
"""
