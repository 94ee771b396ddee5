from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lianxin.core.errors import AccessDenied, ApplicationError, Conflict
from lianxin.core.roles import Role
from lianxin.volunteers import services
from lianxin.volunteers.models import (
    AppendOnlyLedgerError,
    Balance,
    DeliveryTally,
    HoursEntry,
    PointsEntry,
    PointsPolicy,
    PointsRule,
    ServiceTask,
    TaskStatus,
)

from . import factories as f


@pytest.fixture
def setup(world):
    community = world.user(Role.COMMUNITY_STAFF, "a")
    grid_worker = world.user(Role.GRID_WORKER, "a")
    team = f.team(world, community, kind="professional", specialty="医学生测血压")
    u1, v1 = f.volunteer(world, community, team=team)
    u2, v2 = f.volunteer(world, community, team=team)
    person = f.elderly_woman(world.a)
    task = f.task(grid_worker, team, person)
    return community, grid_worker, team, (u1, v1), (u2, v2), task


def _fresh(task):
    return ServiceTask.objects.get(pk=task.pk)


def test_task_taken_once_then_service_with_hours_and_points(world, setup):
    community, gw, team, (u1, v1), (u2, v2), task = setup
    assert task.public_line == "独居老人，78岁，安秀社区"
    services.task_take(actor=u1, obj=_fresh(task))
    with pytest.raises(Conflict):
        services.task_take(actor=u2, obj=_fresh(task))
    with pytest.raises(AccessDenied):
        services.task_check_in(actor=u2, obj=_fresh(task))
    services.task_check_in(actor=u1, obj=_fresh(task))
    ServiceTask.objects.filter(pk=task.pk).update(
        checked_in_at=timezone.now() - dt.timedelta(minutes=90)
    )
    services.task_check_out(actor=u1, obj=_fresh(task), note="药已送到")
    t = _fresh(task)
    assert t.status == TaskStatus.DONE
    assert t.minutes == 90
    services.task_confirm(actor=gw, obj=t)
    b = Balance.objects.get(volunteer=v1)
    # default rule for medicine: 10 per task + 5 per hour
    assert (b.minutes, b.points, b.points_earned, b.tasks) == (90, 17, 17, 1)
    assert HoursEntry.objects.get(volunteer=v1).minutes == 90
    earn = PointsEntry.objects.get(volunteer=v1)
    assert earn.expires_on == timezone.localdate() + dt.timedelta(days=365)
    assert DeliveryTally.objects.get(team=team, kind="medicine").count == 1


def test_region_rule_and_period_apply(world, setup):
    community, gw, team, (u1, v1), _, task = setup
    PointsRule.objects.create(
        area_code="64", task_kind="medicine", points_per_task=3, points_per_hour=0
    )
    PointsRule.objects.create(
        area_code=world.a.county.code, task_kind="medicine", points_per_task=20, points_per_hour=0
    )
    PointsPolicy.objects.create(area_code="6401", valid_days=180)
    for step in ("task_take", "task_check_in", "task_check_out"):
        getattr(services, step)(actor=u1, obj=_fresh(task))
    services.task_confirm(actor=gw, obj=_fresh(task))
    e = PointsEntry.objects.get(volunteer=v1)
    assert e.points == 20
    assert e.expires_on == timezone.localdate() + dt.timedelta(days=180)


def _earn(v, points, expires_on):
    return services._points_add(
        actor=None, volunteer=v, kind="earn", points=points, expires_on=expires_on
    )


