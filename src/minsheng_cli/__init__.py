"""minsheng: parse a municipal livelihood notice into validated tasks."""

from minsheng_cli.errors import ExportError, MinshengError, NoticeError, QueryError
from minsheng_cli.loader import load_notice
from minsheng_cli.models import Deadline, DeadlineKind, Notice, NoticeMeta, Problem, Severity, Task

__version__ = "0.1.0"

__all__ = [
    "Deadline",
    "DeadlineKind",
    "ExportError",
    "MinshengError",
    "Notice",
    "NoticeError",
    "NoticeMeta",
    "Problem",
    "QueryError",
    "Severity",
    "Task",
    "load_notice",
]
