"""Caller matching is scoped (issue #11, finding 7): when an agent types a caller's phone, the
caller's history and the duplicate hints show only orders she may see, and a caller known only
to another area looks exactly like an unknown caller — no order, no count, no "resident" hint,
no link to a household of the other area."""

from __future__ import annotations

import pytest

from lianxin.core.roles import Role
from lianxin.hotline import selectors, services
from lianxin.hotline.workflows import WORKORDER_WORKFLOW

pytestmark = pytest.mark.django_db

KNOWN_IN_B = "13995117788"
UNKNOWN = "13995110000"
TEXT_A = "兴庆区胜利街路灯坏了一个星期，晚上很黑"


@pytest.fixture
def agent_b(world):
    return world.user(Role.HOTLINE_AGENT, "b")


def _take(actor, site, text="中宁县刘庄村路灯坏了一个星期，晚上很黑"):
    """An order taken by ``actor`` from the caller known in B, at the village of ``site``."""
    fields = {"caller_phone": KNOWN_IN_B, "dept_type": "municipal_engineering"}
    order, _ = services.workorder_intake(
        actor=actor, text=text, area_code=site.village.code, **fields
    )
    return order


def _take_in_b(world, agent_b, text="中宁县刘庄村路灯坏了一个星期，晚上很黑"):
    return _take(agent_b, world.b, text)


@pytest.fixture
def order_b(world, agent_b):
    return _take_in_b(world, agent_b)


@pytest.fixture
def resident_b(world):
    from lianxin.registry.tests.factories import household

    home = household(division=world.b.village, grid=world.b.grid)
    from lianxin.core import idnumber

    person = home.memberships.first().person
    person.phone = KNOWN_IN_B
    person.phone_hash = idnumber.search_hash(KNOWN_IN_B)
    person.save()
    return person


def _propose(client, phone: str) -> str:
    return client.post(
        "/hotline/intake/propose/",
        {"text": TEXT_A, "place": "兴庆区胜利街", "caller_phone": phone},
    ).content.decode()


def test_history_shows_the_callers_orders_of_the_agents_area(client, agent, make_order):
    mine = make_order(caller_phone="13995112233")
    client.force_login(agent)
    body = _propose(client, "139 9511 2233")
    assert 'data-testid="caller-history"' in body
    assert mine.tracking_code in body


def test_a_caller_known_only_to_another_area_looks_unknown(client, agent, order_b, resident_b):
    client.force_login(agent)
    known = _propose(client, KNOWN_IN_B)
    unknown = _propose(client, UNKNOWN)
    assert order_b.tracking_code not in known
    assert 'data-testid="caller-history"' not in known
    assert "居民" not in known
    assert known == unknown  # not even a count or a changed layout tells the difference
    assert selectors.caller_history(user=agent, phone_number=KNOWN_IN_B) == []
    assert not selectors.caller_is_resident(user=agent, phone_number=KNOWN_IN_B)


def test_the_other_areas_agent_sees_her_own(client, agent_b, order_b, resident_b):
    client.force_login(agent_b)
    body = client.post(
        "/hotline/intake/propose/",
        {"text": "中宁县刘庄村路灯坏了", "caller_phone": KNOWN_IN_B},
    ).content.decode()
    assert order_b.tracking_code in body
    assert "本辖区居民" in body


def test_duplicate_hints_stay_in_the_agents_area(client, agent, world, agent_b):
    other = _take_in_b(world, agent_b, TEXT_A)
    client.force_login(agent)
    body = _propose(client, KNOWN_IN_B)
    assert other.tracking_code not in body
    assert 'data-testid="duplicates"' not in body


def test_intake_links_only_a_resident_of_the_agents_scope(
    client, agent, agent_b, world, resident_b
):
    order = _take(agent, world.a, TEXT_A)
    assert order.person_id is None
    assert order.household_id is None
    client.force_login(agent)
    page = client.get(f"/hotline/orders/{order.pk}/").content.decode()
    assert "已关联" not in page
    assert "refer_care" not in page
    # the resident's own area links her
    own = _take_in_b(world, agent_b)
    assert own.person_id == resident_b.pk
    assert WORKORDER_WORKFLOW.can(agent_b, own, "refer_care")
    assert not WORKORDER_WORKFLOW.can(agent, own, "refer_care")


@pytest.mark.parametrize("channel", ["web", "open311"])
def test_anonymous_channels_link_no_resident_even_in_the_same_village(world, resident_b, channel):
    """#11: the web form's and Open311's phone number is unverified; typing a resident's
    number must not tie a request to her household, in her own village or anywhere else."""
    order, _ = services.workorder_intake(
        actor=None,
        channel=channel,
        text="中宁县刘庄村路灯坏了一个星期，晚上很黑",
        caller_phone=KNOWN_IN_B,
        area_code=world.b.village.code,
        dept_type="municipal_engineering",
    )
    assert order.person_id is None
    assert order.household_id is None
    assert selectors.caller_person(user=None, phone_number=KNOWN_IN_B, area_code="") is None


def test_an_agent_of_the_residents_area_still_links_her(world, agent_b, resident_b):
    order = _take_in_b(world, agent_b)
    assert order.person_id == resident_b.pk
