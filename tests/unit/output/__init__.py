"""output: search index, links, headers, the atomic writer."""
