"""Time the ledger: `progress list` over 100,000 reports against plain `list`.

- A ledger of 100,000 reports is built through the store (`Ledger.bulk_append`): every
  real recipient of every task reports on random days of the year.
- `minsheng progress list --as-of 2015-06-30` is then timed against `minsheng list`,
  as whole processes, both as a table and as JSON. Runs alternate between the two, and
  the figure is the median of the paired ratios. Target: <= 1.5.
- Reading and checking the filled workbooks of every real recipient (`export
  --split-by recipient`, 54 files, every row filled in), as `progress import` does
  before it writes: `ledger.returned.read_returned` on each file. Target: < 3 s in all.

Like benchmarks/cli_startup.py, it runs the commands from a regular (not editable)
install, building one in a temporary virtual environment when the running interpreter
has none; the ledger itself is built with this interpreter's minsheng.

    python benchmarks/ledger.py [--runs 15] [--reports 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_startup import _regular_python  # noqa: E402  (the same regular install)


def build_ledger(path: Path, count: int, seed: int = 2015) -> float:
    """A ledger of `count` reports on the bundled notice; returns the seconds it took."""
    from minsheng_cli import load_notice
    from minsheng_cli.ledger.records import Report, Status
    from minsheng_cli.ledger.store import Ledger

    started = time.perf_counter()
    notice = load_notice()
    pairs = [(t.number, r.name) for t in notice.tasks for r in t.recipients]
    rng = random.Random(seed)
    january = dt.date(2015, 1, 1)

    def report() -> Report:
        task, unit = rng.choice(pairs)
        percent = rng.randint(0, 100)
        status = Status.DONE if percent == 100 else Status.IN_PROGRESS
        return Report.model_construct(
            task=task,
            unit=unit,
            status=status,
            percent=percent,
            note="已完成摸底调查，正在推进",
            problems=None,
            next_steps="按计划推进",
            as_of=january + dt.timedelta(days=rng.randint(0, 364)),
            recorded_at=None,
            source=None,
        )

    with Ledger(path) as ledger:
        ledger.bulk_append(notice, (report() for _ in range(count)))
    return time.perf_counter() - started


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    return time.perf_counter() - start


def _paired(label: str, ours: list[str], base: list[str], env: dict[str, str], runs: int) -> None:
    _time(ours, env), _time(base, env)  # warm the file cache and the notice cache
    ratios, mine, floor = [], [], []
    for _ in range(runs):
        a, b = _time(ours, env), _time(base, env)
        mine.append(a)
        floor.append(b)
        ratios.append(a / b)
    print(f"{label:>5}: progress list median {statistics.median(mine) * 1000:7.1f} ms")
    print(f"{label:>5}: list          median {statistics.median(floor) * 1000:7.1f} ms")
    print(f"{label:>5}: ratio (paired, median) {statistics.median(ratios):.2f}  (<= 1.50)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reports", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        db = folder / "ledger.sqlite3"
        seconds = build_ledger(db, args.reports)
        print(f"built a ledger of {args.reports} reports in {seconds:.1f} s")
        python = _regular_python(folder)
        env = {
            **os.environ,
            "COLUMNS": "100",
            "MINSHENG_CACHE_DIR": str(folder / "cache"),
            "MINSHENG_DB": str(db),
        }
        env.pop("MINSHENG_NO_CACHE", None)
        minsheng = [python, "-m", "minsheng_cli"]
        progress = [*minsheng, "progress", "list", "--as-of", "2015-06-30"]
        plain = [*minsheng, "list"]
        _paired("table", progress, plain, env, args.runs)
        json = ["--format", "json"]
        _paired("json", [*progress, *json], [*plain, *json], env, args.runs)

        time_workbook_import(folder / "workbooks")


def time_workbook_import(folder: Path, runs: int = 3) -> float:
    """Seconds to read and check every real recipient's filled workbook (best of `runs`)."""
    from openpyxl import load_workbook

    from minsheng_cli import load_notice
    from minsheng_cli.export import ExportFormat, SplitBy
    from minsheng_cli.export.plan import plan_export, prepare_targets, write_planned
    from minsheng_cli.ledger.notices import notice_key
    from minsheng_cli.ledger.returned import read_returned
    from minsheng_cli.ledger.workbook import Signer
    from minsheng_cli.query import TaskFilter

    notice = load_notice()
    key, ledger_id = bytes(range(32)), "benchmark-ledger"
    signer = Signer(notice_key=notice_key(notice), ledger_id=ledger_id, key=key)
    planned = plan_export(
        notice,
        TaskFilter(),
        ExportFormat.xlsx,
        output=folder,
        split_by=SplitBy.recipient,
        signer=signer,
    )
    prepare_targets(planned, force=True)
    paths = list(write_planned(planned, ExportFormat.xlsx, force=True))
    for path in paths:  # a unit fills in every row
        workbook = load_workbook(path)
        sheet = workbook["分工表"]
        headers = [cell.value for cell in sheet[3]]
        first = headers.index("状态") + 1
        for row in range(4, sheet.max_row + 1):
            values: list[str | int | dt.date] = ["推进中", 50, "已完成摸底调查，正在推进"]
            values += ["资金尚未到位", "按计划推进", dt.date(2015, 6, 30)]
            for offset, value in enumerate(values):
                sheet.cell(row, first + offset).value = value
        workbook.save(path)
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        results = [
            read_returned(
                path,
                notice,
                notice_key=signer.notice_key,
                keys={ledger_id: key},
                today=dt.date(2015, 7, 1),
            )
            for path in paths
        ]
        best = min(best, time.perf_counter() - started)
    reports = sum(len(r.reports) for r in results)
    problems = sum(len(r.problems) for r in results)
    assert problems == 0, [str(p) for r in results for p in r.problems][:5]
    print(
        f"import: read and checked {len(paths)} workbooks ({reports} rows) in {best:.2f} s"
        f" ({best / len(paths) * 1000:.0f} ms each; < 3 s)"
    )
    return best


if __name__ == "__main__":
    main()
