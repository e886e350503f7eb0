"""Exporters: the same tasks as xlsx, docx, csv, json, Markdown or iCalendar files."""

from enum import StrEnum


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    docx = "docx"
    csv = "csv"
    json = "json"
    md = "md"
    ics = "ics"


class SplitBy(StrEnum):
    unit = "unit"
    recipient = "recipient"
    category = "category"
    month = "month"
    quarter = "quarter"
