"""Every write of the love alliance. Keyword-only, ``actor`` first, one transaction each,
audited. Status changes of partners and cards go through their workflows (workflows.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from lianxin.areas.models import Division, Level
from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import scope_of
from lianxin.core.servicekit import audited
from lianxin.directory import services as directory_services
from lianxin.directory.models import Organisation, OrgKind
from lianxin.registry import selectors as registry_selectors
from lianxin.registry.models import Household

from .models import (
    BoxItem,
    BoxMovement,
    CardMonthUsage,
    CardSequence,
    CardStatus,
    CardTier,
    CommunityCentre,
    DiscountKind,
    Dispatch,
    Location,
    LocationKind,
    LoveCard,
    MedicineBox,
    MovementKind,
    Offer,
    OfferCategory,
    OtcMedicine,
    Partner,
    PartnerKind,
    PartnerStatus,
    Pledge,
    PledgeStatus,
    PointsRedemption,
    Redemption,
    StockLot,
)
from .workflows import APPROVER_ROLES, CARD_STAFF_ROLES, CARD_WORKFLOW, PARTNER_WORKFLOW, covers

# The tier of each registry assistance type (the order the district issued cards in).
TIER_OF_ASSISTANCE = {
    "低保": CardTier.MINIMUM_LIVING,
    "特困": CardTier.MINIMUM_LIVING,
    "低保边缘": CardTier.NEAR_MINIMUM,
    "支出型困难": CardTier.EXPENDITURE_HARDSHIP,
    "临时救助": CardTier.TEMPORARY,
}
AUTO_SUSPEND_PREFIX = "救助状态已终止"
EXPIRY_ALERT_DAYS = 30
ORG_KIND = {
    PartnerKind.ENTERPRISE: OrgKind.ENTERPRISE,
    PartnerKind.CHARITY: OrgKind.SOCIAL_ORGANISATION,
    PartnerKind.MERCHANT: OrgKind.MERCHANT,
    PartnerKind.INSTITUTION: OrgKind.GOVERNMENT,
}


def today() -> dt.date:
    return timezone.localdate()


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _by(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise AccessDenied(message)


def partner_orgs_of(actor: Any) -> frozenset[int]:
    return scope_of(actor).organisation_ids([Role.PARTNER])


def acts_for_partner(actor: Any, partner: Partner) -> bool:
    return partner.organisation_id in partner_orgs_of(actor)


def _coordinate(value: Any, low: float, high: float, label: str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(f"{label}“{value}”不是数字") from exc
    if not Decimal(str(low)) <= number <= Decimal(str(high)):
        raise ApplicationError(f"{label}{number}不在宁夏范围内（{low}～{high}）")
    return number


def _text(value: str, limit: int, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(f"请填写{label}")
    if len(value) > limit:
        raise ApplicationError(f"{label}不能超过{limit}个字")
    return value


# --- partners ----------------------------------------------------------------------------------


@transaction.atomic
def partner_apply(
    *,
    actor: Any,
    area: Division,
    kind: str,
    name: str = "",
    organisation: Organisation | None = None,
    credit_code: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
    pledge_text: str = "",
    accepts_points: bool = False,
) -> Partner:
    """An organisation applies to join the alliance of an area (a county or a township). Partner
    staff apply for their own organisation; area staff apply on a new partner's behalf, which
    registers the organisation in the directory. Civil-affairs staff then approve it."""
    if kind not in PartnerKind.values:
        raise ApplicationError(f"未知的单位类别“{kind}”")
    if area.level not in (Level.COUNTY, Level.TOWNSHIP, Level.CITY):
        raise ApplicationError("爱心联盟以县(区)、市或乡镇(街道)为单位组建，请选择相应区域")
    own = partner_orgs_of(actor)
    if organisation is not None:
        _require(
            organisation.pk in own or covers(actor, area.code, AREA_STAFF_ROLES),
            "您只能为本单位申请加入爱心联盟",
        )
    else:
        _require(
            covers(actor, area.code, AREA_STAFF_ROLES) or bool(own),
            "您不能为其他单位申请加入爱心联盟",
        )
        if own and not covers(actor, area.code, AREA_STAFF_ROLES):
            organisation = Organisation.objects.get(pk=min(own))
    if organisation is not None and Partner.objects.filter(organisation=organisation).exists():
        raise Conflict(f"“{organisation.name}”已申请或已加入爱心联盟")
    if organisation is None:
        name = _text(name, 120, "单位名称")
        sequence = Organisation.objects.filter(code__startswith=f"LM-{area.code}-").count() + 1
        organisation = directory_services.organisation_create(
            actor=actor,
            code=f"LM-{area.code}-{sequence:04d}",
            name=name,
            kind=ORG_KIND[PartnerKind(kind)],
            level=area.level,
            area=area,
            credit_code=credit_code,
            contact_name=contact_name.strip()[:40],
            contact_phone=contact_phone.strip()[:20],
            address=address.strip()[:200],
        )
    partner = Partner.objects.create(
        organisation=organisation,
        kind=kind,
        area=area,
        pledge_text=_text(pledge_text, 300, "承诺内容", required=False),
        accepts_points=bool(accepts_points),
        created_by=_by(actor),
    )
    return audited(
        partner,
        actor=actor,
        action="resources.partner.apply",
        changes={"organisation": organisation.name, "kind": kind, "area": area.code},
    )


def _decide(actor: Any, partner: Partner, name: str, note: str, action: str) -> Partner:
    partner = PARTNER_WORKFLOW.advance(
        partner,
        name,
        actor=actor,
        updates={"decided_at": timezone.now(), "decided_by": actor, "decision_note": note[:300]},
    )
    return audited(
        partner,
        actor=actor,
        action=f"resources.partner.{action}",
        changes={"status": partner.status, "note": note[:300]},
    )


@transaction.atomic
def partner_approve(*, actor: Any, obj: Partner, note: str = "") -> Partner:
    """Civil-affairs staff of the area admit an applicant; not the person who filed it."""
    return _decide(actor, obj, "approve", note.strip(), "approve")


@transaction.atomic
def partner_reject(*, actor: Any, obj: Partner, note: str = "") -> Partner:
    note = _text(note, 300, "不予通过的理由")
    return _decide(actor, obj, "reject", note, "reject")


@transaction.atomic
def partner_suspend(*, actor: Any, obj: Partner, note: str = "") -> Partner:
    """A suspended partner's offers are no longer redeemable."""
    note = _text(note, 300, "暂停理由")
    return _decide(actor, obj, "suspend", note, "suspend")


