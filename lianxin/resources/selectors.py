"""Reads of the love alliance for pages, the API, exports and other apps (volunteers)."""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from lianxin.areas.models import Division, Level
from lianxin.core.querysets import filter_given
from lianxin.core.roles import Role
from lianxin.core.scoping import get_for_user_or_404, prefix_q, scope_of
from lianxin.registry.models import Household

from .models import (
    BoxItem,
    BoxMovement,
    CardStatus,
    CardTier,
    CommunityCentre,
    Dispatch,
    Location,
    LoveCard,
    MedicineBox,
    MovementKind,
    Offer,
    OfferCategory,
    Partner,
    PartnerStatus,
    Pledge,
    PointsRedemption,
    Redemption,
    StockLot,
)
from .services import (
    EXPIRY_ALERT_DAYS,
    card_number_is_valid,
    life_circle_radius_m,
    normalise_card_number,
    partner_orgs_of,
    today,
)

EARTH_RADIUS_M = 6_371_000


def masked_name(name: str) -> str:
    """A holder's name as a merchant sees it: the surname and one ＊ per other character."""
    name = (name or "").strip()
    if not name:
        return "＊"
    return name[0] + "＊" * max(len(name) - 1, 1)


# --- partners ------------------------------------------------------------------------------------


def partner_list(*, user: Any, status: str = "", search: str = "", kind: str = "") -> QuerySet:
    qs = Partner.objects.for_user(user).select_related("organisation", "area")
    qs = filter_given(qs, status=status, kind=kind)
    if search.strip():
        qs = qs.filter(organisation__name__contains=search.strip())
    return qs.order_by("status", "area_code", "organisation__name")


def partner_get_for_user(*, user: Any, pk: int) -> Partner:
    return get_for_user_or_404(Partner.objects.select_related("organisation", "area"), user, pk=pk)


def partners_of_user(user: Any) -> QuerySet:
    """The partners the user works for (Role.PARTNER assignments with an organisation)."""
    return Partner.objects.filter(organisation_id__in=sorted(partner_orgs_of(user))).select_related(
        "organisation"
    )


def partner_figures(partner: Partner, *, month: dt.date | None = None) -> dict[str, Any]:
    """What a partner gives: offers, redemptions and discount value this month and in all,
    goods donated (value), points redemptions."""
    month = month or today().replace(day=1)
    redemptions = Redemption.objects.filter(partner=partner)
    this_month = redemptions.filter(month=month).aggregate(n=Count("id"), fen=Sum("discount_fen"))
    total = redemptions.aggregate(n=Count("id"), fen=Sum("discount_fen"))
    goods = StockLot.objects.filter(partner=partner).aggregate(fen=Sum("value_fen"))
    points = PointsRedemption.objects.filter(partner=partner, month=month).aggregate(
        n=Count("id"), points=Sum("points")
    )
    return {
        "offers": Offer.objects.filter(partner=partner, is_active=True).count(),
        "month_redemptions": this_month["n"] or 0,
        "month_discount_fen": this_month["fen"] or 0,
        "total_redemptions": total["n"] or 0,
        "total_discount_fen": total["fen"] or 0,
        "goods_value_fen": goods["fen"] or 0,
        "month_points_redemptions": points["n"] or 0,
        "month_points": points["points"] or 0,
    }


def points_merchants(*, area_code: str = "") -> QuerySet:
    """Approved partners that accept volunteers' points, with their shops (for the volunteers
    app: where points can be spent). Organisation names and shop addresses are public."""
    qs = Partner.objects.filter(status=PartnerStatus.APPROVED, accepts_points=True)
    if area_code:
        from lianxin.core.scoping import ancestors_of

        qs = qs.filter(
            Q(area_code__startswith=area_code) | Q(area_code__in=ancestors_of(area_code))
        )
    return qs.select_related("organisation").prefetch_related("locations").order_by("area_code")


# --- offers ------------------------------------------------------------------------------------


def offer_list(*, user: Any, partner: Partner | None = None, category: str = "") -> QuerySet:
    qs = Offer.objects.for_user(user).select_related("partner__organisation")
    if partner is not None:
        qs = qs.filter(partner=partner)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-is_active", "category", "id")


def offer_get_for_user(*, user: Any, pk: int) -> Offer:
    return get_for_user_or_404(Offer.objects.select_related("partner__organisation"), user, pk=pk)


