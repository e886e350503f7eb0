"""JSON Schemas of the records, generated from the pydantic models.

Regenerate the committed copies with `python -m minsheng_cli.schemas schemas/`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from minsheng_cli.models import Notice, Task


def schemas() -> dict[str, dict[str, Any]]:
    """File name → schema, describing what `--format json` and exports emit.

    progress.schema.json is one record of `progress list --format json`;
    report.schema.json is what `report --format json` writes.
    """
    task = Task.model_json_schema(mode="serialization")
    task["$id"] = "https://minsheng.invalid/schemas/task.schema.json"
    notice = Notice.model_json_schema(mode="serialization")
    notice["$id"] = "https://minsheng.invalid/schemas/notice.schema.json"
    from minsheng_cli.ledger.serialize import TaskProgress

    progress = TaskProgress.model_json_schema(mode="serialization")
    progress["$id"] = "https://minsheng.invalid/schemas/progress.schema.json"
    from minsheng_cli.report.model import ReportFigures

    report = ReportFigures.model_json_schema(mode="serialization")
    report["$id"] = "https://minsheng.invalid/schemas/report.schema.json"
    return {
        "task.schema.json": task,
        "notice.schema.json": notice,
        "progress.schema.json": progress,
        "report.schema.json": report,
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> None:
    folder = Path(argv[0] if argv else "schemas")
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas().items():
        (folder / name).write_text(render(schema), encoding="utf-8")
        print(folder / name)


if __name__ == "__main__":
    main(sys.argv[1:])