@transaction.atomic
def partner_reinstate(*, actor: Any, obj: Partner, note: str = "") -> Partner:
    return _decide(actor, obj, "reinstate", note.strip(), "reinstate")


# --- places ------------------------------------------------------------------------------------


@transaction.atomic
def location_add(
    *,
    actor: Any,
    name: str,
    kind: str,
    division: Division,
    latitude: Any,
    longitude: Any,
    partner: Partner | None = None,
    address: str = "",
    phone: str = "",
) -> Location:
    """A point of the life circle: a partner's own staff add their shops; area staff add any
    point of their area (health stations, stores, places of medicine boxes)."""
    if kind not in LocationKind.values:
        raise ApplicationError(f"未知的网点类型“{kind}”")
    if division.level != Level.VILLAGE:
        raise ApplicationError("请选择网点服务的社区(村)")
    _require(
        (partner is not None and acts_for_partner(actor, partner))
        or covers(actor, division.code, AREA_STAFF_ROLES),
        "您不能在该区域添加网点",
    )
    location = Location.objects.create(
        partner=partner,
        name=_text(name, 120, "网点名称"),
        kind=kind,
        division=division,
        address=address.strip()[:200],
        phone=phone.strip()[:20],
        latitude=_coordinate(latitude, 35.0, 39.5, "纬度"),
        longitude=_coordinate(longitude, 104.0, 107.8, "经度"),
        created_by=_by(actor),
    )
    return audited(
        location,
        actor=actor,
        action="resources.location.add",
        changes={"name": location.name, "kind": kind},
    )


@transaction.atomic
def community_centre_set(
    *, actor: Any, division: Division, latitude: Any, longitude: Any
) -> CommunityCentre:
    """Where a community's life circle is measured from (staff of the community or above)."""
    _require(covers(actor, division.code, AREA_STAFF_ROLES), "您不能设置该社区的中心点")
    centre, _ = CommunityCentre.objects.update_or_create(
        division=division,
        defaults={
            "latitude": _coordinate(latitude, 35.0, 39.5, "纬度"),
            "longitude": _coordinate(longitude, 104.0, 107.8, "经度"),
        },
    )
    audit.record(
        actor=actor,
        action="resources.centre.set",
        target_repr=division.short_name,
        area_code=division.code,
        changes={"latitude": centre.latitude, "longitude": centre.longitude},
    )
    return centre


# --- offers --------------------------------------------------------------------------------------


