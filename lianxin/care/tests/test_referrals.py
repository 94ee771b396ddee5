"""Cross-area referrals (issue #11, finding 7): a hotline agent or a grid worker of area A who
refers a household of area B writes nothing into B's case; the referral waits in B's queue, the
referrer learns only "已转交属地处理", and B's community or township staff accept or decline it."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from lianxin.care import services
from lianxin.care.models import CareCase, Discovery, Referral, ReferralStatus, Stage
from lianxin.care.services import IncompleteRecord
from lianxin.care.tests import factories as f
from lianxin.care.workflows import REFERRAL_WORKFLOW
from lianxin.core.errors import AccessDenied, InvalidTransition
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.core.workflow import walk, walk_services

MARK = "乙地独居老人冬季取暖困难"


@pytest.fixture
def b_case(world):
    """An open case of a household of site B (one discovery)."""
    case, _ = f.case_at(world, "discovered", site="b", actors=f.Actors(world, "b"))
    return case


def _refer(actor, household, source_id=501, source_type="hotline.workorder", text=MARK):
    return services.referral_submit(
        actor=actor,
        household=household,
        source_type=source_type,
        source_id=source_id,
        description=text,
    )


def _b_secrets(case):
    hh = case.household
    return [
        case.number,
        hh.number,
        hh.address,
        hh.head.name,
        hh.division.name,
        hh.division.short_name,
    ]


@pytest.mark.parametrize("role", [Role.HOTLINE_AGENT, Role.GRID_WORKER])
def test_a_referral_from_another_area_waits_in_the_owning_areas_queue(world, b_case, role):
    referrer = world.user(role, "a")
    outcome = _refer(referrer, b_case.household)
    assert outcome.routed
    assert outcome.case is None
    assert outcome.message == "已转交属地处理"
    # nothing written into B's case
    assert list(Discovery.objects.filter(case=b_case).values_list("source", flat=True)) == [
        "grid_visit"
    ]
    assert CareCase.objects.count() == 1
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.PENDING
    assert referral.area_code == b_case.area_code
    assert referral.case_id is None
    assert referral.referrer == referrer
    assert referral.referrer_org_id == (
        world.a.orgs["hotline"].pk if role == "hotline_agent" else None
    )
    assert outcome.referral == referral
    # it is in B's queue (community and township staff of B), in no queue of A
    b = f.Actors(world, "b")
    assert list(services_queue(b.community)) == [referral]
    assert list(services_queue(b.township)) == [referral]
    assert list(services_queue(referrer)) == []
    assert list(services_queue(f.Actors(world, "a").community)) == []
    audit = AuditEvent.objects.get(action="care.referral.submit")
    assert audit.area_code == b_case.area_code
    assert b_case.number not in json.dumps(audit.changes, ensure_ascii=False)


def services_queue(user):
    from lianxin.care import selectors

    return selectors.referral_queue(user=user)


def test_the_old_entry_point_answers_none_when_routed(world, b_case):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    case = services.case_open_from_referral(
        actor=agent,
        household=b_case.household,
        source_type="hotline.workorder",
        source_id=77,
        description=MARK,
    )
    assert case is None
    assert b_case.discoveries.count() == 1


def test_monitoring_refers_through_the_queue_when_the_household_is_elsewhere(world, b_case):
    from lianxin.monitoring import services as monitoring_services

    worker = world.user(Role.GRID_WORKER, "a")
    alert = SimpleNamespace(
        pk=9001, person=b_case.household.head, detail="独居老人", verification_note="属实"
    )
    assert monitoring_services._open_care_case(actor=worker, alert=alert) is None
    assert b_case.discoveries.count() == 1
    assert Referral.objects.get().source == "data_comparison"


def test_the_referrers_answers_hold_none_of_the_other_areas_data(world, b_case, client):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    outcome = _refer(agent, b_case.household)
    assert all(s not in outcome.message for s in _b_secrets(b_case))
    client.force_login(agent)
    pages = [
        client.get("/care/referrals/").content.decode(),
        client.get("/api/v1/care/referrals/").content.decode(),
        client.get("/api/v1/care/referrals/?status=accepted").content.decode(),
    ]
    for page in pages:
        assert MARK not in page
        assert all(s not in page for s in _b_secrets(b_case))
    pk = outcome.referral.pk
    assert client.post(f"/care/referrals/{pk}/do/accept/").status_code == 404
    assert client.post(f"/api/v1/care/referrals/{pk}/accept/").status_code == 404
    with pytest.raises(AccessDenied):
        services.referral_accept(actor=agent, referral=outcome.referral)
    assert b_case.discoveries.count() == 1


def test_the_same_source_referred_twice_gives_one_referral(world, b_case):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    first = _refer(agent, b_case.household, source_id=8)
    again = _refer(agent, b_case.household, source_id="8", text="再次转介")
    assert first.referral == again.referral
    assert again.routed
    assert Referral.objects.count() == 1
    assert AuditEvent.objects.filter(action="care.referral.submit").count() == 1


def test_the_owning_area_accepts_and_the_discovery_joins_its_case(world, b_case):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    referral = _refer(agent, b_case.household).referral
    b = f.Actors(world, "b")
    first = list(b_case.discoveries.values_list("source", "description", "reporter"))
    case = services.referral_accept(actor=b.community, referral=referral)
    assert case == b_case
    assert list(b_case.discoveries.values_list("source", "description", "reporter")) == [
        *first,
        ("hotline_referral", MARK, agent.pk),
    ]
    referral.refresh_from_db()
    assert (referral.status, referral.case, referral.decided_by) == (
        ReferralStatus.ACCEPTED,
        b_case,
        b.community,
    )
    assert referral.decided_at is not None
    assert AuditEvent.objects.filter(action="care.referral.accept").count() == 1
    assert services_queue(b.community).count() == 0
    with pytest.raises(InvalidTransition):
        services.referral_accept(actor=b.township, referral=referral)
    assert b_case.discoveries.count() == 2
    # the referrer, asking again, still learns nothing
    assert _refer(agent, b_case.household).case is None


def test_accepting_for_a_household_without_an_open_case_opens_one(world):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    hh = f.household(world.b)
    referral = _refer(agent, hh).referral
    assert CareCase.objects.count() == 0
    case = services.referral_accept(actor=f.Actors(world, "b").township, referral=referral)
    assert case.household == hh
    assert case.stage == Stage.DISCOVERED
    assert case.source == "hotline_referral"
    assert list(case.discoveries.values_list("source_id", flat=True)) == ["501"]


def test_decline_needs_a_reason_and_leaves_the_case_untouched(world, b_case):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    referral = _refer(agent, b_case.household).referral
    b = f.Actors(world, "b")
    before = AuditEvent.objects.count()
    with pytest.raises(IncompleteRecord) as exc:
        services.referral_decline(actor=b.community, referral=referral, reason=" ")
    assert exc.value.missing == ["不予接收的理由"]
    assert AuditEvent.objects.count() == before
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING
    services.referral_decline(actor=b.community, referral=referral, reason="经核实已由民政救助")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "经核实已由民政救助"
    assert referral.case_id is None
    b_case.refresh_from_db()
    assert b_case.discoveries.count() == 1
    assert b_case.stage == Stage.DISCOVERED
    assert AuditEvent.objects.filter(action="care.referral.decline").count() == 1
    with pytest.raises(InvalidTransition):
        services.referral_accept(actor=b.community, referral=referral)


def test_only_the_owning_areas_community_and_township_decide(world, b_case):
    referral = _refer(world.user(Role.HOTLINE_AGENT, "a"), b_case.household).referral
    b = f.Actors(world, "b")
    a = f.Actors(world, "a")
    for user in (b.grid_worker, b.county, a.community, a.township):
        with pytest.raises(AccessDenied):
            services.referral_decline(actor=user, referral=referral, reason="x")
    users = [b.community, b.township, b.grid_worker, b.county, a.community, a.township]
    assert walk(REFERRAL_WORKFLOW, users, [referral]) == []
    assert (
        walk_services(REFERRAL_WORKFLOW, users, [referral], {"decline": {"reason": "不属实"}}) == []
    )


def test_a_referral_within_the_referrers_own_area_joins_the_case_at_once(world, b_case):
    agent_b = world.user(Role.HOTLINE_AGENT, "b")
    outcome = _refer(agent_b, b_case.household)
    assert outcome.case == b_case
    assert outcome.message == f"已转入关爱帮扶案件{b_case.number}"
    assert b_case.discoveries.count() == 2
    referral = Referral.objects.get()
    assert (referral.status, referral.case, referral.decided_by) == (
        ReferralStatus.ACCEPTED,
        b_case,
        agent_b,
    )
    assert AuditEvent.objects.filter(action="care.case.referral").count() == 1
    assert services_queue(f.Actors(world, "b").community).count() == 0


def test_the_queue_page_accepts_and_declines(world, b_case, client):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    first = _refer(agent, b_case.household, source_id=1).referral
    second = _refer(agent, f.household(world.b), source_id=2, text="乙地第二条转介").referral
    b = f.Actors(world, "b")
    client.force_login(b.community)
    page = client.get("/care/referrals/").content.decode()
    assert MARK in page
    assert "乙地第二条转介" in page
    assert 'data-testid="action-accept"' in page
    assert 'data-testid="action-decline"' in page
    refused = client.post(f"/care/referrals/{second.pk}/do/decline/", {"reason": ""})
    assert refused.status_code == 400
    assert "请填写不予接收的理由" in refused.content.decode()
    response = client.post(f"/care/referrals/{first.pk}/do/accept/")
    assert response.status_code == 302
    assert response["Location"] == f"/care/cases/{b_case.pk}/"
    response = client.post(f"/care/referrals/{second.pk}/do/decline/", {"reason": "不属实"})
    assert response.status_code == 302
    assert dict(Referral.objects.values_list("pk", "status")) == {
        first.pk: "accepted",
        second.pk: "declined",
    }
    home = client.get("/care/referrals/").content.decode()
    assert "没有待处理的转介" in home
    assert b_case.number in home


def test_the_api_lists_accepts_and_declines(world, b_case, client):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    first = _refer(agent, b_case.household, source_id=1).referral
    second = _refer(agent, f.household(world.b), source_id=2).referral
    client.force_login(f.Actors(world, "b").township)
    listed = client.get("/api/v1/care/referrals/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [first.pk, second.pk]
    assert rows[0]["status"] == "pending"
    assert rows[0]["description"] == MARK
    refused = client.post(f"/api/v1/care/referrals/{second.pk}/decline/", {"reason": ""})
    assert refused.status_code == 400
    answer = client.post(f"/api/v1/care/referrals/{first.pk}/accept/")
    assert answer.status_code == 200
    assert answer.json()["id"] == b_case.pk
    answer = client.post(f"/api/v1/care/referrals/{second.pk}/decline/", {"reason": "重复"})
    assert answer.status_code == 200
    assert answer.json()["status"] == "declined"
    again = client.post(f"/api/v1/care/referrals/{second.pk}/accept/")
    assert again.status_code in (400, 409)
    assert b_case.discoveries.count() == 2