def test_points_spent_at_merchant_and_expired_oldest_first(world, setup):
    community, gw, team, (u1, v1), _, task = setup
    mu, shop = f.merchant(world)
    today = timezone.localdate()
    _earn(v1, 30, today - dt.timedelta(days=1))  # old lot, due
    _earn(v1, 20, today + dt.timedelta(days=100))
    services.points_spend(actor=mu, volunteer=v1, points=25, merchant=shop, note="买药")
    spend = PointsEntry.objects.get(volunteer=v1, kind="spend")
    assert (spend.points, spend.merchant_id) == (-25, shop.pk)
    # 25 spent came out of the old lot of 30: 5 of it expire today, the 20 keep
    assert services.points_expiring(volunteer=v1, today=today) == 5
    assert services.points_expire(today=today) == 5
    assert Balance.objects.get(volunteer=v1).points == 20
    assert services.points_expire(today=today) == 0  # idempotent
    with pytest.raises(ApplicationError):
        services.points_spend(actor=mu, volunteer=v1, points=21, merchant=shop)
    assert Balance.objects.get(volunteer=v1).points == 20
    assert services.balance_rebuild(volunteer=v1).points == 20


def test_merchant_staff_only_for_their_merchant(world, setup):
    community, gw, team, (u1, v1), _, task = setup
    _earn(v1, 10, None)
    mu, shop = f.merchant(world)
    other_user, _ = f.merchant(world)
    with pytest.raises(AccessDenied):
        services.points_spend(actor=other_user, volunteer=v1, points=5, merchant=shop)
    assert PointsEntry.objects.filter(kind="spend").count() == 0


def test_ledgers_are_append_only_and_corrected_by_reversal(world, setup):
    community, gw, team, (u1, v1), _, task = setup
    e = _earn(v1, 10, timezone.localdate() + dt.timedelta(days=10))
    e.points = 99
    with pytest.raises(AppendOnlyLedgerError):
        e.save()
    with pytest.raises(AppendOnlyLedgerError):
        PointsEntry.objects.get(pk=e.pk).delete()
    services.ledger_reverse(
        actor=community, entry=PointsEntry.objects.get(pk=e.pk), reason="重复记分"
    )
    assert Balance.objects.get(volunteer=v1).points == 0
    with pytest.raises(ApplicationError):
        services.ledger_reverse(
            actor=community, entry=PointsEntry.objects.get(pk=e.pk), reason="再冲"
        )
    assert PointsEntry.objects.filter(volunteer=v1).count() == 2


def test_volunteer_outside_team_cannot_take(world, setup):
    community, gw, team, _, _, task = setup
    outsider, _ = f.volunteer(world, community)
    with pytest.raises(AccessDenied):
        services.task_take(actor=outsider, obj=_fresh(task))
    assert _fresh(task).status == TaskStatus.OPEN


def test_four_ones_and_card(world, setup, client):
    from lianxin.areas.models import Building

    community, gw, _, (u1, v1), _, _ = setup
    building = Building.objects.create(
        grid=world.a.grid, name="3号楼", party_member_household="李建国家"
    )
    team = f.team(
        world,
        community,
        kind="warm_delivery",
        name="3号楼暖心配送小分队",
        grid=world.a.grid,
        building=building,
        service_phone="09515012345",
    )
    p = f.elderly_woman(world.a, name="王桂英")
    p.building = building
    p.save()
    assert services.roster_sync(actor=community, team=team) == 1
    assert services.roster_sync(actor=community, team=team) == 0
    from lianxin.volunteers.models import KeyPersonCare

    care = KeyPersonCare.objects.get(person=p)
    today = timezone.localdate()
    for item in ("leaflet", "card", "kit"):
        services.fourones_record(actor=gw, care=care, item=item, on=today, volunteer=v1)
    care.refresh_from_db()
    assert care.complete
    with pytest.raises(ApplicationError):
        services.fourones_record(actor=gw, care=care, item="kit", on=today + dt.timedelta(days=1))
    client.force_login(community)
    r = client.get(f"/volunteers/roster/{care.pk}/card/")
    body = r.content.decode()
    assert r.status_code == 200
    assert "应急联系卡" in body
    assert "王桂英" in body
    assert "139 0951 2345" in body
    assert "<svg" in body
    pdf = client.get(f"/volunteers/roster/{care.pk}/card/?format=pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