@transaction.atomic
def offer_create(
    *,
    actor: Any,
    partner: Partner,
    title: str,
    category: str,
    discount_kind: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    percent_off: int = 0,
    fixed_price_fen: int = 0,
    market_price_fen: int = 0,
    limit_per_visit: int = 1,
    limit_per_month: int = 4,
) -> Offer:
    """A merchant's offer to cardholders. A percentage is 1–99; a fixed price lies below the
    market price; limits are at least one a visit and one a month."""
    _require(
        acts_for_partner(actor, partner) or covers(actor, partner.area_code, APPROVER_ROLES),
        "您不能为该单位发布优惠",
    )
    if partner.status != PartnerStatus.APPROVED:
        raise InvalidTransition("该单位尚未加入爱心联盟，不能发布优惠")
    if category not in OfferCategory.values:
        raise ApplicationError(f"未知的优惠类别“{category}”")
    if discount_kind not in DiscountKind.values:
        raise ApplicationError(f"未知的优惠方式“{discount_kind}”")
    percent_off = int(percent_off or 0)
    fixed_price_fen = int(fixed_price_fen or 0)
    market_price_fen = int(market_price_fen or 0)
    if discount_kind == DiscountKind.PERCENT and not 1 <= percent_off <= 99:
        raise ApplicationError("优惠比例应在1%～99%之间")
    if discount_kind == DiscountKind.FIXED_PRICE:
        if fixed_price_fen <= 0 or market_price_fen <= 0:
            raise ApplicationError("固定爱心价须填写爱心价和参考市场价")
        if fixed_price_fen >= market_price_fen:
            raise ApplicationError("爱心价须低于参考市场价")
    if int(limit_per_visit) < 1 or int(limit_per_month) < 1:
        raise ApplicationError("每次限购和每月限用次数至少为1")
    if valid_to is not None and valid_to < valid_from:
        raise ApplicationError("截止日期不能早于生效日期")
    offer = Offer.objects.create(
        partner=partner,
        title=_text(title, 120, "优惠名称"),
        category=category,
        discount_kind=discount_kind,
        percent_off=percent_off if discount_kind == DiscountKind.PERCENT else 0,
        fixed_price_fen=fixed_price_fen if discount_kind == DiscountKind.FIXED_PRICE else 0,
        market_price_fen=market_price_fen,
        limit_per_visit=int(limit_per_visit),
        limit_per_month=int(limit_per_month),
        valid_from=valid_from,
        valid_to=valid_to,
        created_by=_by(actor),
    )
    changes = {"title": offer.title, "category": category, "rule": offer.rule_text}
    return audited(offer, actor=actor, action="resources.offer.create", changes=changes)


@transaction.atomic
def offer_withdraw(*, actor: Any, offer: Offer) -> Offer:
    _require(
        acts_for_partner(actor, offer.partner) or covers(actor, offer.area_code, APPROVER_ROLES),
        "您不能撤下该优惠",
    )
    if not Offer.objects.filter(pk=offer.pk, is_active=True).update(
        is_active=False, updated_at=timezone.now()
    ):
        raise InvalidTransition("该优惠已撤下")
    offer.is_active = False
    return audited(offer, actor=actor, action="resources.offer.withdraw")


# --- love cards ----------------------------------------------------------------------------------


def luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def card_number_is_valid(number: str) -> bool:
    return len(number) == 16 and number.isdigit() and luhn_digit(number[:-1]) == number[-1]


def normalise_card_number(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def _allocate_numbers(prefix: str, count: int) -> list[str]:
    """``count`` new card numbers under ``prefix`` (county code + two-digit year); the sequence
    row is locked until the transaction ends, so concurrent issues never share a number."""
    CardSequence.objects.get_or_create(prefix=prefix)
    sequence = CardSequence.objects.select_for_update().get(prefix=prefix)
    first = sequence.last + 1
    if sequence.last + count > 9_999_999:
        raise ApplicationError(f"号段{prefix}的卡号已用完")
    CardSequence.objects.filter(prefix=prefix).update(last=F("last") + count)
    return [
        f"{prefix}{n:07d}" + luhn_digit(f"{prefix}{n:07d}") for n in range(first, first + count)
    ]


@dataclass
class IssueResult:
    issued: dict[int, int] = field(default_factory=dict)  # tier → cards issued
    already_holding: int = 0
    cards: list[LoveCard] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.issued.values())


