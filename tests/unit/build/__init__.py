"""build: the incremental builder's parts (link index, worker tasks)."""
