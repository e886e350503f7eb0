"""The closed choices of a report, importable at start-up without the figures' models."""

from __future__ import annotations

from enum import StrEnum


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class ReportFormat(StrEnum):
    docx = "docx"
    xlsx = "xlsx"
    html = "html"
    md = "md"
    json = "json"
