"""export --page-start and --copy-of-attachment reach the Word file."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from typer.testing import CliRunner

from minsheng_cli.cli import app

CASES = [
    # (options, first paragraph, page number start)
    ([], "附件", None),
    (["-u", "市民政局"], "吉市政办发〔2015〕3号附件", None),
    (["-u", "市民政局", "--no-copy-of-attachment"], "附件", None),
    (["--copy-of-attachment", "--page-start", "3"], "吉市政办发〔2015〕3号附件", "3"),
]


@pytest.mark.parametrize(("options", "label", "start"), CASES)
def test_word_options(tmp_path: Path, options: list[str], label: str, start: str | None) -> None:
    target = tmp_path / "附件.docx"
    result = CliRunner().invoke(app, ["export", "-f", "docx", "-o", str(target), *options])
    assert result.exit_code == 0, result.output
    word = Document(str(target))
    assert word.paragraphs[0].text == label
    numbering = word.sections[0]._sectPr.find(qn("w:pgNumType"))
    shown = None if numbering is None else numbering.get(qn("w:start"))
    assert shown == start


def test_page_start_must_be_positive(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "-f", "docx", "--page-start", "0"])
    assert result.exit_code == 2
