"""printing: the paper rewrite and the PDF jobs."""
