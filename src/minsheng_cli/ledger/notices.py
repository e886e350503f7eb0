"""Which notice progress belongs to, and what its tasks were when the ledger first saw them."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from minsheng_cli.models import Notice

Snapshot = dict[str, list[Any]]
"""Task number (as text, as JSON keys are) → [content, deadline text, deadline date, units]."""


def task_snapshot(notice: Notice) -> Snapshot:
    """What the ledger remembers of each task, to tell later whether a parse differs."""
    return {
        str(t.number): [
            t.content,
            t.deadline.text,
            t.deadline.date.isoformat() if t.deadline.date else None,
            list(t.units),
        ]
        for t in notice.tasks
    }


def notice_key(notice: Notice) -> str:
    """The notice's document number, or `sha256:` and a digest of its tasks when it has none."""
    if notice.meta.document_number:
        return notice.meta.document_number
    text = json.dumps(task_snapshot(notice), ensure_ascii=False, sort_keys=True)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def changed_tasks(stored: Snapshot, current: Snapshot) -> list[int]:
    """Numbers of tasks added, removed or changed since the snapshot, in order."""
    numbers = {*stored, *current}
    return sorted(int(n) for n in numbers if stored.get(n) != current.get(n))
