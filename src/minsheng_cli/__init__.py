"""minsheng: parse a municipal livelihood notice into validated tasks.

Names are imported on first use, so that `import minsheng_cli.<module>` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Deadline": "models",
    "DeadlineKind": "models",
    "Notice": "models",
    "NoticeMeta": "models",
    "Problem": "models",
    "Severity": "models",
    "Task": "models",
    "ExportError": "errors",
    "MinshengError": "errors",
    "NoticeError": "errors",
    "QueryError": "errors",
    "load_notice": "notice.loader",
}

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

if TYPE_CHECKING:
    from minsheng_cli.errors import ExportError, MinshengError, NoticeError, QueryError
    from minsheng_cli.models import (
        Deadline,
        DeadlineKind,
        Notice,
        NoticeMeta,
        Problem,
        Severity,
        Task,
    )
    from minsheng_cli.notice.loader import load_notice


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"minsheng_cli.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'minsheng_cli' has no attribute {name!r}")
