"""markup: one article's Markdown → HTML, sentences, key figures."""
