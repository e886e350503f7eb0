"""Exporters: the same tasks as xlsx, docx, csv, json or Markdown files."""

from enum import StrEnum


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    docx = "docx"
    csv = "csv"
    json = "json"
    md = "md"


class SplitBy(StrEnum):
    unit = "unit"
    recipient = "recipient"
    category = "category"
