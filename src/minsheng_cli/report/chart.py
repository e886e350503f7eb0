"""The bulletin's picture: lights by category as a stacked bar chart, drawn with Pillow.

A chart with tofu boxes is worse than none, so it is drawn only with a font that
really holds Chinese glyphs; without one `lights_chart_png` returns None and the
caller says so (`NO_FONT_NOTE`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from functools import cache
from glob import glob
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from minsheng_cli.ledger.records import LIGHT_LABELS, Light
from minsheng_cli.report import palette
from minsheng_cli.report.model import CategoryRow, ReportFigures

if TYPE_CHECKING:
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont

NO_FONT_NOTE = (
    "提示：找不到中文字体，通报中未插入图表；可用环境变量 MINSHENG_CJK_FONT 指定字体文件。"
)
FONT_VARIABLE = "MINSHENG_CJK_FONT"
TITLE = "各类别事项亮灯情况"
UNCATEGORISED = "（未标注类别）"

# Where CJK faces live when fontconfig cannot say: Linux packages, Windows, macOS.
# Sans faces first: thin serif strokes blur in a small chart.
KNOWN_FONTS = (
    "/usr/share/fonts/**/NotoSansCJK*",
    "/usr/share/fonts/**/SourceHanSans*",
    "/usr/share/fonts/**/wqy*",
    "/usr/share/fonts/**/NotoSerifCJK*",
    "/usr/share/fonts/**/SourceHanSerif*",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti*",
)
# Lower sorts first among fontconfig's answers: sans, then anything, then serif; a
# regular weight before bold or light ones.
_SANS = ("sans", "hei", "msyh", "yahei", "pingfang", "wqy")
_SERIF = ("serif", "song", "sun", "ming", "kai", "fang")
_WEIGHTS = ("bold", "black", "heavy", "light", "thin", "medium", "semi", "extra")
# (light, colour): the segments from left to right.
SEGMENTS: tuple[tuple[Light, str], ...] = tuple(
    (light, palette.css(light)) for light in palette.SEGMENTS
)
_DARK_TEXT = palette.DARK_INK
_PROBE = "类灯"  # characters every CJK face has and Latin faces lack
_MISSING = "\uffff"  # a noncharacter: every face draws its .notdef box for it

# Geometry in pixels. 1800 px printed 150 mm wide is about 300 dpi, twice screen sharpness.
WIDTH = 1800
DPI = 300
_MARGIN = 40
_TITLE_SIZE, _TEXT_SIZE, _COUNT_SIZE = 50, 38, 34
_ROW, _BAR = 72, 50  # row pitch and bar thickness
_GAP = 16


def find_cjk_font() -> Path | None:
    """The first font file that really draws Chinese: $MINSHENG_CJK_FONT, fc-list, known paths."""
    for candidate in _candidates():
        if _has_cjk(str(candidate)):
            return candidate
    return None


def _candidates() -> Iterator[Path]:
    chosen = os.environ.get(FONT_VARIABLE)
    if chosen:
        yield Path(chosen)
    yield from _by_preference(_fc_list())
    for pattern in KNOWN_FONTS:
        yield from _by_preference(glob(pattern, recursive=True))


def _by_preference(paths: Iterable[str]) -> list[Path]:
    def rank(path: str) -> int:
        name = Path(path).name.lower()
        style = 0 if any(word in name for word in _SANS) else 1
        if any(word in name for word in _SERIF):
            style = 2
        return style * 2 + any(word in name for word in _WEIGHTS)

    return [Path(p) for p in sorted(paths, key=lambda p: (rank(p), p))]


def _fc_list() -> list[str]:
    """Files fontconfig knows to cover Chinese; none when fc-list is missing or fails."""
    program = shutil.which("fc-list")
    if program is None:
        return []
    try:
        done = subprocess.run(
            [program, ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return []
    # Lines read "/usr/share/fonts/x.ttc: ".
    return [line.strip().removesuffix(":") for line in done.stdout.splitlines() if line.strip()]


@cache
def _has_cjk(path: str) -> bool:
    """Whether the face draws 类 and 灯 as glyphs of their own, not as its missing-glyph box."""
    font = _load(path, _TEXT_SIZE)
    if font is None:
        return False
    missing = font.getmask(_MISSING)
    for char in _PROBE:
        mask = font.getmask(char)
        if mask.getbbox() is None:
            return False
        if mask.size == missing.size and bytes(mask) == bytes(missing):
            return False
    return True


def _load(path: str, size: int) -> FreeTypeFont | None:
    """The face at `path`; in a collection, the simplified-Chinese one (PingFang SC, Noto … SC)."""
    from PIL import ImageFont

    try:
        first = ImageFont.truetype(path, size)
    except (OSError, ValueError):
        return None
    if not path.lower().endswith((".ttc", ".otc")):
        return first
    for index in range(1, 16):
        try:
            face = ImageFont.truetype(path, size, index=index)
        except (OSError, ValueError):
            break
        family = face.getname()[0] or ""
        if family.endswith(" SC") or "GB" in family or "Hans" in family:
            return face
    return first


def lights_chart_png(figures: ReportFigures) -> bytes | None:
    """The stacked bar chart 各类别事项亮灯情况 as PNG; None when no CJK font is found."""
    path = find_cjk_font()
    if path is None:
        return None
    from PIL import Image, ImageDraw

    fonts = {size: _load(str(path), size) for size in (_TITLE_SIZE, _TEXT_SIZE, _COUNT_SIZE)}
    title, text, count = (fonts[size] for size in (_TITLE_SIZE, _TEXT_SIZE, _COUNT_SIZE))
    assert title is not None and text is not None and count is not None  # _has_cjk loaded it

    rows = figures.by_category
    labels = [row.category or UNCATEGORISED for row in rows]
    legend_top = _MARGIN + _TITLE_SIZE + _GAP * 2
    bars_top = legend_top + _TEXT_SIZE + _GAP * 3
    axis_top = bars_top + _ROW * max(len(rows), 1)
    height = axis_top + _GAP + _COUNT_SIZE + _MARGIN

    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    _centred(draw, (WIDTH // 2, _MARGIN + _TITLE_SIZE // 2), TITLE, title, "#000000")
    _legend(draw, legend_top, text)

    label_width = max((int(draw.textlength(label, font=text)) for label in labels), default=0)
    left = _MARGIN + label_width + _GAP
    # Room on the right for the total after the longest bar.
    right = WIDTH - _MARGIN - int(draw.textlength("000", font=count)) - _GAP
    most = max((row.tasks for row in rows), default=0)
    step = _tick_step(most)
    top_tick = -(-most // step) * step if most else step
    scale = (right - left) / top_tick
    for tick in range(0, top_tick + 1, step):
        x = left + round(tick * scale)
        draw.line([(x, bars_top - _GAP // 2), (x, axis_top)], fill="#D9D9D9", width=2)
        _centred(draw, (x, axis_top + _GAP + _COUNT_SIZE // 2), str(tick), count, "#595959")
    if not rows:
        _centred(draw, ((left + right) // 2, bars_top + _ROW // 2), "（无事项）", text, "#595959")
    for index, (row, label) in enumerate(zip(rows, labels, strict=True)):
        middle = bars_top + index * _ROW + _ROW // 2
        draw.text((left - _GAP, middle), label, font=text, fill="#000000", anchor="rm")
        _bar(draw, row, left, middle, scale, count)
    draw.line([(left, bars_top - _GAP // 2), (left, axis_top)], fill="#595959", width=3)

    out = BytesIO()
    # A palette keeps the picture at about 40 KB instead of 100 KB, and encodes faster.
    flat = image.quantize(64, method=Image.Quantize.FASTOCTREE)
    flat.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def _bar(
    draw: ImageDraw, row: CategoryRow, left: int, middle: int, scale: float, font: FreeTypeFont
) -> None:
    top, bottom = middle - _BAR // 2, middle + _BAR // 2
    start = 0
    for light, colour in SEGMENTS:
        value = _count(row, light)
        if not value:
            continue
        x0, x1 = left + round(start * scale), left + round((start + value) * scale)
        draw.rectangle([(x0, top), (x1 - 1, bottom)], fill=colour)
        label = str(value)
        if draw.textlength(label, font=font) + 12 <= x1 - x0:
            ink = "#000000" if light in _DARK_TEXT else "#FFFFFF"
            _centred(draw, ((x0 + x1) // 2, middle), label, font, ink)
        start += value
    end = left + round(start * scale)
    draw.text((end + 10, middle), str(row.tasks), font=font, fill="#000000", anchor="lm")


def _count(row: CategoryRow, light: Light) -> int:
    value: int = getattr(row, light.value)
    return value


def _legend(draw: ImageDraw, top: int, font: FreeTypeFont) -> None:
    swatch = _TEXT_SIZE * 3 // 4
    items = [(LIGHT_LABELS[light], colour) for light, colour in SEGMENTS]
    widths = [swatch + 10 + int(draw.textlength(label, font=font)) for label, _ in items]
    spacing = 40
    x = (WIDTH - sum(widths) - spacing * (len(items) - 1)) // 2
    middle = top + _TEXT_SIZE // 2
    for (label, colour), width in zip(items, widths, strict=True):
        draw.rectangle([(x, middle - swatch // 2), (x + swatch, middle + swatch // 2)], fill=colour)
        draw.text((x + swatch + 10, middle), label, font=font, fill="#000000", anchor="lm")
        x += width + spacing


def _centred(
    draw: ImageDraw, at: tuple[int, int], text: str, font: FreeTypeFont, fill: str
) -> None:
    draw.text(at, text, font=font, fill=fill, anchor="mm")


def _tick_step(most: int) -> int:
    """A round step that gives at most about ten gridlines."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if most <= step * 10:
            return step
    return 10_000
