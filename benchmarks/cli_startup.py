"""Time `minsheng list --unit 市民政局` against the floor of any Typer + pydantic CLI.

The floor is a minimal Typer app with one command that validates 80 small
pydantic records and prints them as JSON. Runs alternate between the two so
that machine noise hits both alike. Target: median ratio <= 1.2.

The default table output is timed, and `--format json` too, since that is the
same kind of output the floor prints. Run it from a regular (non-editable)
install: an editable one, with PYTHONDONTWRITEBYTECODE set, recompiles the
package on every run.

    python benchmarks/cli_startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = """
import json

import typer
from pydantic import BaseModel

app = typer.Typer()


class Record(BaseModel):
    number: int
    content: str
    unit: str


@app.command()
def main(unit: str = "市民政局") -> None:
    records = [Record(number=n, content="民生事项" * 10, unit=unit) for n in range(1, 81)]
    print(json.dumps([r.model_dump() for r in records], ensure_ascii=False))


app()
"""


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    script = shutil.which("minsheng", path=str(Path(sys.executable).parent))
    ours = [script] if script else [sys.executable, "-m", "minsheng_cli"]
    ours += ["list", "--unit", "市民政局"]
    with tempfile.TemporaryDirectory() as folder:
        floor_path = Path(folder) / "floor.py"
        floor_path.write_text(FLOOR, encoding="utf-8")
        floor = [sys.executable, str(floor_path)]
        variants = {
            "list --unit 市民政局": ours,
            "list --unit 市民政局 --format json": [*ours, "-f", "json"],
        }
        for command in [floor, *variants.values()]:  # warm the file cache and the notice cache
            _time(command)
        for label, command in variants.items():
            ratios: list[float] = []
            our_times: list[float] = []
            floor_times: list[float] = []
            for _ in range(args.runs):
                mine, base = _time(command), _time(floor)
                our_times.append(mine)
                floor_times.append(base)
                ratios.append(mine / base)
            ours_ms = statistics.median(our_times) * 1000
            print(f"minsheng {label:<34} median {ours_ms:7.1f} ms")
            floor_ms = statistics.median(floor_times) * 1000
            print(f"{'Typer + pydantic floor':<43} median {floor_ms:7.1f} ms")
            print(
                f"{'ratio (paired, median)':<43} {statistics.median(ratios):.2f}  (target <= 1.20)"
            )


if __name__ == "__main__":
    main()