@transaction.atomic
def cards_issue(
    *,
    actor: Any,
    area_code: str,
    tiers: Iterable[int] = tuple(CardTier.values),
    household_ids: Iterable[int] | None = None,
    chunk: int = 2000,
) -> IssueResult:
    """Issue love cards to the households of an area by tier, from the registry's active
    assistance status: 低保 (and 特困) first, then 低保边缘, 支出型困难, 临时救助. A household
    in several gets the first tier it is in; a household that holds a live card gets none."""
    _require(covers(actor, area_code, CARD_STAFF_ROLES), "您不能为该区域发放爱心卡")
    wanted = {int(t) for t in tiers}
    best: dict[int, tuple[int, str]] = {}
    for household_id, household_area, kind in registry_selectors.active_assistance(
        area_code=area_code, household_ids=household_ids, on=today()
    ):
        tier = TIER_OF_ASSISTANCE.get(kind)
        if tier is None or tier not in wanted:
            continue
        if household_id not in best or tier < best[household_id][0]:
            best[household_id] = (int(tier), household_area)
    holding = (
        set(
            LoveCard.objects.live()
            .filter(area_code__startswith=area_code, household_id__in=list(best) or [0])
            .values_list("household_id", flat=True)
        )
        if len(best) <= 5000
        else set(
            LoveCard.objects.live()
            .filter(area_code__startswith=area_code)
            .values_list("household_id", flat=True)
        )
    )
    result = IssueResult(issued=dict.fromkeys(sorted(wanted), 0))
    todo = sorted(
        ((tier, hid, area) for hid, (tier, area) in best.items() if hid not in holding),
        key=lambda row: (row[0], row[2], row[1]),
    )
    result.already_holding = len(best) - len(todo)
    year = f"{today():%y}"
    by_prefix: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for row in todo:
        by_prefix[row[2][:6] + year].append(row)
    now = timezone.now()
    created: list[LoveCard] = []
    for prefix in sorted(by_prefix):
        rows = by_prefix[prefix]
        numbers = _allocate_numbers(prefix, len(rows))
        cards = [
            LoveCard(
                number=number,
                household_id=hid,
                area_code=area,
                tier=tier,
                issued_at=now,
                created_by=_by(actor),
            )
            for number, (tier, hid, area) in zip(numbers, rows, strict=True)
        ]
        for start in range(0, len(cards), chunk):
            created.extend(LoveCard.objects.bulk_create(cards[start : start + chunk]))
        for issued_tier, _, _ in rows:
            result.issued[issued_tier] += 1
    audit.record_many(
        {
            "actor": actor,
            "action": "resources.card.issue",
            "target": card,
            "changes": {"tier": card.tier},
        }
        for card in created
    )
    result.cards = created
    return result


def _card_event(actor: Any, card: LoveCard, action: str, **changes: Any) -> None:
    audit.record(
        actor=actor,
        action=f"resources.card.{action}",
        target=card,
        changes={"status": card.status, **changes},
    )


def _card_advance(actor: Any, obj: LoveCard, name: str, reason: str) -> LoveCard:
    """The card moves along ``name``, the reason and the time noted on it."""
    updates = {"status_reason": reason, "status_changed_at": timezone.now()}
    return CARD_WORKFLOW.advance(obj, name, actor=actor, updates=updates)


def _card_move(
    actor: Any, obj: LoveCard, name: str, reason: str, noted: str | None = None
) -> LoveCard:
    card = _card_advance(actor, obj, name, reason)
    _card_event(actor, card, name, reason=reason if noted is None else noted)
    return card


@transaction.atomic
def card_suspend(*, actor: Any, obj: LoveCard, reason: str = "") -> LoveCard:
    return _card_move(actor, obj, "suspend", _text(reason, 200, "暂停原因"))


@transaction.atomic
def card_restore(*, actor: Any, obj: LoveCard, reason: str = "") -> LoveCard:
    return _card_move(actor, obj, "restore", reason.strip()[:200], noted=reason.strip())


@transaction.atomic
def card_cancel(*, actor: Any, obj: LoveCard, reason: str = "") -> LoveCard:
    return _card_move(actor, obj, "cancel", _text(reason, 200, "注销原因"))


@transaction.atomic
def card_reissue(*, actor: Any, obj: LoveCard, reason: str = "") -> LoveCard:
    """A lost card is reported lost (it stops working at once) and a new number is issued to
    the same household in the same tier; the new card says which card it replaces."""
    reason = reason.strip()[:200] or "遗失补办"
    old = _card_advance(actor, obj, "reissue", reason)
    number = _allocate_numbers(old.area_code[:6] + f"{today():%y}", 1)[0]
    card = LoveCard.objects.create(
        number=number,
        household_id=old.household_id,
        tier=old.tier,
        issued_at=timezone.now(),
        replaces=old,
        created_by=_by(actor),
    )
    _card_event(actor, old, "lost", reason=reason, new=card.number)
    _card_event(actor, card, "reissue", replaces=old.number)
    return card


