"""publish: what a deploy uploads and deletes."""
