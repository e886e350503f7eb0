"""The notice's front matter: 文号, issuer, title, year, addressees, declared totals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from minsheng_cli.notice.numerals import NUMERAL, to_int

# 吉政办发〔2015〕12号. The prefix starts only where a run of non-spaces starts (the
# lookbehind): a lazy \S*? tried at every character of a long line is quadratic.
_DOC_NUMBER = re.compile(r"(?<!\S)\S*?[〔\[［【（(]\s*(\d{4})\s*[〕\]］】）)]\s*\d+\s*号")
_TITLE = re.compile(r"^关于.+的(?:通知|意见|方案|决定|通报|函)$")
# A web page's heading puts the issuer in front: 大竹县人民政府办公室关于印发《……》的通知.
_ISSUER_TITLE = re.compile(
    r"^(?P<issuer>[^\s《》：:]{2,30}?(?:政府|办公室|办公厅|委员会|局|委))(?P<title>关于.+的"
    r"(?:通知|意见|方案|决定|通报|函))$"
)
_YEAR = re.compile(r"(\d{4})\s*年")
_TOTALS = re.compile(rf"(?P<categories>{NUMERAL})\s*个方面\s*(?P<tasks>{NUMERAL})\s*项")
# Not \s*\d*\s*: two runs of spaces with nothing between them split a long run in n² ways.
_ATTACHMENT = re.compile(r"^附\s*件\s*(?:\d+\s*)?[：:]\s*(.+)$")
_ADDRESSEE_SPLIT = re.compile(r"[，、,；;]")
# 依据：吉林市人民政府办公厅《关于……的通知》: how a table of its own cites its notice.
_CITED = re.compile(r"依据[：:]\s*(?P<issuer>[^《》〔〕\s：:]{2,40})《(?P<title>[^《》]{1,200})》")
_SPACE = re.compile(r"\s+")


@dataclass
class FrontMatter:
    document_number: str | None = None
    issuer: str | None = None
    title: str | None = None
    year: int | None = None
    addressees: list[str] = field(default_factory=list)
    attachment_title: str | None = None
    declared_categories: int | None = None
    declared_tasks: int | None = None
    totals_line: int | None = None


def parse_front_matter(lines: list[str]) -> FrontMatter:
    """Read what precedes the table. Every field is optional: a missing one stays None."""
    meta = FrontMatter()
    stripped = [text.strip() for text in lines]
    title_index: int | None = None
    for index, text in enumerate(stripped):
        if not text:
            continue
        if meta.document_number is None and (match := _DOC_NUMBER.search(text)):
            meta.document_number = _cited_number(_squeeze(match.group(0)))
            meta.year = int(match.group(1))
        elif meta.title is None and _TITLE.match(text):
            meta.title = text
            title_index = index
        elif meta.title is None and (match := _ISSUER_TITLE.match(text)):
            meta.issuer, meta.title = match.group("issuer"), match.group("title")
            title_index = index
        elif title_index is not None and not meta.addressees and text.endswith(("：", ":")):
            meta.addressees = [a for a in _ADDRESSEE_SPLIT.split(text[:-1]) if a]
        if meta.declared_tasks is None and (match := _TOTALS.search(text)):
            meta.declared_categories = to_int(match.group("categories"))
            meta.declared_tasks = to_int(match.group("tasks"))
            meta.totals_line = index + 1
        if meta.attachment_title is None and (match := _ATTACHMENT.match(text)):
            meta.attachment_title = match.group(1).strip()
        if meta.issuer is None and meta.title is None and (match := _CITED.search(text)):
            meta.issuer, meta.title = match.group("issuer"), match.group("title")
    if meta.year is None and (match := _YEAR.search(meta.title or "")):
        meta.year = int(match.group(1))
    if title_index is not None and meta.issuer is None:
        before = [text for text in stripped[:title_index] if text]
        if before and not _DOC_NUMBER.search(before[-1]):
            meta.issuer = before[-1]
    return meta


def year_in(text: str) -> int | None:
    """The first year written in `text` ("北山市2016年民生实事项目" → 2016), or None."""
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def _cited_number(text: str) -> str:
    """The 文号 alone, out of 依据：吉市政办发〔2015〕3号 or ……通知》（吉市政办发〔2015〕3号."""
    tail = re.split("[：:》]", text)[-1]
    if len(tail) > 1 and tail[0] in "（(" and not tail[1].isdigit():
        tail = tail[1:]
    return tail


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text)
