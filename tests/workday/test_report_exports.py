"""Reports a leader or manager takes away: the case list, the overdue measures, a batch's
progress (by township/community and by stage) and the hotline's three rates, as Excel."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from lianxin.care.models import Measure
from lianxin.care.tests import factories as f
from lianxin.core.roles import Role


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = [
        [("" if v is None else str(v)) for v in r] for r in book.active.iter_rows(values_only=True)
    ]
    return rows[1:]  # the first row is the sheet's title


def test_case_list_and_overdue_measures_export(world, client):
    case, a = f.case_at(world, "tracking")
    Measure.objects.filter(case=case).update(deadline=dt.date(2026, 1, 1))
    client.force_login(a.township)
    rows = _sheet(client.get(reverse("care:case_export")))
    assert rows[0][:3] == ["案件编号", "户编号", "户主"]
    assert [r[0] for r in rows[1:]] == [case.number]
    assert rows[1][5] == "跟踪指导中"
    client.force_login(a.community)  # the measures of his area (township staff: of his unit)
    overdue = _sheet(client.get(reverse("care:measure_export"), {"overdue": "1"}))
    assert overdue[0][-1] == "超期天数"
    assert len(overdue) == 1 + Measure.objects.filter(case=case).count()
    assert all(int(r[-1]) > 0 for r in overdue[1:])


def test_batch_progress_by_township_community_and_stage(world, client):
    case, a = f.case_at(world, "tracking")
    client.force_login(a.county)
    page = client.get(reverse("care:batch_detail", args=[case.batch_id]))
    breakdown = page.context["breakdown"]
    assert [x["area"] for x in breakdown["areas"]] == [world.a.township.name]
    assert breakdown["areas"][0]["households"] == 1
    assert breakdown["stages"] == [{"stage": "跟踪指导中", "households": 1}]
    community = client.get(
        reverse("care:batch_detail", args=[case.batch_id]), {"level": "community"}
    )
    assert [x["area"] for x in community.context["breakdown"]["areas"]] == [world.a.village.name]
    rows = _sheet(client.get(reverse("care:batch_export", args=[case.batch_id])))
    assert rows[0] == ["区域", "户数", "人数", "措施数", "已落实", "落实率", "超期未落实"]
    assert rows[1][:2] == [world.a.township.name, "1"]
    assert ["跟踪指导中", "1"] in [r[:2] for r in rows]


def test_hotline_rates_export(world, client):
    client.force_login(world.user(Role.HOTLINE_AGENT, "a"))
    rows = _sheet(client.get(reverse("hotline:reports_export"), {"by": "area"}))
    assert rows[0] == ["县（区）", "受理", "响应率", "解决率", "满意率", "按时办结率"]
    assert rows[1][0] == "合计"
