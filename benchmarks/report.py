"""Time `minsheng report` in every format as the notice and the ledger grow.

For each size, a notice of N tasks (the seed's rows repeated and renumbered, as in
export_scaling.py) and a ledger of 10 × N reports (every real recipient reporting on
random days, through `Ledger.bulk_append`) are built. Then the whole command

    minsheng report --notice big.txt --db big.db --as-of 2015-06-30 -f FMT -o out.FMT

is timed as a process, from a regular (not editable) install, once per format and size
(the median of `--runs`). Targets: docx for the 80-task seed under 1 s; every format
for 10,000 tasks and 100,000 reports under 10 s, growing linearly.

    python benchmarks/report.py [--sizes 80 1000 10000] [--runs 3] [--formats docx xlsx]
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
from export_scaling import synthetic_notice  # noqa: E402

FORMATS = ["docx", "xlsx", "html", "md", "json"]


def build(folder: Path, size: int, seed: int = 2015) -> tuple[Path, Path]:
    """A notice of `size` tasks and a ledger of 10 × `size` reports on it."""
    from minsheng_cli.ledger.records import Report, Status
    from minsheng_cli.ledger.store import Ledger
    from minsheng_cli.notice.loader import load_notice

    notice_path = folder / f"notice-{size}.txt"
    notice_path.write_text("\n".join(synthetic_notice(size)) + "\n", encoding="utf-8")
    notice = load_notice(notice_path)
    pairs = [(t.number, r.name) for t in notice.tasks for r in t.recipients]
    rng = random.Random(seed)
    january = dt.date(2015, 1, 1)

    def report() -> Report:
        task, unit = rng.choice(pairs)
        percent = rng.randint(0, 100)
        return Report.model_construct(
            task=task,
            unit=unit,
            status=Status.DONE if percent == 100 else Status.IN_PROGRESS,
            percent=percent,
            note="已完成摸底调查，正在推进",
            problems="资金未到位" if percent < 30 else None,
            next_steps="按计划推进",
            as_of=january + dt.timedelta(days=rng.randint(0, 180)),
            recorded_at=None,
            source=None,
        )

    db = folder / f"ledger-{size}.db"
    with Ledger(db) as ledger:
        ledger.bulk_append(notice, (report() for _ in range(10 * size)))
    return notice_path, db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[80, 1000, 10000])
    parser.add_argument("--formats", nargs="+", default=FORMATS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        python = _regular_python(folder)
        env = {**os.environ, "MINSHENG_CACHE_DIR": str(folder / "cache")}
        env.pop("MINSHENG_NO_CACHE", None)
        print("| tasks | reports | " + " | ".join(args.formats) + " |")
        print("|---|---|" + "---|" * len(args.formats))
        for size in args.sizes:
            notice, db = build(folder, size)
            cells = []
            for fmt in args.formats:
                times = []
                for run in range(args.runs + 1):  # the first run fills the parse cache
                    out = folder / f"out-{size}-{run}.{fmt}"
                    command = [python, "-m", "minsheng_cli", "report", "--notice", str(notice)]
                    command += ["--db", str(db), "--as-of", "2015-06-30", "-f", fmt]
                    started = time.perf_counter()
                    subprocess.run(
                        [*command, "-o", str(out)],
                        check=True,
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    if run:
                        times.append(time.perf_counter() - started)
                cells.append(f"{statistics.median(times):.2f} s")
            print(f"| {size:,} | {10 * size:,} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
