"""importer: raw print text, .docx and .pdf → draft articles."""
