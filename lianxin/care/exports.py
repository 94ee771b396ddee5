"""Excel exports of the care lists (issue #12): the case list, the overdue measures and a
batch's progress. Built with the registry's formula-safe writer (registry.exports)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone

from lianxin.core import audit
from lianxin.registry.exports import write_xlsx

CASE_HEADERS = [
    "案件编号", "户编号", "户主", "社区(村)", "网格", "阶段", "分级", "发现渠道", "批次",
    "包抓领导", "结对单位", "登记日期",
]  # fmt: skip
MEASURE_HEADERS = [
    "案件编号", "户编号", "关爱行动", "措施内容", "责任单位", "完成时限", "状态", "超期天数",
]  # fmt: skip
BREAKDOWN_HEADERS = ["区域", "户数", "人数", "措施数", "已落实", "落实率", "超期未落实"]
STAGE_HEADERS = ["阶段", "户数"]


def case_rows(cases: Any) -> Iterator[list[Any]]:
    for c in cases.select_related(
        "household", "household__head", "household__division", "grid", "batch", "leader",
        "paired_unit",
    ).iterator(chunk_size=500):  # fmt: skip
        yield [
            c.number,
            c.household.number,
            c.household.head.name if c.household.head_id else "",
            c.household.division.short_name,
            c.grid.name if c.grid_id else "",
            c.get_stage_display(),
            c.get_grade_display() or "未分级",
            c.get_source_display(),
            c.batch.name if c.batch_id else "",
            str(c.leader) if c.leader_id else "",
            c.paired_unit.name if c.paired_unit_id else "",
            f"{timezone.localtime(c.created_at):%Y-%m-%d}",
        ]


def measure_rows(measures: Any) -> Iterator[list[Any]]:
    today = timezone.localdate()
    for m in measures.select_related("case", "case__household", "responsible_unit").iterator(
        chunk_size=500
    ):
        yield [
            m.case.number,
            m.case.household.number,
            m.get_action_display(),
            m.title,
            m.responsible_unit.name,
            f"{m.deadline:%Y-%m-%d}",
            m.get_status_display(),
            (today - m.deadline).days if m.is_overdue(today) else 0,
        ]


def xlsx_response(
    request: HttpRequest, *, title: str, headers: list[str], rows: Any, name: str, action: str
) -> FileResponse:
    audit.record(actor=request.user, action=action, changes={"filters": dict(request.GET.items())})
    handle, _count = write_xlsx(title=title, headers=headers, rows=rows)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{name}-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