def current_offers(partner: Partner, *, day: dt.date | None = None) -> QuerySet:
    day = day or today()
    return (
        Offer.objects.filter(partner=partner, is_active=True, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("category", "id")
    )


# --- cards -------------------------------------------------------------------------------------


def card_list(
    *, user: Any, status: str = "", tier: str = "", search: str = "", area_code: str = ""
) -> QuerySet:
    qs = LoveCard.objects.for_user(user).select_related("household", "household__division")
    qs = filter_given(qs, status=status, tier=tier, area_code__startswith=area_code)
    search = normalise_card_number(search) if search.strip().replace(" ", "").isdigit() else ""
    if search:
        qs = qs.filter(number__startswith=search)
    return qs.order_by("-id")


def card_get_for_user(*, user: Any, pk: int) -> LoveCard:
    return get_for_user_or_404(
        LoveCard.objects.select_related("household", "household__division", "household__head"),
        user,
        pk=pk,
    )


def card_tally(*, user: Any) -> dict[str, Any]:
    """Cards in the user's scope by tier and status (the issue ledger's summary)."""
    rows = (
        LoveCard.objects.for_user(user)
        .values_list("tier", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_tier: dict[int, dict[str, int]] = {t: {} for t in CardTier.values}
    for tier, status, n in rows:
        by_tier.setdefault(tier, {})[status] = n
    table: list[dict[str, Any]] = [
        {
            "tier": tier,
            "label": CardTier(tier).label,
            "active": by_tier[tier].get(CardStatus.ACTIVE, 0),
            "suspended": by_tier[tier].get(CardStatus.SUSPENDED, 0),
            "other": sum(n for s, n in by_tier[tier].items() if s not in ("active", "suspended")),
        }
        for tier in CardTier.values
    ]
    return {
        "rows": table,
        "live": sum(r["active"] + r["suspended"] for r in table),
        "active": sum(r["active"] for r in table),
    }


@dataclass
class CardCheck:
    """What a merchant sees when a card is scanned or typed: nothing more."""

    number: str
    valid: bool
    message: str
    masked_name: str = ""
    tier_label: str = ""
    offers: list[dict[str, Any]] | None = None


def card_check_for_merchant(*, user: Any, number: str, partner: Partner) -> CardCheck:
    """For a merchant's phone: is the card valid here, the holder's masked name and what each
    of the merchant's current offers still allows this month. Never the household's data."""
    number = normalise_card_number(number)
    if not card_number_is_valid(number):
        return CardCheck(number=number, valid=False, message="卡号有误，请核对16位卡号")
    card = (
        LoveCard.objects.filter(number=number)
        .select_related("household__head")
        .only("pk", "number", "status", "tier", "area_code", "household__head__name")
        .first()
    )
    if card is None or not card.area_code.startswith(partner.area_code):
        return CardCheck(
            number=number, valid=False, message="未找到该爱心卡，或该卡不属于本联盟区域"
        )
    head = card.household.head
    name = masked_name(head.name if head else "")
    if card.status != CardStatus.ACTIVE:
        return CardCheck(
            number=number,
            valid=False,
            message=f"该卡{card.get_status_display()}，不能使用",
            masked_name=name,
        )
    month = today().replace(day=1)
    used = dict(card.cardmonthusage_set.filter(month=month).values_list("offer_id", "count"))
    offers = [
        {
            "id": o.pk,
            "title": o.title,
            "category": o.get_category_display(),
            "rule": o.rule_text,
            "limit_per_visit": o.limit_per_visit,
            "left_this_month": max(o.limit_per_month - used.get(o.pk, 0), 0),
            "limit_per_month": o.limit_per_month,
        }
        for o in current_offers(partner)
    ]
    return CardCheck(
        number=number,
        valid=True,
        message="有效",
        masked_name=name,
        tier_label=CardTier(card.tier).label,
        offers=offers,
    )


def card_holder(card: LoveCard) -> dict[str, Any]:
    """For staff (not merchants): the household and head shown on the printable card."""
    household = card.household
    return {
        "household": household,
        "head_name": household.head.name if household.head is not None else "",
        "division": household.division.short_name,
    }


# --- redemptions -------------------------------------------------------------------------------


def redemption_list(
    *, user: Any, partner: Partner | None = None, month: dt.date | None = None
) -> QuerySet:
    qs = Redemption.objects.for_user(user).select_related("partner__organisation", "offer", "card")
    if partner is not None:
        qs = qs.filter(partner=partner)
    if month is not None:
        qs = qs.filter(month=month)
    return qs.order_by("-redeemed_at")


def redemptions_by_partner_month(*, user: Any) -> list[Mapping[str, Any]]:
    """The ledger: per merchant and month, redemptions, households and discount value."""
    rows = (
        Redemption.objects.for_user(user)
        .values("partner_id", "partner__organisation__name", "month")
        .annotate(
            n=Count("id"),
            households=Count("household_id", distinct=True),
            market=Sum("market_price_fen"),
            paid=Sum("price_paid_fen"),
            discount=Sum("discount_fen"),
        )
        .order_by("-month", "partner__organisation__name")
    )
    return list(rows)


def redemptions_by_household(*, user: Any, household: Household) -> dict[str, Any]:
    qs = Redemption.objects.for_user(user).filter(household=household)
    totals = qs.aggregate(n=Count("id"), fen=Sum("discount_fen"))
    return {"count": totals["n"] or 0, "discount_fen": totals["fen"] or 0}


# --- the 15-minute life circle -----------------------------------------------------------------


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[Decimal, ...]:
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    q = Decimal("0.000001")
    return (
        Decimal(lat - dlat).quantize(q),
        Decimal(lat + dlat).quantize(q),
        Decimal(lon - dlon).quantize(q),
        Decimal(lon + dlon).quantize(q),
    )


def _points_near(lat: float, lon: float, radius_m: float, qs: QuerySet) -> list[tuple[float, Any]]:
    """Points of ``qs`` within ``radius_m``: a bounding-box prefilter on the (latitude,
    longitude) index, then the haversine distance; nearest first."""
    lat_lo, lat_hi, lon_lo, lon_hi = bounding_box(lat, lon, radius_m)
    found = []
    for point in qs.filter(
        latitude__gte=lat_lo, latitude__lte=lat_hi, longitude__gte=lon_lo, longitude__lte=lon_hi
    ):
        d = haversine_m(lat, lon, float(point.latitude), float(point.longitude))
        if d <= radius_m:
            found.append((d, point))
    found.sort(key=lambda pair: pair[0])
    return found


def household_point(household: Household) -> tuple[float, float] | None:
    """Where a household's life circle is measured from: its head's coordinates, else the
    centre of its community."""
    head = household.head
    if head is not None and head.latitude is not None and head.longitude is not None:
        return float(head.latitude), float(head.longitude)
    centre = CommunityCentre.objects.filter(division_id=household.division_id).first()
    if centre is None:
        return None
    return float(centre.latitude), float(centre.longitude)


def life_circle_offers(
    *, household: Household, radius_m: int | None = None, day: dt.date | None = None
) -> list[dict[str, Any]]:
    """The offers a household's card can use within a 15-minute walk (straight line, 1.2 km by
    default; settings.RESOURCES_LIFE_CIRCLE_METRES), nearest shop first."""
    radius = radius_m or life_circle_radius_m()
    origin = household_point(household)
    if origin is None:
        return []
    day = day or today()
    shops = _points_near(
        origin[0],
        origin[1],
        radius,
        Location.objects.filter(
            is_active=True, partner__status=PartnerStatus.APPROVED, partner__isnull=False
        ).select_related("partner__organisation"),
    )
    if not shops:
        return []
    partner_ids = {p.partner_id for _, p in shops}
    offers: dict[int, list[Offer]] = defaultdict(list)
    for offer in (
        Offer.objects.filter(partner_id__in=partner_ids, is_active=True, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("category", "id")
    ):
        offers[offer.partner_id].append(offer)
    result = []
    seen: set[int] = set()
    for distance, shop in shops:
        for offer in offers.get(shop.partner_id, []):
            if offer.pk in seen:
                continue
            seen.add(offer.pk)
            result.append(
                {
                    "offer": offer,
                    "shop": shop,
                    "partner": shop.partner.organisation.name,
                    "distance_m": round(distance),
                    "walk_minutes": max(1, round(distance / 80)),
                }
            )
    return result


def nearest_points(
    *,
    latitude: float,
    longitude: float,
    categories: list[str],
    limit: int = 1,
    radius_m: int = 5000,
) -> dict[str, list[dict[str, Any]]]:
    """For the volunteers' emergency contact card: the nearest active points of each location
    kind in ``categories`` (e.g. ["pharmacy", "grain_shop", "health_station"]) within
    ``radius_m``, at most ``limit`` each: name, address, shop phone, distance in metres.
    Public business data only; no scoping needed."""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in categories:
        found = _points_near(
            float(latitude),
            float(longitude),
            radius_m,
            Location.objects.filter(is_active=True, kind=kind),
        )[: max(int(limit), 1)]
        out[kind] = [
            {
                "id": p.pk,
                "name": p.name,
                "kind": p.kind,
                "address": p.address,
                "phone": p.phone,
                "distance_m": round(d),
            }
            for d, p in found
        ]
    return out


def coverage(*, user: Any, area_code: str, radius_m: int | None = None) -> dict[str, Any]:
    """For an area: each community (with a centre point) and, per offer category, whether a
    merchant with a current offer of that category has a shop within reach. Communities
    without a centre point are listed apart. One query for the shops of the area and around it,
    distances in Python against the bounding box of each community."""
    radius = radius_m or life_circle_radius_m()
    scope = scope_of(user)
    if not scope.grants:
        return {"rows": [], "missing_centre": [], "categories": OfferCategory.choices}
    communities = list(
        Division.objects.filter(code__startswith=area_code, level=Level.VILLAGE).order_by("code")
    )
    centres = {
        c.division_id: c
        for c in CommunityCentre.objects.filter(division__code__startswith=area_code)
    }
    day = today()
    shops: list[tuple[float, float, set[str]]] = []
    categories_of: dict[int, set[str]] = defaultdict(set)
    for partner_id, category in (
        Offer.objects.filter(is_active=True, valid_from__lte=day, partner__status="approved")
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .filter(area_code__startswith=area_code[:4])
        .values_list("partner_id", "category")
    ):
        categories_of[partner_id].add(category)
    for shop_lat, shop_lon, partner_id in Location.objects.filter(
        is_active=True, partner_id__in=list(categories_of)
    ).values_list("latitude", "longitude", "partner_id"):
        shops.append((float(shop_lat), float(shop_lon), categories_of[partner_id]))
    shops.sort(key=lambda shop: shop[0])
    latitudes = [shop[0] for shop in shops]
    rows = []
    missing = []
    for community in communities:
        centre = centres.get(community.code)
        if centre is None:
            missing.append(community)
            continue
        lat, lon = float(centre.latitude), float(centre.longitude)
        lat_lo, lat_hi, lon_lo, lon_hi = (float(x) for x in bounding_box(lat, lon, radius))
        covered: set[str] = set()
        for s_lat, s_lon, cats in shops[
            bisect_left(latitudes, lat_lo) : bisect_right(latitudes, lat_hi)
        ]:
            if (
                lon_lo <= s_lon <= lon_hi
                and cats - covered
                and haversine_m(lat, lon, s_lat, s_lon) <= radius
            ):
                covered |= cats
        gaps = [label for value, label in OfferCategory.choices if value not in covered]
        rows.append(
            {
                "community": community,
                "covered": [value in covered for value, _ in OfferCategory.choices],
                "gaps": gaps,
            }
        )
    return {"rows": rows, "missing_centre": missing, "categories": OfferCategory.choices}


def location_list(*, user: Any, kind: str = "") -> QuerySet:
    qs = Location.objects.for_user(user).select_related("partner__organisation", "division")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("area_code", "name")


# --- goods ---------------------------------------------------------------------------------------


def stock_list(*, user: Any, store_id: int | None = None, in_stock: bool = True) -> QuerySet:
    qs = StockLot.objects.for_user(user).select_related("store", "partner__organisation")
    if store_id:
        qs = qs.filter(store_id=store_id)
    if in_stock:
        qs = qs.filter(quantity_left__gt=0)
    return qs.order_by("expires_on", "id")


def stock_get_for_user(*, user: Any, pk: int) -> StockLot:
    return get_for_user_or_404(
        StockLot.objects.select_related("store", "partner__organisation"), user, pk=pk
    )


def stock_by_store(*, user: Any) -> list[Mapping[str, Any]]:
    return list(
        StockLot.objects.for_user(user)
        .values("store_id", "store__name")
        .annotate(lots=Count("id"), left=Sum("quantity_left"), value=Sum("value_fen"))
        .order_by("store__name")
    )


def value_raised_by_partner(*, user: Any) -> list[Mapping[str, Any]]:
    """Goods received per partner (value in fen), largest first."""
    return list(
        StockLot.objects.for_user(user)
        .values("partner_id", "partner__organisation__name")
        .annotate(lots=Count("id"), value=Sum("value_fen"))
        .order_by("-value")
    )


def pledge_list(*, user: Any) -> QuerySet:
    return Pledge.objects.for_user(user).select_related("partner__organisation").order_by("-id")


def dispatch_list(*, user: Any) -> QuerySet:
    return Dispatch.objects.for_user(user).select_related("lot", "household").order_by("-id")


# --- medicine boxes ----------------------------------------------------------------------------


def box_list(*, user: Any) -> QuerySet:
    return (
        MedicineBox.objects.for_user(user)
        .select_related("location", "custodian")
        .annotate(
            kinds=Count("items", filter=Q(items__quantity__gt=0)),
            units=Sum("items__quantity"),
        )
        .order_by("area_code", "code")
    )


def box_get_for_user(*, user: Any, pk: int) -> MedicineBox:
    return get_for_user_or_404(
        MedicineBox.objects.select_related("location", "custodian"), user, pk=pk
    )


def box_item_get_for_user(*, user: Any, pk: int) -> BoxItem:
    return get_for_user_or_404(BoxItem.objects.select_related("box", "medicine"), user, pk=pk)


def box_contents(box: MedicineBox) -> QuerySet:
    return box.items.filter(quantity__gt=0).select_related("medicine").order_by("expires_on")


def expiring_items(*, user: Any, within_days: int = EXPIRY_ALERT_DAYS) -> QuerySet:
    """Medicine in the user's boxes that expires within ``within_days`` (or has expired)."""
    limit = today() + dt.timedelta(days=within_days)
    return (
        BoxItem.objects.for_user(user)
        .filter(quantity__gt=0, expires_on__lte=limit)
        .select_related("box", "box__location", "medicine")
        .order_by("expires_on")
    )


def move_suggestions(*, user: Any, within_days: int = EXPIRY_ALERT_DAYS) -> list[dict[str, Any]]:
    """For each near-expiry item: the box of the same county where that medicine was taken most
    often in the last 90 days, if it is taken there more often than in its own box."""
    since = timezone.now() - dt.timedelta(days=90)
    items = list(expiring_items(user=user, within_days=within_days).filter(expires_on__gte=today()))
    suggestions = []
    for item in items:
        takes = dict(
            BoxMovement.objects.filter(
                medicine_id=item.medicine_id,
                kind=MovementKind.TAKE,
                occurred_at__gte=since,
                area_code__startswith=item.area_code[:6],
            )
            .values_list("box_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        own = takes.pop(item.box_id, 0)
        if not takes:
            continue
        best_box_id, best = max(takes.items(), key=lambda pair: (pair[1], -pair[0]))
        if best > own:
            suggestions.append(
                {
                    "item": item,
                    "to_box": MedicineBox.objects.select_related("location").get(pk=best_box_id),
                    "takes_there": best,
                    "takes_here": own,
                }
            )
    return suggestions


def box_history(box: MedicineBox) -> QuerySet:
    return box.movements.select_related("medicine", "recorded_by").order_by("-occurred_at")[:100]


# --- panels ------------------------------------------------------------------------------------


def staff_figures(*, user: Any) -> dict[str, Any]:
    month = today().replace(day=1)
    return {
        "applied": Partner.objects.for_user(user).filter(status=PartnerStatus.APPLIED).count(),
        "partners": Partner.objects.for_user(user).filter(status=PartnerStatus.APPROVED).count(),
        "cards": LoveCard.objects.for_user(user).filter(status=CardStatus.ACTIVE).count(),
        "suspended": LoveCard.objects.for_user(user).filter(status=CardStatus.SUSPENDED).count(),
        "month_discount_fen": Redemption.objects.for_user(user)
        .filter(month=month)
        .aggregate(fen=Sum("discount_fen"))["fen"]
        or 0,
        "expiring": expiring_items(user=user).count(),
    }


def user_is_partner(user: Any) -> bool:
    return scope_of(user).has_role(Role.PARTNER) and bool(partner_orgs_of(user))


def area_choices(*, user: Any) -> list[Division]:
    """Areas the user works in (for the issue and coverage forms): his grants' divisions."""
    scope = scope_of(user)
    codes = scope.area_prefixes()
    return list(
        Division.objects.filter(
            prefix_q("code", codes),
            level__in=[Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE],
        )
        .filter(code__in=codes)
        .order_by("code")
    )


def expiring_items_all(*, area_code: str = "", within_days: int = EXPIRY_ALERT_DAYS) -> QuerySet:
    """The daily command's list (no user): medicine expiring within ``within_days``."""
    limit = today() + dt.timedelta(days=within_days)
    return (
        BoxItem.objects.filter(
            quantity__gt=0, expires_on__lte=limit, area_code__startswith=area_code
        )
        .select_related("box", "medicine")
        .order_by("expires_on")
    )
