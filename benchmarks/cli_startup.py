"""Time `minsheng list --unit 市民政局` against the floor of the same kind of program.

Like is compared with like:
- the table output against a minimal Typer + pydantic + rich app that validates
  80 small records and prints 15 of them as a rich table;
- the `--format json` output against the same app printing them as JSON.

Runs alternate between each command and its floor, so that machine noise hits
both alike; the figure is the median of the paired ratios. Target: <= 1.2.

It must run from a regular (not editable) install: an editable one, with
PYTHONDONTWRITEBYTECODE set as in this sandbox, recompiles the package on every
run. When the running interpreter has no regular install of minsheng, the script
builds one in a temporary virtual environment first (`pip install <project>`).

    python benchmarks/cli_startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOOR = """
import json
import sys

import typer
from pydantic import BaseModel

app = typer.Typer()


class Record(BaseModel):
    number: int
    category: str
    content: str
    deadline: str
    units: list[str]


@app.command()
def main(unit: str = "市民政局", fmt: str = "table") -> None:
    records = [
        Record(
            number=n,
            category="困难救助",
            content="进一步提高城乡低保保障水平，城乡低保标准分别达到上年度城镇居民人均可支配收入的20%。",
            deadline="10月",
            units=[unit, "各县（市）区", "开发区"],
        )
        for n in range(1, 81)
    ]
    mine = [r for r in records if r.number % 5 == 0][:15]
    if fmt == "json":
        sys.stdout.write(
            json.dumps([r.model_dump() for r in mine], ensure_ascii=False, indent=2) + "\\n"
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(expand=True)
    for name in ("序号", "类别", "工作内容", "完成时限", "责任单位"):
        table.add_column(name)
    for r in mine:
        table.add_row(str(r.number), r.category, r.content, r.deadline, "\\n".join(r.units))
    Console().print(table)


app()
"""


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    return time.perf_counter() - start


def _is_regular_install() -> bool:
    try:
        dist = metadata.distribution("minsheng")
    except metadata.PackageNotFoundError:
        return False
    direct = dist.read_text("direct_url.json")
    return not (direct and json.loads(direct).get("dir_info", {}).get("editable"))


def _regular_python(folder: Path) -> str:
    """An interpreter with a regular install of this checkout: this one, or a fresh venv's."""
    if _is_regular_install():
        return sys.executable
    print("正在临时虚拟环境中以常规方式安装 minsheng（pip install .）……", file=sys.stderr)
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / ("Scripts" if os.name == "nt" else "bin") / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(ROOT)], check=True)
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        python = _regular_python(folder)
        floor_path = folder / "floor.py"
        floor_path.write_text(FLOOR, encoding="utf-8")
        env = {**os.environ, "COLUMNS": "100", "MINSHENG_CACHE_DIR": str(folder / "cache")}
        env.pop("MINSHENG_NO_CACHE", None)
        script = shutil.which("minsheng", path=str(Path(python).parent))
        ours = [script] if script else [python, "-m", "minsheng_cli"]
        ours += ["list", "--unit", "市民政局"]
        floor = [python, str(floor_path)]
        pairs = {
            "table": (ours, floor),
            "json": ([*ours, "--format", "json"], [*floor, "--fmt", "json"]),
        }
        for command, base in pairs.values():  # warm the file cache and the notice cache
            _time(command, env)
            _time(base, env)
        for label, (command, base) in pairs.items():
            ratios: list[float] = []
            mine_times: list[float] = []
            floor_times: list[float] = []
            for _ in range(args.runs):
                mine, bottom = _time(command, env), _time(base, env)
                mine_times.append(mine)
                floor_times.append(bottom)
                ratios.append(mine / bottom)
            print(f"{label:>5}: minsheng  median {statistics.median(mine_times) * 1000:7.1f} ms")
            print(f"{label:>5}: floor     median {statistics.median(floor_times) * 1000:7.1f} ms")
            print(f"{label:>5}: ratio (paired, median) {statistics.median(ratios):.2f}  (<= 1.20)")


if __name__ == "__main__":
    main()
