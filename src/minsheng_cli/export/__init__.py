"""Exporters: the same tasks as xlsx, docx, csv, json or Markdown files."""