@transaction.atomic
def cards_sync_status(
    *, actor: Any = None, area_code: str = "", household_ids: Iterable[int] | None = None
) -> dict[str, int]:
    """Suspend the live cards of households no longer in any card tier (their assistance status
    ended), with the reason; restore the cards this rule suspended once the household is
    eligible again. Run by the daily task/command and when an assistance status ends."""
    ids = list(household_ids) if household_ids is not None else None
    cards = LoveCard.objects.live()
    if area_code:
        cards = cards.filter(area_code__startswith=area_code)
    if ids is not None:
        cards = cards.filter(household_id__in=ids)
    card_list = list(
        cards.only("pk", "household_id", "status", "status_reason", "area_code", "number")
    )
    if not card_list:
        return {"suspended": 0, "restored": 0}
    eligible = {
        hid
        for hid, _, kind in registry_selectors.active_assistance(
            area_code=area_code, household_ids=[c.household_id for c in card_list], on=today()
        )
        if kind in TIER_OF_ASSISTANCE
    }
    ended = registry_selectors.last_ended_assistance(
        household_ids=[c.household_id for c in card_list if c.household_id not in eligible]
    )
    now = timezone.now()
    counts = {"suspended": 0, "restored": 0}
    for card in card_list:
        if card.status == CardStatus.ACTIVE and card.household_id not in eligible:
            last = ended.get(card.household_id)
            reason = AUTO_SUSPEND_PREFIX + (f"（{last[0]} {last[1]:%Y-%m-%d}终止）" if last else "")
            CARD_WORKFLOW.advance(
                card,
                "suspend",
                actor=actor,
                check=False,
                updates={"status_reason": reason, "status_changed_at": now},
            )
            _card_event(actor, card, "auto_suspend", reason=reason)
            counts["suspended"] += 1
        elif (
            card.status == CardStatus.SUSPENDED
            and card.household_id in eligible
            and card.status_reason.startswith(AUTO_SUSPEND_PREFIX)
        ):
            CARD_WORKFLOW.advance(
                card,
                "restore",
                actor=actor,
                check=False,
                updates={"status_reason": "救助状态恢复", "status_changed_at": now},
            )
            _card_event(actor, card, "auto_restore")
            counts["restored"] += 1
    return counts


@transaction.atomic
def card_redeem(
    *,
    actor: Any,
    number: str,
    offer: Offer,
    item: str,
    market_price_fen: int,
    price_paid_fen: int,
    quantity: int = 1,
) -> Redemption:
    """A merchant's staff redeem a love card for one of the merchant's offers. The card must be
    valid and of the alliance's area, the offer current, the price paid within what the offer
    allows; the monthly limit is counted on the card × offer × month row with a conditional
    UPDATE (``count < limit``), so concurrent redemptions never exceed it. No money moves: the
    ledger keeps the discount value (market price − price paid)."""
    partner = offer.partner
    _require(acts_for_partner(actor, partner), "只有本商家的工作人员可以核销本商家的优惠")
    if partner.status != PartnerStatus.APPROVED:
        raise InvalidTransition("本单位的爱心联盟资格已暂停，不能核销")
    day = today()
    if not offer.is_active or offer.valid_from > day or (offer.valid_to and offer.valid_to < day):
        raise InvalidTransition("该优惠不在有效期内")
    number = normalise_card_number(number)
    if not card_number_is_valid(number):
        raise ApplicationError("卡号有误，请核对16位卡号")
    card = LoveCard.objects.filter(number=number).first()
    if card is None or not card.area_code.startswith(partner.area_code):
        raise ApplicationError("未找到该爱心卡，或该卡不属于本联盟区域")
    if card.status != CardStatus.ACTIVE:
        raise InvalidTransition(f"该卡{card.get_status_display()}，不能使用")
    item = _text(item, 120, "商品/服务名称")
    quantity = int(quantity)
    if not 1 <= quantity <= offer.limit_per_visit:
        raise ApplicationError(f"每次限{offer.limit_per_visit}件")
    market, paid = int(market_price_fen), int(price_paid_fen)
    if market <= 0:
        raise ApplicationError("请填写市场价")
    if paid < 0 or paid > market:
        raise ApplicationError("实付金额应在0和市场价之间")
    if offer.discount_kind == DiscountKind.PERCENT:
        allowed = market * (100 - offer.percent_off) // 100
        if paid > allowed:
            raise ApplicationError(f"按优惠应付不超过{allowed / 100:.2f}元")
    elif offer.discount_kind == DiscountKind.FIXED_PRICE:
        allowed = offer.fixed_price_fen * quantity
        if paid > allowed:
            raise ApplicationError(f"爱心价合计{allowed / 100:.2f}元，实付不能高于爱心价")
    elif paid != 0:
        raise ApplicationError("免费服务的实付金额应为0")
    month = month_of(day)
    usage = CardMonthUsage.objects.filter(card=card, offer=offer, month=month).first()
    if usage is None:
        try:
            with transaction.atomic():
                usage = CardMonthUsage.objects.create(card=card, offer=offer, month=month)
        except IntegrityError:
            usage = CardMonthUsage.objects.get(card=card, offer=offer, month=month)
    counted = CardMonthUsage.objects.filter(pk=usage.pk, count__lt=offer.limit_per_month).update(
        count=F("count") + 1
    )
    if counted != 1:
        raise Conflict(f"该卡本月已使用{offer.limit_per_month}次本优惠，已达上限")
    redemption = Redemption.objects.create(
        card=card,
        offer=offer,
        partner=partner,
        household_id=card.household_id,
        area_code=card.area_code,
        item=item,
        quantity=quantity,
        market_price_fen=market,
        price_paid_fen=paid,
        discount_fen=market - paid,
        month=month,
        redeemed_at=timezone.now(),
        redeemed_by=actor,
    )
    audit.record(
        actor=actor,
        action="resources.card.redeem",
        target=redemption,
        area_code=card.area_code,
        target_repr=f"{card.number} {item}",
        changes={"card": card.number, "offer": offer.pk, "discount_fen": market - paid},
    )
    return redemption


