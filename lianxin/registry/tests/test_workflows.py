"""The registry's declared actions agree with its services: for every role, a form is offered
exactly when the service accepts the action (core.workflow.walk_services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lianxin.core.roles import Role
from lianxin.core.workflow import walk, walk_services
from lianxin.registry import services
from lianxin.registry.models import AssistanceStatus, DuplicateCandidate, Person, VulnerabilityTag
from lianxin.registry.tests import factories as f
from lianxin.registry.workflows import (
    ASSISTANCE_WORKFLOW,
    DUPLICATE_WORKFLOW,
    HOUSEHOLD_WORKFLOW,
    PERSON_WORKFLOW,
    TAG_WORKFLOW,
    WORKFLOWS,
)

ROLES = [
    (Role.GRID_WORKER, "a", "grid"),
    (Role.GRID_WORKER, "a", "other_grid"),
    (Role.COMMUNITY_STAFF, "a", None),
    (Role.COMMUNITY_STAFF, "b", None),
    (Role.LEADER, "a", None),
    (Role.PARTNER, "a", None),
]


@pytest.fixture
def users(world):
    out = []
    for role, site, grid in ROLES:
        s = world.a if site == "a" else world.b
        out.append(world.user(role, site, grid=getattr(s, grid) if grid else None))
    return out


@pytest.fixture
def homes(world):
    today = timezone.localdate()
    first = f.household(
        division=world.a.village,
        grid=world.a.grid,
        members=[
            ("杨德明", f.make_id(birth=dt.date(1950, 5, 5)), "户主"),
            ("杨小兰", f.make_id(birth=dt.date(1980, 6, 6), sex="F"), "子女"),
        ],
    )
    second = f.household(division=world.a.village, grid=world.a.grid)
    services.assistance_set(
        actor=None, household=first, assistance_type="临时救助", started_on=today
    )
    head = f.person_of(first, "杨德明")
    services.tag_add(actor=None, person=head, tag="空巢老人", evidence="走访")
    return first, second


def test_every_registry_workflow_names_existing_services():
    for workflow in WORKFLOWS:
        for t in workflow.transitions:
            assert callable(t.resolve_service()), f"{workflow.model_label}.{t.name}"


def test_person_actions_shown_exactly_when_the_service_accepts(world, users, homes):
    first, second = homes
    third = f.household(
        division=world.a.village,
        grid=world.a.grid,
        members=[("周平", f.make_id(birth=dt.date(1970, 1, 1)), "户主")],
    )
    today = timezone.localdate().isoformat()
    alive = f.person_of(first, "杨小兰")
    gone = f.person_of(second, "张建国")
    services.person_mark_moved(actor=None, person=gone, on=timezone.localdate(), destination="银川")
    data = {
        "tag_add": {"tag": "重病", "evidence": "住院证明", "source": "走访"},
        "disability_set": {"disability_type": "肢体", "grade": "2"},
        "member_move": {"to_household": third.number, "relationship": "其他"},
        "deceased": {"on": today, "evidence": "死亡证明"},
        "moved": {"on": today, "destination": "银川市兴庆区"},
    }
    assert walk_services(PERSON_WORKFLOW, users, [alive, gone], data) == []
    assert walk(PERSON_WORKFLOW, users, [alive, gone]) == []
    shown = {t.name for t in PERSON_WORKFLOW.available(users[0], alive)}
    assert shown == set(data)  # the person's own grid worker sees every action
    assert PERSON_WORKFLOW.available(users[1], alive) == []  # another grid's worker: none
    assert PERSON_WORKFLOW.available(users[2], Person.objects.get(pk=gone.pk)) == []


def test_household_actions_shown_exactly_when_the_service_accepts(users, homes):
    first, second = homes
    head = f.person_of(first, "杨德明")
    daughter = f.person_of(first, "杨小兰")
    data = {
        "edit": {"address": "2号楼202", "grid": ""},
        "head_change": {"new_head": str(daughter.pk), "old_head_relationship": "父母"},
        "split": {"persons": [str(daughter.pk)], "new_head": str(daughter.pk), "address": ""},
        "merge": {"target": second.number},
        "assistance_set": {"assistance_type": "低保", "started_on": "2026-01-01"},
    }
    assert walk_services(HOUSEHOLD_WORKFLOW, users, [first], data) == []
    assert head.pk != daughter.pk
    services.household_merge(actor=None, source=second, target=first)
    assert walk_services(HOUSEHOLD_WORKFLOW, users, [second], data) == []  # closed: nothing


def test_assistance_and_tag_endings_shown_exactly_when_the_service_accepts(users, homes):
    first, _ = homes
    row = AssistanceStatus.objects.get(household=first)
    tag = VulnerabilityTag.objects.get(tag="空巢老人")
    today = timezone.localdate().isoformat()
    assert (
        walk_services(
            ASSISTANCE_WORKFLOW, users, [row], {"end": {"on": today, "reason": "收入提高"}}
        )
        == []
    )
    assert walk_services(TAG_WORKFLOW, users, [tag], {"remove": {"reason": "已有子女同住"}}) == []
    services.tag_remove(actor=None, tag=tag, reason="已有子女同住")
    assert walk_services(TAG_WORKFLOW, users, [tag], {"remove": {"reason": "再次"}}) == []


def test_duplicate_review_shown_exactly_when_the_service_accepts(users, world):
    one = f.household(
        division=world.a.village,
        grid=world.a.grid,
        members=[("王梅", f.make_id(birth=dt.date(1960, 2, 2)), "户主")],
    )
    two = f.household(
        division=world.a.village,
        grid=world.a.grid,
        members=[("王玫", f.make_id(birth=dt.date(1960, 2, 2), sex="F"), "户主")],
    )
    p1, p2 = f.person_of(one, "王梅"), f.person_of(two, "王玫")
    candidate, _ = DuplicateCandidate.objects.get_or_create(
        person=p1, other=p2, defaults={"reason": "同音同生日"}
    )
    data = {"merge": {"keep": str(p1.pk)}, "dismiss": {"note": "不同的人"}}
    assert walk_services(DUPLICATE_WORKFLOW, users, [candidate], data) == []
    services.duplicate_dismiss(actor=None, candidate=candidate, note="不同")
    assert walk_services(DUPLICATE_WORKFLOW, users, [candidate], data) == []
