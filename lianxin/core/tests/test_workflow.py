"""core.workflow: one declaration answers the page (available) and the service (check/advance)
the same way; advance is one conditional UPDATE, so a second taker is refused."""

from __future__ import annotations

import pytest
from django import forms

from lianxin.core.errors import AccessDenied, InvalidTransition
from lianxin.core.roles import Role
from lianxin.core.workflow import FormInvalid, Transition, Workflow, has_role, walk
from lianxin.registry.models import DuplicateCandidate
from lianxin.registry.tests.factories import household, make_id, person_of


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", max_length=20)


def _dismiss(*, actor, obj, note):
    return FLOW.advance(obj, "dismiss", actor=actor, updates={"resolution_note": note})


FLOW = Workflow(
    "registry.DuplicateCandidate",
    transitions=[
        Transition(
            "dismiss",
            "确认非同一人",
            sources=("open",),
            target="dismissed",
            allowed=has_role(Role.COMMUNITY_STAFF),
            form=NoteForm,
            service=_dismiss,
        ),
        Transition("reopen", "重新核实", sources=("dismissed",), target="open"),
    ],
)


@pytest.fixture
def candidate(world):
    home = household(
        division=world.a.village,
        members=[("王芳", make_id("640104"), "户主"), ("王方", make_id("640104"), "配偶")],
    )
    a, b = person_of(home, "王芳"), person_of(home, "王方")
    found = DuplicateCandidate.objects.filter(person__in=[a, b], other__in=[a, b]).first()
    return found or DuplicateCandidate.objects.create(person=a, other=b, reason="同音")


def test_available_and_check_agree_for_every_role(world, candidate):
    users = [world.user(role, "a") for role in (Role.COMMUNITY_STAFF, Role.GRID_WORKER)]
    assert walk(FLOW, users, [candidate]) == []
    assert [t.name for t in FLOW.available(users[0], candidate)] == ["dismiss"]
    assert FLOW.available(users[1], candidate) == []
    with pytest.raises(AccessDenied, match="您不能确认非同一人"):
        FLOW.check(users[1], candidate, "dismiss")


def test_run_validates_the_form_and_changes_nothing_on_error(world, candidate):
    staff = world.user(Role.COMMUNITY_STAFF, "a")
    with pytest.raises(FormInvalid) as exc:
        FLOW.run("dismiss", actor=staff, obj=candidate, data={"note": ""})
    assert "note" in exc.value.form.errors
    candidate.refresh_from_db()
    assert candidate.status == "open"


def test_second_taker_is_refused_by_the_conditional_update(world, candidate):
    staff = world.user(Role.COMMUNITY_STAFF, "a")
    stale = DuplicateCandidate.objects.get(pk=candidate.pk)
    FLOW.run("dismiss", actor=staff, obj=candidate, data={"note": "不同人"})
    with pytest.raises(InvalidTransition, match="已被他人处理"):
        FLOW.advance(stale, "dismiss", actor=staff, check=False)
    with pytest.raises(InvalidTransition, match="当前状态（非同一人）不能确认非同一人"):
        FLOW.check(staff, stale.__class__.objects.get(pk=candidate.pk), "dismiss")
    candidate.refresh_from_db()
    assert (candidate.status, candidate.resolution_note) == ("dismissed", "不同人")
