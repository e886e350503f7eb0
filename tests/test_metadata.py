from __future__ import annotations

import pytest

from minsheng_cli import Notice
from minsheng_cli.notice.metadata import parse_front_matter


def test_seed_metadata(notice: Notice) -> None:
    meta = notice.meta
    assert meta.document_number == "吉市政办发〔2015〕3号"
    assert meta.issuer == "吉林市人民政府办公厅"
    assert meta.title == "关于做好2015年民生改善工作的通知"
    assert meta.year == 2015
    assert meta.addressees == [
        "各县（市）区人民政府",
        "开发区管委会",
        "市政府各委办局",
        "各直属机构",
    ]
    assert meta.attachment_title == "吉林市2015年改善民生事项及责任分工表"
    assert (meta.declared_categories, meta.declared_tasks) == (10, 80)


@pytest.mark.parametrize(
    ("lines", "year", "totals"),
    [
        (["吉市政办发〔2016〕7号", "关于做好民生工作的通知"], 2016, (None, None)),
        (["某市人民政府办公室", "关于做好2017年民生工作的通知"], 2017, (None, None)),
        (["关于做好民生工作的通知", "共十二个方面九十项内容。"], None, (12, 90)),
        (["吉市政办发[2018]1号", "共8个方面60项"], 2018, (8, 60)),
    ],
)
def test_front_matter_variants(
    lines: list[str], year: int | None, totals: tuple[int | None, int | None]
) -> None:
    front = parse_front_matter(lines)
    assert front.year == year
    assert (front.declared_categories, front.declared_tasks) == totals
