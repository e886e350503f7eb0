"""How long a 1,000-task notice takes to read as Word, a web page and a workbook.

Builds each file from the seed's 80 tasks repeated and renumbered (with the
test suite's own generators: vMerge categories in Word, rowspan in GBK HTML,
this tool's export for xlsx), then times load_notice() with the cache off.
The target is under 2 s each.

    python benchmarks/readers.py [--tasks 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["MINSHENG_NO_CACHE"] = "1"

from minsheng_cli import Notice, Task, load_notice  # noqa: E402
from minsheng_cli.export.document import ExportDocument  # noqa: E402
from minsheng_cli.export.xlsx import write_xlsx  # noqa: E402
from tests.test_readers import seed_docx, seed_html  # noqa: E402

TARGET = 2.0


def many_tasks(notice: Notice, count: int) -> list[Task]:
    seed = notice.tasks
    return [seed[i % len(seed)].model_copy(update={"number": i + 1}) for i in range(count)]


def workbook(notice: Notice, tasks: list[Task]) -> bytes:
    stream = io.BytesIO()
    write_xlsx(ExportDocument(meta=notice.meta, tasks=tasks, title="分工表"), stream)
    return stream.getvalue()


def copied_page(tasks: list[Task]) -> bytes:
    """The table as a browser copies a web page: one cell a line, blank lines between."""
    lines = ["序号", "工作内容", "完成时限", "责任单位"]
    for task in tasks:
        lines += [str(task.number), task.content, task.deadline.text, "、".join(task.units)]
    return "\n\n".join(lines).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    notice = load_notice()
    tasks = many_tasks(notice, args.tasks)
    makers: dict[str, Callable[[], bytes]] = {
        "docx": lambda: seed_docx(notice, tasks),
        "html": lambda: seed_html(notice, tasks),
        "xlsx": lambda: workbook(notice, tasks),
        "txt": lambda: copied_page(tasks),
    }
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for kind, make in makers.items():
            path = Path(folder) / f"notice.{kind}"
            path.write_bytes(make())
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                read = load_notice(path)
                times.append(time.perf_counter() - start)
            assert len(read.tasks) == args.tasks, (kind, len(read.tasks))
            best = min(times)
            failed |= best >= TARGET
            size = path.stat().st_size / 1024
            print(
                f"{kind:5} {args.tasks} 项 {size:7.0f} KB  最快 {best:.3f} s  "
                f"最慢 {max(times):.3f} s  {'通过' if best < TARGET else '超过 2 s'}"
            )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
