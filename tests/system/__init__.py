"""Real components and whole processes: Chromium, nginx, an S3 server, the preview server, PDFs, builds killed or loaded."""