# --- points spent at merchants (the volunteers app's hook) -------------------------------------


@transaction.atomic
def points_redemption_record(
    *,
    actor: Any,
    partner: Partner,
    volunteer_ref: str,
    ledger_ref: str,
    item: str,
    points: int,
    value_fen: int,
) -> PointsRedemption:
    """Record that a volunteer paid for ``item`` at ``partner`` with ``points`` (worth
    ``value_fen``). The volunteers app debits its own points ledger and calls this in the same
    transaction, ``ledger_ref`` naming its ledger entry (unique: a second call with the same
    reference returns the first record unchanged). The partner must accept points."""
    existing = PointsRedemption.objects.filter(ledger_ref=ledger_ref).first()
    if existing is not None:
        return existing
    if partner.status != PartnerStatus.APPROVED or not partner.accepts_points:
        raise InvalidTransition(f"“{partner}”不接受志愿积分兑换")
    if int(points) <= 0 or int(value_fen) < 0:
        raise ApplicationError("积分须为正数，价值不能为负")
    record = PointsRedemption.objects.create(
        partner=partner,
        volunteer_ref=_text(volunteer_ref, 40, "志愿者编号"),
        ledger_ref=_text(ledger_ref, 40, "积分流水号"),
        item=_text(item, 120, "商品/服务名称"),
        points=int(points),
        value_fen=int(value_fen),
        month=month_of(today()),
        redeemed_at=timezone.now(),
        recorded_by=_by(actor),
    )
    audit.record(
        actor=actor,
        action="resources.points.redeem",
        target=record,
        target_repr=f"{partner} {record.item}",
        changes={"points": record.points, "value_fen": record.value_fen, "ledger": ledger_ref},
    )
    return record


# --- donated goods -------------------------------------------------------------------------------


def _goods_staff(actor: Any, area_code: str) -> bool:
    return covers(actor, area_code, AREA_STAFF_ROLES)


def _check_goods(quantity: Any, value_fen: Any) -> None:
    if int(quantity) <= 0 or int(value_fen) < 0:
        raise ApplicationError("数量须为正数，价值不能为负")


GoodsT = TypeVar("GoodsT", Pledge, StockLot)


def _goods_event(actor: Any, action: str, goods: GoodsT, quantity: int) -> GoodsT:
    """The audit row of goods pledged or received: what, how many, worth how much."""
    changes = {"item": goods.item, "quantity": quantity, "value_fen": goods.value_fen}
    return audited(goods, actor=actor, action=action, changes=changes)


@transaction.atomic
def pledge_create(
    *, actor: Any, partner: Partner, item: str, quantity: int, value_fen: int, unit: str = "件"
) -> Pledge:
    """A partner pledges goods (its own staff, or staff of the alliance's area)."""
    _require(
        acts_for_partner(actor, partner) or _goods_staff(actor, partner.area_code),
        "您不能为该单位登记认捐",
    )
    if partner.status != PartnerStatus.APPROVED:
        raise InvalidTransition("该单位尚未加入爱心联盟")
    _check_goods(quantity, value_fen)
    pledge = Pledge.objects.create(
        partner=partner,
        item=_text(item, 120, "物资名称"),
        quantity=int(quantity),
        unit=_text(unit, 10, "单位"),
        value_fen=int(value_fen),
        created_by=_by(actor),
    )
    return _goods_event(actor, "resources.pledge.create", pledge, pledge.quantity)


