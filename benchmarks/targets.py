"""Time the extraction of 量化指标: `extract_targets` over 10,000 task contents.

The contents are the bundled notice's 80, cycled, so that each is read afresh (nothing is
cached between tasks). Before timing, one content is read once, so that the one-off costs
(the rule table, pydantic's schema for Target) are not counted. The figure is the best of
`--repeat` runs, in seconds of wall-clock time. Target: under 1 s (issue 12).

    python benchmarks/targets.py [--tasks 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time

from minsheng_cli import load_notice
from minsheng_cli.notice.targets import extract_targets

TARGET = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    seed = [(task.number, task.content) for task in load_notice().tasks]
    contents = [seed[i % len(seed)] for i in range(args.tasks)]
    extract_targets(*seed[0])  # warm: the table and the model's schema
    best, count = float("inf"), 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        count = sum(len(extract_targets(number, content)) for number, content in contents)
        best = min(best, time.perf_counter() - start)
    characters = sum(len(content) for _, content in contents)
    print(f"提取量化指标：{args.tasks:,} 项事项（{characters:,} 字），共 {count:,} 个指标")
    print(f"用时 {best:.3f} 秒（{args.repeat} 次中最快的一次；目标 < {TARGET} 秒）")
    print(f"每项事项 {best / args.tasks * 1e6:.1f} 微秒")


if __name__ == "__main__":
    main()
