"""edition: sources → articles (front matter, bylines, loading)."""
