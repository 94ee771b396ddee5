"""Learning from history: the training set of ``lianxin train_router`` (duty list first,
then corrections, then the units that finally handled orders, then the seed data), the memory
of corrected requests, place names learned from dispatched orders, and the managers' routing
accuracy (proposal vs the unit that finally handled the order, week by week)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from lianxin.directory.models import Organisation
from lianxin.directory.selectors import unit_as_contract

from . import dutylist
from .models import (
    CorrectionSource,
    PlaceKind,
    PlaceName,
    RoutingCorrection,
    Status,
    WorkOrder,
)
from .routing import DEPT_NAMES
from .routing.router import memory_key

#: How often each kind of evidence is repeated in the training set ("weighted first").
DUTY_WEIGHT = 5
CORRECTION_WEIGHT = 3
#: States in which the lead unit is the one that handled the order.
HANDLED_STATES = (Status.ACCEPTED, Status.HANDLING, Status.REPLIED, Status.CALLBACK, Status.CLOSED)


@dataclass
class TrainingSet:
    samples: list[tuple[str, str]]
    counts: Counter[str]
    memory: dict[str, dict[str, Any]]


def training_set(*, limit: int = 200_000) -> TrainingSet:
    """(text, dept_type) samples, the duty list first and weighted, and the memory of
    corrected requests (the latest choice for each request text wins)."""
    counts: Counter[str] = Counter()
    samples: list[tuple[str, str]] = []
    duties = dutylist.compiled()
    for text, dept_type in duties.training_samples():
        samples.extend([(text, dept_type)] * DUTY_WEIGHT)
        counts["duty"] += 1
    memory: dict[str, dict[str, Any]] = {}
    corrections = (
        RoutingCorrection.objects.select_related("chosen_unit")
        .order_by("created_at", "pk")
        .iterator(chunk_size=2000)
    )
    for c in corrections:
        chosen = c.chosen_unit.dept_type if c.chosen_unit and c.chosen_unit.dept_type else None
        dept_type = chosen or c.chosen_dept_type
        if not dept_type:
            continue
        samples.extend([(c.text, dept_type)] * CORRECTION_WEIGHT)
        counts["corrections"] += 1
        key = memory_key(c.text)
        if not key:
            continue
        previous = memory.get(key, {})
        memory[key] = {
            "dept_type": dept_type,
            "unit": unit_as_contract(c.chosen_unit) if c.chosen_unit else None,
            "count": previous.get("count", 0) + 1,
        }
    handled = (
        WorkOrder.objects.filter(status__in=HANDLED_STATES)
        .exclude(lead_unit=None)
        .order_by("-received_at")
        .values_list("text", "lead_unit__dept_type")[:limit]
    )
    for text, dept_type in handled.iterator(chunk_size=5000):
        if dept_type:
            samples.append((text, dept_type))
            counts["orders"] += 1
    return TrainingSet(samples, counts, memory)


# --- places learned from dispatched orders -------------------------------------------------

_TAIL_RE = re.compile(r"(\d+|[一二三四五六七八九十]+)(号楼|栋|幢|单元|号|期|区|排|巷).*$")
_PLACE_SUFFIX_RE = re.compile(
    r"(小区|花园|苑|家园|新村|公寓|广场|市场|大厦|商城|学校|小学|中学|大学|学院|医院|"
    r"中心|园区|湾|府|里|城|村|路|街|巷|桥)$"
)


def place_name_of(place: str, gazetteer: Any) -> str:
    """The name a place field adds to what the gazetteer knows ("兴庆区丽景花园3号楼" →
    "丽景花园"), or "" when nothing new can be told apart."""
    text = "".join((place or "").split())
    for m in sorted(gazetteer.mentions(text), key=lambda m: -m.start):
        if m.start == 0 or text[: m.start].endswith(("区", "县", "市", "镇", "乡", "街道")):
            text = text[: m.start] + text[m.start + len(m.text) :]
    for m in gazetteer.mentions(text):
        if m.start == 0:
            text = text[len(m.text) :]
    text = _TAIL_RE.sub("", text).strip("的、，,。 ")
    if not 3 <= len(text) <= 20 or not _PLACE_SUFFIX_RE.search(text):
        return ""
    if not re.fullmatch(r"[\u4e00-\u9fff0-9A-Za-z]+", text):
        return ""
    return text


@transaction.atomic
def learn_places(*, since: dt.datetime | None = None) -> int:
    """Learn place names from orders a unit accepted: the unit's area (or the order's area
    inside it) tells where the place is. Returns the names added or seen again."""
    from .routing.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    qs = (
        WorkOrder.objects.filter(status__in=HANDLED_STATES)
        .exclude(lead_unit=None)
        .exclude(place="")
        .values_list(
            "place", "area_code", "lead_unit__area_code", "lead_unit__level", "received_at"
        )
    )
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    seen: dict[tuple[str, str], tuple[int, dt.datetime]] = {}
    for place, area_code, unit_area, unit_level, at in qs.iterator(chunk_size=5000):
        name = place_name_of(place, gaz)
        if not name or unit_level == "province":
            continue
        code = area_code if area_code.startswith(unit_area) else unit_area
        if len(code) > 9:
            code = code[:9]
        n, last = seen.get((name, code), (0, at))
        seen[(name, code)] = (n + 1, max(last, at))
    touched = 0
    for (name, code), (n, last) in seen.items():
        obj, created = PlaceName.objects.get_or_create(
            name=name,
            division_code=code,
            defaults={"kind": PlaceKind.LEARNED, "orders": n, "last_seen_at": last},
        )
        if not created:
            PlaceName.objects.filter(pk=obj.pk).update(
                orders=n, last_seen_at=last, updated_at=timezone.now()
            )
        touched += 1
    return touched


# --- accuracy for managers -----------------------------------------------------------------


@dataclass
class WeekAccuracy:
    week: dt.date
    orders: int
    type_right: int
    unit_right: int

    @property
    def type_rate(self) -> float | None:
        return self.type_right / self.orders if self.orders else None

    @property
    def unit_rate(self) -> float | None:
        return self.unit_right / self.orders if self.orders else None


def accuracy_by_week(*, user: Any, weeks: int = 12) -> list[WeekAccuracy]:
    """Orders of the user's scope taken in the last ``weeks`` weeks that a unit handled:
    how often the proposal's type and unit were the handling unit's."""
    since = timezone.now() - dt.timedelta(weeks=weeks)
    rows = (
        WorkOrder.objects.for_user(user)
        .filter(received_at__gte=since, status__in=HANDLED_STATES)
        .exclude(lead_unit=None)
        .exclude(routing_record=None)
        .annotate(week=TruncWeek("received_at"))
        .values("week")
        .annotate(
            n=Count("id"),
            type_right=Count(
                "id", filter=Q(routing_record__proposed_dept_type=F("lead_unit__dept_type"))
            ),
            unit_right=Count("id", filter=Q(routing_record__proposed_unit=F("lead_unit"))),
        )
        .order_by("week")
    )
    out = []
    for r in rows:
        week = r["week"]
        if isinstance(week, dt.datetime):
            week = timezone.localtime(week).date() if timezone.is_aware(week) else week.date()
        out.append(WeekAccuracy(week, r["n"], r["type_right"], r["unit_right"]))
    return out


@dataclass
class Confusion:
    proposed: str
    chosen: str
    returns: int
    overrides: int

    @property
    def proposed_label(self) -> str:
        return DEPT_NAMES.get(self.proposed, self.proposed)

    @property
    def chosen_label(self) -> str:
        return DEPT_NAMES.get(self.chosen, self.chosen)


def costliest_confusions(*, user: Any, limit: int = 15) -> list[Confusion]:
    """Type pairs (proposed or returning unit's → finally chosen) ordered by the returns they
    cost, then by the agents' overrides at intake."""
    orders = WorkOrder.objects.for_user(user).values("pk")
    rows = (
        RoutingCorrection.objects.filter(order__in=orders)
        .values("proposed_dept_type", "chosen_dept_type")
        .annotate(
            returns=Count("id", filter=Q(source=CorrectionSource.RETURN)),
            overrides=Count("id", filter=Q(source=CorrectionSource.INTAKE)),
        )
        .order_by("-returns", "-overrides")[:limit]
    )
    return [
        Confusion(r["proposed_dept_type"], r["chosen_dept_type"], r["returns"], r["overrides"])
        for r in rows
    ]


def recent_corrections(*, user: Any, limit: int = 20) -> Iterator[RoutingCorrection]:
    orders = WorkOrder.objects.for_user(user).values("pk")
    return iter(
        RoutingCorrection.objects.filter(order__in=orders)
        .select_related("chosen_unit", "order")
        .order_by("-created_at")[:limit]
    )


def unit_search(*, q: str, limit: int = 20) -> list[Organisation]:
    """Handling units whose name, type or area matches every word of ``q``."""
    from lianxin.areas.models import Division
    from lianxin.directory.models import DeptType

    words = [w for w in (q or "").replace("，", " ").split() if w][:4]
    if not words:
        return []
    qs = Organisation.objects.filter(is_handling_unit=True, is_active=True).select_related("area")
    for word in words:
        types = [v for v, label in DeptType.choices if word in label] + [
            k for k, label in DEPT_NAMES.items() if word in label
        ]
        areas = list(
            Division.objects.filter(level__in=["province", "city", "county", "township"])
            .filter(Q(name__contains=word) | Q(short_name__contains=word))
            .values_list("code", flat=True)[:30]
        )
        cond = Q(name__contains=word) | Q(dept_type__in=types)
        for code in areas:
            cond |= Q(area_code__startswith=code)
        qs = qs.filter(cond)
    return list(qs.order_by("area_code", "name")[:limit])


# --- demo ----------------------------------------------------------------------------------


def demo_routing(ctx: Any) -> None:
    """Demo: the duty list loaded, the demo agents made its administrators, and for every
    dispatched demo order the proposal it was first dispatched on (returned orders: the unit
    that returned it), with the return/re-dispatch pairs as corrections. Idempotent."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from lianxin.accounts.models import Assignment
    from lianxin.core.roles import Role

    from .models import AssignmentRole, RoutingRecord, WorkOrderAssignment

    added = dutylist.duty_list_seed()
    perm = Permission.objects.filter(
        codename="manage_dutylist", content_type__app_label="hotline"
    ).first()
    if perm is not None:
        user_ids = Assignment.objects.filter(role=Role.HOTLINE_AGENT).values_list(
            "user_id", flat=True
        )
        for user in get_user_model().objects.filter(pk__in=list(user_ids)):
            user.user_permissions.add(perm)
    first_leads: dict[int, WorkOrderAssignment] = {}
    for a in (
        WorkOrderAssignment.objects.filter(role=AssignmentRole.LEAD)
        .exclude(order__routing_record__isnull=False)
        .select_related("organisation", "order")
        .order_by("created_at", "pk")
    ):
        first_leads.setdefault(a.order_id, a)
    records = []
    pairs: list[tuple[WorkOrder, WorkOrderAssignment, int]] = []
    for order_id, a in first_leads.items():
        order = a.order
        records.append(
            RoutingRecord(
                order_id=order_id,
                proposed_dept_type=a.organisation.dept_type,
                proposed_unit=a.organisation,
                proposed_unit_code=a.organisation.code,
                channel=order.channel,
                at=order.received_at,
            )
        )
        lead_id = order.lead_unit_id
        if a.returned_at and lead_id is not None and lead_id != a.organisation_id:
            pairs.append((order, a, lead_id))
    RoutingRecord.objects.bulk_create(records, ignore_conflicts=True)
    units = {u.pk: u for u in Organisation.objects.filter(pk__in=[lead for _, _, lead in pairs])}
    RoutingCorrection.objects.bulk_create(
        [
            RoutingCorrection(
                order=order,
                text=order.text,
                proposed_dept_type=a.organisation.dept_type,
                proposed_unit_code=a.organisation.code,
                chosen_dept_type=units[lead].dept_type,
                chosen_unit=units[lead],
                source=CorrectionSource.RETURN,
                channel=order.channel,
                return_reason=a.return_reason,
                created_at=a.returned_at or order.received_at,
            )
            for order, a, lead in pairs
        ]
    )
    ctx.say(
        f"派单学习：职责清单新增 {added} 条，派单建议记录 {len(records)} 条，退单改派 {len(pairs)} 对"
    )
