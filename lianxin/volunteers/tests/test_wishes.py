from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lianxin.core.errors import AccessDenied, ApplicationError, Conflict
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.volunteers import selectors, services
from lianxin.volunteers.models import Wish, WishClaim, WishStatus

from . import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def cast(world):
    class C:
        grid_worker = world.user(Role.GRID_WORKER, "a")
        community = world.user(Role.COMMUNITY_STAFF, "a")

    return C


def _wish(world, cast, **kw):
    person = kw.pop("person", None) or f.elderly_woman(world.a)
    return f.wish(cast.community, person, "加厚棉背心一件", 8_000, **kw)


def test_public_line_is_anonymised(world, cast):
    wish, code = _wish(world, cast)
    assert wish.public_line == "独居老人，78岁，安秀社区"
    assert wish.status == WishStatus.PUBLISHED
    assert len(code) == 6
    assert wish.receipt_code_hash != code


def test_grid_worker_records_a_draft_and_community_publishes(world, cast):
    person = f.elderly_woman(world.a)
    wish, _ = f.wish(cast.grid_worker, person, "棉鞋", 5_000)
    assert wish.status == WishStatus.DRAFT  # a grid worker cannot publish
    services.wish_publish(actor=cast.community, obj=wish)
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.PUBLISHED


def test_other_site_cannot_record(world, cast):
    person = f.elderly_woman(world.a)
    with pytest.raises(AccessDenied):
        services.wish_create(
            actor=world.user(Role.COMMUNITY_STAFF, "b"),
            title="x",
            category="clothing",
            estimate_fen=100,
            person=person,
        )
    assert Wish.objects.count() == 0


@pytest.mark.parametrize("estimate", [None, 0, -5, 100_000_01])
def test_bad_estimate_refused(world, cast, estimate):
    with pytest.raises(ApplicationError):
        services.wish_create(
            actor=cast.community,
            title="x",
            category="clothing",
            estimate_fen=estimate,
            person=f.elderly_woman(world.a),
        )
    assert Wish.objects.count() == 0


def test_claimed_once_second_refused_in_chinese(world, cast):
    wish, _ = _wish(world, cast)
    u1, org1 = f.partner(world)
    u2, _ = f.partner(world)
    services.wish_claim(actor=u1, obj=Wish.objects.get(pk=wish.pk))
    with pytest.raises(Conflict) as exc:
        services.wish_claim(actor=u2, obj=Wish.objects.get(pk=wish.pk))
    assert exc.value.message == "该心愿已被认领，每个心愿只能认领一次"
    wish.refresh_from_db()
    assert wish.claimant_org_id == org1.pk
    assert wish.claimant_user_id == u1.pk
    assert WishClaim.objects.filter(wish=wish).count() == 1


def test_partner_of_other_city_does_not_see_or_claim(world, cast):
    wish, _ = _wish(world, cast)
    ub, _ = f.partner(world, "b")
    assert not selectors.wall(user=ub).filter(pk=wish.pk).exists()
    with pytest.raises(AccessDenied):
        services.wish_claim(actor=ub, obj=wish)
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.PUBLISHED


def test_claim_lapses_back_to_wall(world, cast):
    wish, _ = _wish(world, cast, claim_days=3)
    u1, _ = f.partner(world)
    services.wish_claim(actor=u1, obj=wish)
    assert services.wish_lapse_overdue(now=timezone.now() + dt.timedelta(days=2)) == 0
    assert services.wish_lapse_overdue(now=timezone.now() + dt.timedelta(days=4)) == 1
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED
    assert wish.claimant_org_id is None
    assert wish.lapse_count == 1
    assert list(WishClaim.objects.filter(wish=wish).values_list("outcome", flat=True)) == ["lapsed"]
    u2, org2 = f.partner(world)
    services.wish_claim(actor=u2, obj=wish)
    assert Wish.objects.get(pk=wish.pk).claimant_org_id == org2.pk


def test_confirm_by_beneficiary_code_or_grid_worker_photo(world, cast):
    wish, code = _wish(world, cast)
    u1, _ = f.partner(world)
    services.wish_claim(actor=u1, obj=wish)
    services.wish_deliver(actor=u1, obj=Wish.objects.get(pk=wish.pk), note="已送到家")
    with pytest.raises(ApplicationError):
        services.wish_confirm(
            actor=u1,
            obj=Wish.objects.get(pk=wish.pk),
            confirmed_by="beneficiary",
            receipt_code="000000" if code != "000000" else "111111",
        )
    with pytest.raises(AccessDenied):
        services.wish_confirm(
            actor=u1,
            obj=Wish.objects.get(pk=wish.pk),
            confirmed_by="grid_worker",
            photo=SimpleUploadedFile("p.png", PNG),
        )
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.DELIVERED
    services.wish_confirm(
        actor=u1, obj=Wish.objects.get(pk=wish.pk), confirmed_by="beneficiary", receipt_code=code
    )
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.CONFIRMED


def test_grid_worker_confirm_needs_a_real_photo(world, cast):
    wish, _ = _wish(world, cast)
    u1, _ = f.partner(world)
    services.wish_claim(actor=u1, obj=wish)
    services.wish_deliver(actor=u1, obj=Wish.objects.get(pk=wish.pk))
    with pytest.raises(ApplicationError):
        services.wish_confirm(
            actor=cast.grid_worker,
            obj=Wish.objects.get(pk=wish.pk),
            photo=SimpleUploadedFile("p.png", b"not an image"),
        )
    services.wish_confirm(
        actor=cast.grid_worker,
        obj=Wish.objects.get(pk=wish.pk),
        photo=SimpleUploadedFile("p.png", PNG),
    )
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED
    assert wish.confirm_photo.name.endswith(".png")
    assert (
        AuditEvent.objects.filter(action="volunteers.wish.confirm", target_id=str(wish.pk)).count()
        == 1
    )


def test_report_counts(world, cast):
    u1, _ = f.partner(world)
    for _ in range(3):
        w, _c = _wish(world, cast)
    services.wish_claim(actor=u1, obj=w)
    report = selectors.wish_report(user=cast.community)
    row = report["rows"][0]
    assert (row["listed"], row["claimed"], row["partners"]) == (3, 1, 1)


def test_daily_command_lapses_and_expires(world, cast):
    from io import StringIO

    from django.core.management import call_command

    wish, _ = _wish(world, cast, claim_days=1)
    u1, _ = f.partner(world)
    services.wish_claim(actor=u1, obj=wish)
    Wish.objects.filter(pk=wish.pk).update(claim_due=timezone.now() - dt.timedelta(minutes=1))
    out = StringIO()
    call_command("volunteers_daily", stdout=out)
    assert out.getvalue().strip() == "逾期退回心愿 1 个；到期清零积分 0 分"
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.PUBLISHED


def test_staff_wish_list_reads_claimants_in_one_query(world, cast, client):
    """The staff's list shows each wish's claimant: no query per row (issue #15, load test)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    def claimed(n: int) -> None:
        for _ in range(n):
            user, _org = f.partner(world)
            wish, _code = _wish(world, cast)
            services.wish_claim(actor=user, obj=Wish.objects.get(pk=wish.pk))

    client.force_login(cast.community)
    url = reverse("volunteers:wish_list")
    claimed(1)
    client.get(url)  # the first page after sign-in also stamps the session (SessionTouchMiddleware)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    claimed(4)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url)
    assert page.content.decode().count("<tr>") == 1 + 5
    assert len(five.captured_queries) == len(one.captured_queries)
