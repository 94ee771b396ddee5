"""The care workflows declared once (issue #10): for every transition, in every stage, as every
role that can open the case page, the page shows the transition's button exactly when the
service accepts the call (it is refused neither for who nor for when). The service is called
for real with complete input inside a savepoint that is rolled back."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from lianxin.care import services
from lianxin.care.models import CareCase, Measure, MeasureStatus
from lianxin.care.tests import factories as f
from lianxin.care.workflows import CASE_WORKFLOW, MEASURE_WORKFLOW
from lianxin.core.errors import AccessDenied, Conflict, InvalidTransition
from lianxin.core.roles import Role
from lianxin.core.workflow import walk

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def _case_input(name: str, a: f.Actors) -> dict[str, Any]:
    unit = a.site.orgs["civil_affairs"]
    return {
        "investigate": {"data": f.investigation_data()},
        "review": {"held_on": dt.date(2026, 11, 21), "participants": "两委", "opinion": "属实"},
        "recognise": {"batch": f.batch(), "checklist": f.ALL_CRITERIA, "note": ""},
        "reject": {"reason": "不符合条件"},
        "plan": {"goal": "保障基本生活", "leader": a.leader, "paired_unit": unit},
        "measure": {
            "action": "medical",
            "title": "医疗救助",
            "responsible_unit": unit,
            "deadline": dt.date(2027, 1, 31),
        },
        "approve": {},
        "followup": {"visited_on": dt.date(2026, 11, 22), "notes": "回访正常"},
        "evaluate": {
            "evaluated_on": dt.date(2026, 11, 23),
            "outcome": "好转",
            "decision": "continue",
        },
        "accept": {},
        "grade": {"grade": "red", "reason": "病情加重"},
    }[name]


MEASURE_INPUT: dict[str, dict[str, Any]] = {
    "start": {},
    "implement": {"evidence": "已发放"},
    "escalate": {"kind": "consultation", "reason": "资金不足"},
    "cancel": {"reason": "重复"},
    "link": {"delivery_type": "volunteers.microwish", "delivery_id": "7", "label": "心愿"},
}


def _accepted(service: Any, **kwargs: Any) -> bool:
    """Does the service take the call? Refusals of who or when say no; anything after that
    (the rollback, or a complaint about the record's content) says yes."""
    try:
        with transaction.atomic():
            service(**kwargs)
            raise Rollback
    except Rollback:
        return True
    except (AccessDenied, InvalidTransition, Conflict):  # who, when, one open escalation
        return False
    except Exception:  # noqa: BLE001 — past the check: incomplete records, conflicts of content
        return True


def _buttons(html: str) -> set[str]:
    return set(re.findall(r'data-testid="action-([a-z_]+)"', html))


def _cases(world: Any, a: f.Actors) -> list[CareCase]:
    cases = [f.case_at(world, stage, actors=a)[0] for stage in f.STAGES]
    recognised = next(c for c in cases if c.stage == "recognised")
    f.plan(a.community, recognised, a, "保障")
    tracking = f.case_at(world, "tracking", actors=a)[0]
    services.case_evaluate(
        actor=a.township,
        case=tracking,
        evaluated_on=dt.date(2026, 11, 23),
        outcome="好转",
        decision="continue",
    )
    rejected = f.case_at(world, "reviewed", actors=a)[0]
    services.case_reject(actor=a.township, case=rejected, reason="不符合")
    return [*cases, tracking, rejected]


def _users(world: Any, a: f.Actors) -> list[Any]:
    return [
        a.grid_worker,
        world.user(Role.GRID_WORKER, "a", grid=a.site.other_grid),
        a.community,
        a.township,
        a.township2,
        a.county,
        a.leader,
        world.user(Role.UNIT_STAFF, "a"),
        world.user(Role.CITY_STAFF, "a"),
    ]


def test_case_page_shows_a_button_exactly_when_the_service_accepts(world, client):
    a = f.Actors(world)
    cases = _cases(world, a)
    users = _users(world, a)
    assert walk(CASE_WORKFLOW, users, cases) == []
    problems, checked = [], 0
    for case in cases:
        for user in users:
            client.force_login(user)
            response = client.get(reverse("care:case_detail", args=[case.pk]))
            if response.status_code == 404:
                continue  # the case is not theirs to see
            shown = _buttons(response.content.decode())
            for t in CASE_WORKFLOW.transitions:
                fresh = CareCase.objects.get(pk=case.pk)
                accepted = _accepted(
                    t.resolve_service(), actor=user, obj=fresh, **_case_input(t.name, a)
                )
                checked += 1
                if accepted != (t.name in shown):
                    problems.append(f"{user} {case.stage} {t.name}: page {t.name in shown}")
    assert problems == [], "\n".join(problems)
    assert checked > 300


def test_measure_buttons_follow_the_declaration(world, client):
    a = f.Actors(world)
    planned, _ = f.case_at(world, "planned", actors=a)
    waiting, _ = f.case_at(world, "recognised", actors=a)
    civil_affairs = a.site.orgs["civil_affairs"]
    f.measure(
        a.township, waiting, "medical", "未审定方案的措施", civil_affairs, dt.date(2027, 1, 31)
    )
    started, _ = f.case_at(world, "planned", actors=a)
    services.measure_start(actor=a.county, measure=started.measures.get())
    done, _ = f.case_at(world, "planned", actors=a)
    services.measure_implement(actor=a.county, measure=done.measures.get(), evidence="已发放")
    escalated, _ = f.case_at(world, "planned", actors=a)
    services.escalation_raise(
        actor=a.county, measure=escalated.measures.get(), kind="consultation", reason="会商"
    )
    users = _users(world, a)
    measures = [c.measures.get() for c in (planned, waiting, started, done, escalated)]
    assert walk(MEASURE_WORKFLOW, users, measures) == []
    problems = []
    for measure in measures:
        for user in users:
            client.force_login(user)
            response = client.get(reverse("care:case_detail", args=[measure.case_id]))
            if response.status_code == 404:
                continue
            html = response.content.decode()
            row = html.split(f'id="measure-{measure.pk}"', 1)[1].split("</tr>", 1)[0]
            shown = _buttons(row)
            for t in MEASURE_WORKFLOW.transitions:
                fresh = Measure.objects.select_related("case").get(pk=measure.pk)
                accepted = _accepted(
                    t.resolve_service(), actor=user, obj=fresh, **MEASURE_INPUT[t.name]
                )
                if accepted != (t.name in shown):
                    problems.append(f"{user} {measure.status} {t.name}: page {t.name in shown}")
    assert problems == [], "\n".join(problems)
    assert MeasureStatus.IMPLEMENTED in {m.status for m in measures}


def test_a_button_hidden_from_a_role_is_refused_to_it_with_a_chinese_message(world, client):
    case, a = f.case_at(world, "investigated")
    client.force_login(a.grid_worker)
    page = client.get(reverse("care:case_detail", args=[case.pk])).content.decode()
    assert "action-review" not in page
    response = client.post(
        reverse("care:case_action", args=[case.pk, "review"]),
        {"held_on": "2026-11-21", "participants": "两委", "opinion": "属实"},
        follow=True,
    )
    assert "只有本社区或乡镇(街道)工作人员可以记录社区评议" in response.content.decode()
    case.refresh_from_db()
    assert case.stage == "investigated"
