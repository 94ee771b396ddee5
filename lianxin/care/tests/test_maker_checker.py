"""MC-01: the community's review and the township's recognition, the plan's author and its
approver, are different people (core.maker_checker); refusals change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from lianxin.care import services
from lianxin.care.models import Stage
from lianxin.core.maker_checker import MakerCheckerError
from lianxin.core.models import AuditEvent

from . import factories as f


def test_the_reviewer_cannot_recognise(world):
    case, a = f.case_at(world, "investigated")
    services.case_review_by_community(
        actor=a.township,  # the township may record the community's review …
        case=case,
        held_on=dt.date(2026, 11, 21),
        participants="社区两委",
        opinion="属实",
    )
    case.refresh_from_db()
    before = (case.stage, AuditEvent.objects.count())
    with pytest.raises(MakerCheckerError, match="社区评议和乡镇认定须由不同人员办理"):
        # … but then not recognise it as well
        services.case_recognise(
            actor=a.township, case=case, batch=f.batch(), checklist=f.ALL_CRITERIA
        )
    case.refresh_from_db()
    assert (case.stage, AuditEvent.objects.count()) == before
    assert not hasattr(case, "recognition") or case.recognition is None
    services.case_recognise(actor=a.township2, case=case, batch=f.batch(), checklist=f.ALL_CRITERIA)
    case.refresh_from_db()
    assert case.stage == Stage.RECOGNISED


def _plan(case, a, author):
    f.plan(author, case, a)
    f.measure(
        author,
        case,
        "basic_living",
        "申请临时救助",
        a.site.orgs["civil_affairs"],
        dt.date(2026, 12, 31),
    )


def test_the_plan_author_cannot_approve_it(world):
    case, a = f.case_at(world, "recognised")
    _plan(case, a, a.township)
    before = (case.stage, AuditEvent.objects.count())
    with pytest.raises(MakerCheckerError, match="制定方案和审定方案须由不同人员办理"):
        services.plan_approve(actor=a.township, case=case)
    case.refresh_from_db()
    assert (case.stage, AuditEvent.objects.count()) == before
    assert case.plan.approved_by is None
    services.plan_approve(actor=a.township2, case=case)
    case.refresh_from_db()
    assert (case.stage, case.plan.approved_by) == (Stage.PLANNED, a.township2)


def test_an_editor_of_the_plan_cannot_approve_it_either(world):
    case, a = f.case_at(world, "recognised")
    _plan(case, a, a.community)
    f.plan(a.township, case, a, "保障基本生活，改善住房")
    with pytest.raises(MakerCheckerError):
        services.plan_approve(actor=a.township, case=case)
    services.plan_approve(actor=a.township2, case=case)