@transaction.atomic
def stock_receive(
    *,
    actor: Any,
    store: Location,
    partner: Partner,
    item: str,
    quantity: int,
    value_fen: int,
    unit: str = "件",
    expires_on: dt.date | None = None,
    pledge: Pledge | None = None,
    received_on: dt.date | None = None,
) -> StockLot:
    """Goods received into a store (入库), from a pledge or directly. Staff of the store's area."""
    _require(_goods_staff(actor, store.area_code), "您不能登记该仓库的入库")
    if store.kind != LocationKind.STORE:
        raise ApplicationError("请选择物资仓库")
    _check_goods(quantity, value_fen)
    received_on = received_on or today()
    if expires_on is not None and expires_on <= received_on:
        raise ApplicationError("已过期的物资不能入库")
    if pledge is not None:
        if pledge.partner_id != partner.pk:
            raise ApplicationError("认捐单位与捐赠单位不一致")
        if not Pledge.objects.filter(pk=pledge.pk, status=PledgeStatus.PLEDGED).update(
            status=PledgeStatus.RECEIVED, updated_at=timezone.now()
        ):
            raise InvalidTransition("该认捐已入库或已取消")
    lot = StockLot.objects.create(
        store=store,
        partner=partner,
        pledge=pledge,
        item=_text(item, 120, "物资名称"),
        unit=_text(unit, 10, "单位"),
        quantity_received=int(quantity),
        quantity_left=int(quantity),
        value_fen=int(value_fen),
        expires_on=expires_on,
        received_on=received_on,
        created_by=_by(actor),
    )
    return _goods_event(actor, "resources.stock.receive", lot, lot.quantity_received)


@transaction.atomic
def stock_dispatch(
    *,
    actor: Any,
    item: StockLot,
    quantity: int,
    household: Household | None = None,
    measure_id: int | None = None,
    wish_ref: str = "",
) -> Dispatch:
    """Goods leave a store for exactly one of: a household, a care measure (by id) or a
    micro-wish (the volunteers app's reference). The quantity is taken with a conditional
    UPDATE (``quantity_left >= quantity``), so two dispatches never take the same goods; expired
    goods are refused. The household and the measure must be visible to the actor."""
    targets = [household is not None, measure_id is not None, bool(wish_ref)]
    if sum(targets) != 1:
        raise ApplicationError("请指定一个去向：受助住户、帮扶措施或微心愿")
    _require(_goods_staff(actor, item.area_code), "您不能从该仓库出库")
    quantity = int(quantity)
    if quantity <= 0:
        raise ApplicationError("出库数量须为正数")
    if item.expires_on is not None and item.expires_on < today():
        raise InvalidTransition("该批物资已过期，不能出库")
    if household is not None:
        try:
            registry_selectors.household_get_for_user(user=actor, pk=household.pk)
        except Http404 as exc:
            raise AccessDenied("您不能向该住户发放物资") from exc
    if measure_id is not None:
        from lianxin.care import selectors as care_selectors

        try:
            care_selectors.measure_get_for_user(user=actor, pk=int(measure_id))
        except Http404 as exc:
            raise ApplicationError("未找到该帮扶措施") from exc
    taken = StockLot.objects.filter(pk=item.pk, quantity_left__gte=quantity).update(
        quantity_left=F("quantity_left") - quantity, updated_at=timezone.now()
    )
    if taken != 1:
        raise Conflict("库存不足")
    item.refresh_from_db(fields=["quantity_left"])
    dispatch = Dispatch.objects.create(
        lot=item,
        quantity=quantity,
        value_fen=item.unit_value_fen * quantity,
        household=household,
        measure_id=measure_id,
        wish_ref=(wish_ref or "").strip()[:40],
        dispatched_at=timezone.now(),
        dispatched_by=actor,
    )
    changes: dict[str, Any] = {"lot": item.pk, "quantity": quantity}
    changes["household"] = household.pk if household else None
    changes.update(measure=measure_id, wish=dispatch.wish_ref)
    what = f"{item.item}×{quantity}"
    audit.record(
        actor=actor,
        action="resources.stock.dispatch",
        target=dispatch,
        target_repr=what,
        changes=changes,
    )
    return dispatch


# --- shared medicine boxes ---------------------------------------------------------------------


def _box_keeper(actor: Any, box: MedicineBox) -> bool:
    return box.custodian_id == getattr(actor, "pk", None) or covers(
        actor, box.area_code, AREA_STAFF_ROLES
    )


@transaction.atomic
def box_create(*, actor: Any, location: Location, custodian: Any, code: str = "") -> MedicineBox:
    _require(covers(actor, location.area_code, AREA_STAFF_ROLES), "您不能在该网点设置药箱")
    if location.kind not in (
        LocationKind.PARTY_STATION,
        LocationKind.PROPERTY_POINT,
        LocationKind.BUILDING,
        LocationKind.HEALTH_STATION,
    ):
        raise ApplicationError("共享药箱设在党群服务站、物业服务点、楼栋或卫生服务站")
    code = code.strip() or f"YX{location.area_code}{MedicineBox.objects.count() + 1:05d}"
    if MedicineBox.objects.filter(code=code).exists():
        raise Conflict(f"药箱编号“{code}”已存在")
    box = MedicineBox.objects.create(
        code=code, location=location, custodian=custodian, created_by=_by(actor)
    )
    return audited(
        box,
        actor=actor,
        action="resources.box.create",
        changes={"location": location.name, "custodian": getattr(custodian, "username", "")},
    )


