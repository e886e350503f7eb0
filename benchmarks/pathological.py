"""Time the parse of notices with a pathological 40,000-character line.

Each case takes the bundled notice and puts one long line where a regular
expression looks: in the front matter, in a category cell and in a content
cell, and also a content cell of 40,000 short lines, which tests the joining
of wrapped lines. Target: each under 0.5 s (issue 6); before the fix the
front-matter line took 12 s and the category cell 14 s.

Then it runs `minsheng list` (a table, at 100 columns, no cache) as a separate
process on a notice whose first content cell holds 6 MB, from start to exit.
Target: under 2 s; before the fix the table alone took 28 s.

    python benchmarks/pathological.py [--length 40000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from minsheng_cli.notice.loader import bundled_notice_path, parse_notice
from minsheng_cli.notice.source import SourceText, split_lines

TARGET = 0.5
LIST_TARGET = 2.0
HUGE_CELL = 6_000_000  # characters


def _repeat(fragment: str, length: int) -> str:
    return (fragment * (length // len(fragment) + 1))[:length]


def _front(line: str) -> Callable[[list[str]], list[str]]:
    """Put `line` in place of the 文号, so that every front-matter pattern meets it."""
    return lambda lines: [line, *lines[1:]]


# In the bundled notice, task 1's category cell is lines 27–31 ("\t就", "业", "增", "收",
# "（5项）") and its content cell is line 32.
_CATEGORY = (26, 5)
_CONTENT = (31, 1)


def _cell(where: tuple[int, int], text: str) -> Callable[[list[str]], list[str]]:
    """Replace the cell at `where` (first line index, line count) by one holding `text`."""
    start, count = where
    return lambda lines: [*lines[:start], "\t" + text, *lines[start + count :]]


def cases(length: int) -> dict[str, Callable[[list[str]], list[str]]]:
    return {
        "front matter, no spaces": _front(_repeat("民生改善x", length)),
        "front matter, brackets and years": _front(_repeat("吉政发（2015）12", length)),
        "front matter, 附件 and spaces": _front("附件" + " " * length + "x"),
        "front matter, totals": _front(_repeat("十个方面 ", length)),
        "category cell, no count": _cell(_CATEGORY, _repeat("就业增收", length)),
        "category cell, brackets": _cell(_CATEGORY, _repeat("就业（五）", length)),
        "content cell, one line": _cell(_CONTENT, _repeat("积极落实 (1) 10月底前", length)),
        "content cell, 40,000 lines": _cell(_CONTENT, "\n".join(["word"] * length)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    text = bundled_notice_path().read_text(encoding="utf-8")
    base = split_lines(text)
    worst = 0.0
    for name, edit in cases(args.length).items():
        lines = split_lines("\n".join(edit(list(base))))
        best = float("inf")
        for _ in range(args.repeat):
            source = SourceText(path=name, encoding="utf-8", lines=list(lines))
            start = time.perf_counter()
            notice = parse_notice(source)
            best = min(best, time.perf_counter() - start)
        worst = max(worst, best)
        print(f"{name:36} {best:7.3f} s  ({len(notice.tasks)} tasks)")
    print(f"{'worst':36} {worst:7.3f} s  (target < {TARGET} s)")
    print(
        f"{'list, 6 MB content cell':36} {_list_huge_cell(base, args.repeat):7.3f} s  "
        f"(target < {LIST_TARGET} s, whole process)"
    )


def _list_huge_cell(base: list[str], repeat: int) -> float:
    lines = _cell(_CONTENT, _repeat("积极落实民生改善工作，", HUGE_CELL))(list(base))
    env = {**os.environ, "MINSHENG_NO_CACHE": "1", "COLUMNS": "100"}
    best = float("inf")
    with tempfile.TemporaryDirectory() as folder:
        notice = Path(folder) / "huge.txt"
        notice.write_text("\n".join(lines), encoding="utf-8")
        command = [sys.executable, "-m", "minsheng_cli", "list", "--notice", str(notice)]
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
            )
            best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    main()
