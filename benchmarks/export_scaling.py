"""How export time grows with the number of tasks.

Generates notices of 80, 1,000 and 10,000 tasks by repeating the seed's table
with new numbers, parses each, and times every export format. Linear growth
shows as a constant time per task.

    python benchmarks/export_scaling.py [--sizes 80 1000 10000] [--formats xlsx docx csv]
"""

from __future__ import annotations

import argparse
import io
import re
import time

from minsheng_cli.export import ExportFormat
from minsheng_cli.export.document import ExportDocument
from minsheng_cli.export.plan import writer_for
from minsheng_cli.notice.loader import bundled_notice_path, parse_notice
from minsheng_cli.notice.source import SourceText, split_lines

_NUMBER_CELL = re.compile(r"^\t(\d+)$")


def synthetic_notice(size: int) -> list[str]:
    """The seed notice with its 80 rows repeated and renumbered up to `size` rows."""
    lines = split_lines(bundled_notice_path().read_text(encoding="utf-8"))
    first_row = next(i for i, line in enumerate(lines) if line == "\t1")
    head, rows = lines[:first_row], lines[first_row:]
    out = list(head)
    number = 0
    while number < size:
        for line in rows:
            if _NUMBER_CELL.match(line):
                number += 1
                if number > size:
                    return out
                line = f"\t{number}"
            out.append(line)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[80, 1000, 10000])
    parser.add_argument("--formats", nargs="+", default=["xlsx", "docx", "csv", "json", "md"])
    args = parser.parse_args()
    print(f"{'tasks':>7} {'format':>6} {'seconds':>9} {'µs/task':>9}")
    for size in args.sizes:
        start = time.perf_counter()
        notice = parse_notice(SourceText("synthetic.txt", "utf-8", synthetic_notice(size)))
        parsed = time.perf_counter() - start
        assert len(notice.tasks) == size, len(notice.tasks)
        print(f"{size:>7} {'parse':>6} {parsed:>9.3f} {parsed / size * 1e6:>9.1f}")
        document = ExportDocument(meta=notice.meta, tasks=notice.tasks, title="分工表")
        for name in args.formats:
            write = writer_for(ExportFormat(name))
            start = time.perf_counter()
            write(document, io.BytesIO())
            took = time.perf_counter() - start
            print(f"{size:>7} {name:>6} {took:>9.3f} {took / size * 1e6:>9.1f}")


if __name__ == "__main__":
    main()