def _movement(actor: Any, item: BoxItem, kind: str, quantity: int, box: MedicineBox) -> None:
    BoxMovement.objects.create(
        box=box,
        item=item,
        medicine_id=item.medicine_id,
        kind=kind,
        quantity=quantity,
        occurred_at=timezone.now(),
        recorded_by=actor,
    )


@transaction.atomic
def box_leave(
    *,
    actor: Any,
    box: MedicineBox,
    medicine: OtcMedicine,
    quantity: int,
    expires_on: dt.date,
    source: str,
) -> BoxItem:
    """The custodian records medicine left in the box: only medicine of the region's OTC list,
    not expired, with where it came from."""
    _require(_box_keeper(actor, box), "只有药箱管理员可以登记")
    if not medicine.is_active:
        raise ApplicationError(f"“{medicine.name}”不在非处方药目录内，不能放入共享药箱")
    if int(quantity) <= 0:
        raise ApplicationError("数量须为正数")
    if expires_on <= today():
        raise ApplicationError("已过期的药品不能放入共享药箱")
    item = BoxItem.objects.create(
        box=box,
        medicine=medicine,
        source=_text(source, 60, "来源"),
        quantity=int(quantity),
        expires_on=expires_on,
        added_on=today(),
    )
    _movement(actor, item, MovementKind.LEAVE, item.quantity, box)
    audit.record(
        actor=actor,
        action="resources.box.leave",
        target=box,
        changes={"medicine": medicine.name, "quantity": item.quantity, "expires_on": expires_on},
    )
    return item


def _take(item: BoxItem, quantity: int) -> None:
    if int(quantity) <= 0:
        raise ApplicationError("数量须为正数")
    if not BoxItem.objects.filter(pk=item.pk, quantity__gte=quantity).update(
        quantity=F("quantity") - quantity
    ):
        raise Conflict("药箱内数量不足")
    item.refresh_from_db(fields=["quantity"])


@transaction.atomic
def box_take(*, actor: Any, item: BoxItem, quantity: int) -> BoxItem:
    """A resident takes medicine (recorded by the custodian); expired medicine is not given."""
    _require(_box_keeper(actor, item.box), "只有药箱管理员可以登记")
    if item.expires_on < today():
        raise InvalidTransition("该药品已过期，请登记销毁")
    _take(item, int(quantity))
    _movement(actor, item, MovementKind.TAKE, int(quantity), item.box)
    audit.record(
        actor=actor,
        action="resources.box.take",
        target=item.box,
        changes={"medicine": item.medicine.name, "quantity": int(quantity)},
    )
    return item


@transaction.atomic
def box_move(*, actor: Any, item: BoxItem, to_box: MedicineBox, quantity: int) -> BoxItem:
    """Move medicine to another box (where it is taken more often) before it expires."""
    _require(
        _box_keeper(actor, item.box) and _box_keeper(actor, to_box), "您不能在这两个药箱之间调剂"
    )
    if to_box.pk == item.box_id:
        raise ApplicationError("请选择另一个药箱")
    if item.expires_on < today():
        raise InvalidTransition("该药品已过期，不能调剂")
    _take(item, int(quantity))
    _movement(actor, item, MovementKind.MOVE_OUT, int(quantity), item.box)
    moved = BoxItem.objects.create(
        box=to_box,
        medicine_id=item.medicine_id,
        source=item.source,
        quantity=int(quantity),
        expires_on=item.expires_on,
        added_on=today(),
    )
    _movement(actor, moved, MovementKind.MOVE_IN, int(quantity), to_box)
    audit.record(
        actor=actor,
        action="resources.box.move",
        target=item.box,
        changes={"medicine": item.medicine.name, "quantity": int(quantity), "to": to_box.code},
    )
    return moved


@transaction.atomic
def box_discard(*, actor: Any, item: BoxItem) -> BoxItem:
    """Expired (or about to expire) medicine is taken out and destroyed."""
    _require(_box_keeper(actor, item.box), "只有药箱管理员可以登记")
    quantity = item.quantity
    if quantity <= 0:
        raise InvalidTransition("该批药品已取完")
    _take(item, quantity)
    _movement(actor, item, MovementKind.DISCARD, quantity, item.box)
    audit.record(
        actor=actor,
        action="resources.box.discard",
        target=item.box,
        changes={"medicine": item.medicine.name, "quantity": quantity},
    )
    return item


def life_circle_radius_m() -> int:
    return int(getattr(settings, "RESOURCES_LIFE_CIRCLE_METRES", 1200))
