"""Every printed, exported and displayed date is Beijing time: at 00:30 on 1 December in
Beijing (16:30 on 30 November UTC) the plan's approval date is 1 December everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxin.care import pdf
from lianxin.care.tests import factories as f

HALF_PAST_MIDNIGHT_BEIJING = dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC)


@pytest.fixture
def at_half_past_midnight(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: HALF_PAST_MIDNIGHT_BEIJING)
    return HALF_PAST_MIDNIGHT_BEIJING


def test_plan_approved_at_half_past_midnight_is_dated_that_day(
    world, client, at_half_past_midnight
):
    case, a = f.case_at(world, "planned")
    assert case.plan.approved_at == HALF_PAST_MIDNIGHT_BEIJING
    client.force_login(a.township)
    context = client.get(reverse("care:plan_print", args=[case.pk])).context
    assert "审定：" in pdf.footer_text(context)
    assert "2026-12-01" in pdf.footer_text(context)
    assert "2026-11-30" not in pdf.footer_text(context)
    assert "打印时间：2026-12-01 00:30" in pdf.footer_text(context)
    page = client.get(reverse("care:plan_print", args=[case.pk])).content.decode()
    assert "2026-12-01" in page
    assert "2026-11-30" not in page
    detail = client.get(reverse("care:case_detail", args=[case.pk])).content.decode()
    assert "已审定 2026-12-01" in detail


def test_plan_pdf_renders_with_signature_lines(world, client, at_half_past_midnight):
    if not pdf.available():
        pytest.skip("fpdf2 或中文字体未安装")
    case, a = f.case_at(world, "planned")
    client.force_login(a.township)
    response = client.get(reverse("care:plan_pdf", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(pdf.SIGNATURES) == 3
