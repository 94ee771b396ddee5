"""DOMAIN.md section 6: a grid worker learns on a visit that a 78-year-old woman living alone
wants a thick cotton vest. The wish becomes a measure of her household's care plan, goes on the
wall anonymised, one partner claims it (a second is refused), delivers, the grid worker confirms
with a photo — and the care measure is implemented. Then a volunteer's medicine delivery with
check-in/out, hours and points, points spent at a merchant and expired after the period, and a
building's four-ones ledger with a printed emergency card."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lianxin.care.models import Measure
from lianxin.care.tests import factories as care_f
from lianxin.core.errors import Conflict
from lianxin.volunteers import services
from lianxin.volunteers.models import Balance, KeyPersonCare, PointsEntry, ServiceTask, Wish
from lianxin.volunteers.tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def planned(world):
    hh = care_f.household(world.a, members=[("马秀兰", "户主")])
    hh.head.birth_date = dt.date(timezone.localdate().year - 78, 1, 1)
    hh.head.save()
    case, actors = care_f.case_at(world, "planned", hh=hh)
    community_unit = care_f.community_org(world.a)
    measure = care_f.measure(
        actors.township, case, "basic_living", "冬季御寒衣物", community_unit, dt.date(2026, 12, 31)
    )
    return hh.head, measure, actors


def test_cotton_vest_from_visit_to_implemented_measure(world, planned, client):
    person, measure, a = planned
    wish, code = services.wish_create(
        actor=a.community,
        title="加厚棉背心一件",
        category="clothing",
        estimate_fen=8_000,
        measure=measure,
        public_kind="独居老人",
        publish=True,
    )
    measure.refresh_from_db()
    assert (measure.delivery_type, measure.delivery_id) == ("volunteers.microwish", str(wish.pk))
    # the wall: anonymised
    partner, org = f.partner(world, name="宁夏某爱心企业")
    client.force_login(partner)
    wall = client.get("/volunteers/wall/").content.decode()
    assert "独居老人，78岁，安秀社区" in wall
    assert "马秀兰" not in wall
    services.wish_claim(actor=partner, obj=Wish.objects.get(pk=wish.pk))
    with pytest.raises(Conflict):
        services.wish_claim(actor=f.partner(world)[0], obj=Wish.objects.get(pk=wish.pk))
    services.wish_deliver(
        actor=partner, obj=Wish.objects.get(pk=wish.pk), note="上门送达", value_fen=9_000
    )
    services.wish_confirm(
        actor=a.grid_worker,
        obj=Wish.objects.get(pk=wish.pk),
        confirmed_by="grid_worker",
        photo=SimpleUploadedFile("v.png", PNG),
    )
    wish.refresh_from_db()
    measure.refresh_from_db()
    assert wish.status == "confirmed"
    assert wish.value_fen == 9_000
    assert measure.status == "implemented"
    assert "微心愿" in measure.evidence
    assert measure.implemented_by_id == a.grid_worker.pk


def test_measure_of_another_unit_stays_open_and_is_reported(world, planned):
    person, _, a = planned
    case = Measure.objects.filter(case__household__head=person).first().case
    education = world.a.orgs["education"]
    dept = care_f.measure(
        a.township, case, "basic_living", "学习用品", education, dt.date(2026, 12, 31)
    )
    wish, code = services.wish_create(
        actor=a.community,
        title="书包",
        category="study",
        estimate_fen=5000,
        measure=dept,
        publish=True,
    )
    partner, _ = f.partner(world)
    services.wish_claim(actor=partner, obj=wish)
    services.wish_deliver(actor=partner, obj=Wish.objects.get(pk=wish.pk))
    services.wish_confirm(
        actor=partner,
        obj=Wish.objects.get(pk=wish.pk),
        confirmed_by="beneficiary",
        receipt_code=code,
    )
    dept.refresh_from_db()
    assert Wish.objects.get(pk=wish.pk).status == "confirmed"
    assert dept.status == "planned"  # the education bureau confirms it in care itself
    from lianxin.core.models import AuditEvent

    assert (
        AuditEvent.objects.filter(
            action="volunteers.wish.measure_pending", target_id=str(wish.pk)
        ).count()
        == 1
    )


def test_medicine_delivery_hours_points_spent_and_expired(world, planned):
    person, measure, a = planned
    team = f.team(world, a.community, kind="professional", specialty="医学生")
    vu, v = f.volunteer(world, a.community, team=team)
    task = services.task_create(
        actor=a.community, kind="medicine", title="送降压药", team=team, measure=measure
    )
    services.task_take(actor=vu, obj=task)
    services.task_check_in(actor=vu, obj=ServiceTask.objects.get(pk=task.pk))
    ServiceTask.objects.filter(pk=task.pk).update(
        checked_in_at=timezone.now() - dt.timedelta(minutes=60)
    )
    services.task_check_out(actor=vu, obj=ServiceTask.objects.get(pk=task.pk))
    services.task_confirm(
        actor=a.grid_worker, obj=ServiceTask.objects.get(pk=task.pk), confirmed_by="beneficiary"
    )
    measure.refresh_from_db()
    assert measure.status == "implemented"
    b = Balance.objects.get(volunteer=v)
    assert (b.minutes, b.points) == (60, 15)
    mu, shop = f.merchant(world, name="安秀爱心药店")
    services.points_spend(actor=mu, volunteer=v, points=5, merchant=shop, note="购药")
    earn = PointsEntry.objects.get(volunteer=v, kind="earn")
    assert services.points_expire(today=earn.expires_on - dt.timedelta(days=1)) == 0
    assert services.points_expire(today=earn.expires_on) == 10
    b.refresh_from_db()
    assert b.points == 0
    assert list(
        PointsEntry.objects.filter(volunteer=v).order_by("id").values_list("kind", "points")
    ) == [("earn", 15), ("spend", -5), ("expire", -10)]


def test_building_four_ones_ledger_and_printed_card(world, planned, client):
    from lianxin.areas.models import Building
    from tests.security.bodies import body_text

    person, _, a = planned
    building = Building.objects.create(
        grid=world.a.grid, name="7号楼", party_member_household="党员中心户张桂花"
    )
    person.building = building
    person.save()
    from lianxin.registry.models import VulnerabilityTag

    VulnerabilityTag.objects.create(person=person, tag="高龄独居", valid_from=dt.date(2026, 1, 1))
    team = f.team(
        world,
        a.community,
        kind="warm_delivery",
        name="7号楼暖心配送小分队",
        grid=world.a.grid,
        building=building,
        service_phone="13995100001",
    )
    _, v = f.volunteer(world, a.community, team=team, phone="13995100002")
    assert services.roster_sync(actor=a.community, team=team) == 1
    care = KeyPersonCare.objects.get(person=person)
    for item in ("leaflet", "card", "kit"):
        services.fourones_record(actor=a.grid_worker, care=care, item=item, volunteer=v)
    client.force_login(a.community)
    card = client.get(f"/volunteers/roster/{care.pk}/card/").content.decode()
    assert "139 9510 0002" in card
    assert "139 9510 0001" in card
    assert "党员中心户张桂花" in card
    ledger = body_text(client.get("/volunteers/roster/export/"))
    assert "马秀兰" in ledger
    assert "7号楼" in ledger
    assert "是" in ledger
