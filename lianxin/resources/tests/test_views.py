from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.resources import services
from lianxin.resources.models import LoveCard, Redemption
from lianxin.resources.tests import factories as f


@pytest.fixture
def alliance(world):
    al = f.Alliance(world)
    al.offer = f.offer(al)
    al.hh = f.household(world.a, head="欧阳建国")
    al.card = f.card(al, al.hh)
    return al


def test_merchant_checks_a_card_and_sees_only_a_masked_name(client, alliance):
    client.force_login(alliance.merchant)
    response = client.get(reverse("resources:redeem"), {"number": alliance.card.number})
    body = response.content.decode()
    assert response.status_code == 200
    assert "欧＊＊＊" in body
    assert "欧阳建国" not in body
    assert alliance.hh.number not in body
    assert "爱心路" not in body  # the household's address
    assert "本月还可用<b>2</b>/2次" in body


def _redeem_on_the_page(client, alliance, item, market_price, price_paid, **more):
    """The alliance's merchant, logged in, posts the redeem form: one ``item`` on the card."""
    client.force_login(alliance.merchant)
    return client.post(
        reverse("resources:redeem"),
        {
            "number": alliance.card.number,
            "offer": alliance.offer.pk,
            "item": item,
            "quantity": 1,
            "market_price_fen": market_price,
            "price_paid_fen": price_paid,
        },
        **more,
    )


def test_merchant_redeems_on_the_page(client, alliance):
    response = _redeem_on_the_page(client, alliance, "感冒灵颗粒", "18.50", "16.65", follow=True)
    body = response.content.decode()
    assert "核销成功：感冒灵颗粒，让利1.85元" in body
    r = Redemption.objects.get()
    assert (r.market_price_fen, r.price_paid_fen, r.discount_fen) == (1850, 1665, 185)
    assert "本月还可用<b>1</b>/2次" in body


def test_a_refused_redemption_shows_the_reason_and_writes_nothing(client, alliance):
    response = _redeem_on_the_page(client, alliance, "药", "10", "9.50")
    assert "按优惠应付不超过9.00元" in response.content.decode()
    assert Redemption.objects.count() == 0


def test_staff_and_other_roles_have_no_redeem_page(client, world, alliance):
    for role in (Role.COMMUNITY_STAFF, Role.PARTNER, Role.VOLUNTEER):
        client.force_login(world.user(role, "a"))
        assert client.get(reverse("resources:redeem")).status_code == 404


def test_partner_home_panel_shows_offers_and_redemptions(client, alliance):
    f.redeem(alliance.merchant, alliance.card.number, alliance.offer)
    client.force_login(alliance.merchant)
    body = client.get("/").content.decode()
    assert f"爱心联盟 · {alliance.partner.organisation.name}" in body
    assert "本月核销（次）" in body


def test_partner_staff_see_only_their_own_organisation(client, world, alliance):
    other = f.partner(alliance, name="另一家药店")
    client.force_login(alliance.merchant)
    assert client.get(reverse("resources:partner_detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("resources:partner_detail", args=[alliance.partner.pk]))
    assert page.status_code == 200
    listing = client.get(reverse("resources:index"), follow=True).content.decode()
    assert "另一家药店" not in listing
    assert client.get(reverse("resources:card_detail", args=[alliance.card.pk])).status_code == 404


def test_approval_button_exists_exactly_when_the_service_accepts(client, world, alliance):
    pending = f.partner(alliance, name="待审超市", approve=False)
    url = reverse("resources:partner_detail", args=[pending.pk])
    client.force_login(alliance.city)  # the applicant
    assert 'data-testid="action-approve"' not in client.get(url).content.decode()
    client.force_login(alliance.county)
    assert 'data-testid="action-approve"' in client.get(url).content.decode()
    response = client.post(
        reverse("resources:partner_action", args=[pending.pk, "approve"]), {"note": "同意"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "approved"


def test_card_pages_issue_print_and_reissue(client, world, alliance):
    f.household(world.a, assistance=("低保边缘",))
    client.force_login(alliance.county)
    response = client.post(
        reverse("resources:card_issue"),
        {"area_code": world.a.county.code, "tiers": ["1", "2", "3", "4"]},
        follow=True,
    )
    assert "发卡1张：低保边缘家庭1张" in response.content.decode()
    printed = client.get(reverse("resources:card_print", args=[alliance.card.pk])).content.decode()
    assert "<svg" in printed
    assert "欧＊＊＊" in printed
    assert alliance.card.number_display in printed
    response = client.post(
        reverse("resources:card_action", args=[alliance.card.pk, "reissue"]), {"reason": "遗失"}
    )
    new = LoveCard.objects.get(replaces=alliance.card)
    assert response["Location"] == reverse("resources:card_detail", args=[new.pk])
    views = AuditEvent.objects.filter(action="view.resources.lovecard").count()
    assert views == 1


def test_coverage_shows_the_gaps(client, world, alliance):
    client.force_login(alliance.county)
    body = client.get(
        reverse("resources:coverage"), {"area": world.a.village.code}
    ).content.decode()
    assert world.a.village.short_name in body
    assert body.count('<span class="badge red">缺</span>') == 7  # medicine is covered


def test_life_circle_page_lists_the_shop_within_reach(client, alliance):
    client.force_login(alliance.community)
    body = client.get(reverse("resources:life_circle", args=[alliance.hh.pk])).content.decode()
    assert "常用药品九折" in body
    assert "334米" in body


def test_exports_are_xlsx_and_audited(client, world, alliance):
    from openpyxl import load_workbook

    client.force_login(alliance.county)
    for kind in ("cards", "redemptions", "stock", "expiry"):
        response = client.get(reverse("resources:export", args=[kind]))
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(workbook.active.iter_rows(values_only=True))
        if kind == "cards":
            assert rows[2][:4] == (alliance.card.number, alliance.hh.number, "安秀社区", "低保家庭")
    assert AuditEvent.objects.filter(action__startswith="resources.export.").count() == 4


def test_medicine_box_page_for_a_custodian_on_a_phone(client, world, alliance):
    from lianxin.resources.models import LocationKind, OtcMedicine

    volunteer = world.user(Role.VOLUNTEER, "a")
    station = f.location(
        alliance.county,
        "安秀党群服务站",
        LocationKind.PARTY_STATION,
        world.a.village,
        "38.468",
        "106.289",
    )
    box = services.box_create(actor=alliance.county, location=station, custodian=volunteer)
    client.force_login(volunteer)
    medicine = OtcMedicine.objects.get(name="感冒灵颗粒")
    client.post(
        reverse("resources:box_action", args=[box.pk, "leave"]),
        {
            "medicine": medicine.pk,
            "quantity": 6,
            "source": "居民捐赠",
            "expires_on": (services.today() + dt.timedelta(days=20)).isoformat(),
        },
    )
    item = box.items.get()
    client.post(
        reverse("resources:box_action", args=[box.pk, "take"]), {"item": item.pk, "quantity": 2}
    )
    item.refresh_from_db()
    assert item.quantity == 4
    body = client.get(reverse("resources:box_index")).content.decode()
    assert 'data-testid="expiring"' in body
    assert "感冒灵颗粒" in body
