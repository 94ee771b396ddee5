"""Reads of the hotline: the directory-backed unit resolver for routing, queues, duplicates,
the three rates and the on-time rate, and the weekly “回音” digest."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils import timezone

from lianxin.areas.models import Division
from lianxin.core.querysets import filter_given
from lianxin.core.roles import Role
from lianxin.core.scoping import get_for_user_or_404, scope_of
from lianxin.directory.models import Organisation
from lianxin.directory.selectors import CONTRACT_LEVEL, handling_unit_for, unit_as_contract

from .models import (
    HOTLINE_STATES,
    OPEN_STATES,
    Satisfaction,
    Status,
    WorkOrder,
    WorkOrderEvent,
)

# --- routing -------------------------------------------------------------------------------


class DirectoryUnitResolver:
    """``routing.UnitResolver`` over the directory: the handling unit of the type nearest to the
    area, walking up to the region (only region-level units for regional matters)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str | None, str], Organisation | None] = {}

    def unit(
        self, dept_type: str, area_code: str | None, level_hint: str = ""
    ) -> Organisation | None:
        key = (dept_type, area_code, level_hint)
        if key not in self._cache:
            self._cache[key] = handling_unit_for(
                dept_type=dept_type,
                area_code=area_code or "64",
                min_level="region" if level_hint == "region" else "township",
            )
        return self._cache[key]

    def resolve(
        self, dept_type: str, area_code: str | None, level_hint: str
    ) -> dict[str, Any] | None:
        return unit_as_contract(self.unit(dept_type, area_code, level_hint))

    def by_code(self, code: str) -> dict[str, Any] | None:
        unit = Organisation.objects.filter(code=code, is_handling_unit=True, is_active=True).first()
        return unit_as_contract(unit)


def router_model_path() -> Path:
    """The trained model's file: the one setting ``HOTLINE_ROUTER_MODEL``."""
    return Path(
        getattr(settings, "HOTLINE_ROUTER_MODEL", Path(settings.VAR_DIR) / "hotline_router.joblib")
    )


_router_cache: dict[str, Any] = {}
#: How often a process looks whether the model file, the duty list or the learned places
#: changed (writes in this process reset the cache at once).
ROUTER_CHECK_SECONDS = 5.0
UNITS_CHECK_SECONDS = 60.0


def _places_version() -> tuple[int, Any]:
    from .routing_models import PlaceName

    agg = PlaceName.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    return agg["n"] or 0, agg["m"]


def _gazetteer(places_key: tuple[int, Any]) -> Any:
    from .routing.gazetteer import default_gazetteer, extended_gazetteer
    from .routing_models import PlaceName

    if places_key[0] == 0:
        return default_gazetteer()
    learned = PlaceName.objects.values_list("division_code", "name", "kind")
    return extended_gazetteer(list(learned))


def _router() -> Any:
    """The router, rebuilt when the model file, the duty list or the learned places change
    (looked at every few seconds, not on every request)."""
    from . import dutylist
    from .routing import Router, default_model

    now = time.monotonic()
    cached = _router_cache.get("router")
    if cached is not None and now - cached[2] < ROUTER_CHECK_SECONDS:
        return cached[1]
    path = router_model_path()
    mtime = path.stat().st_mtime if path.exists() else 0.0
    duties = dutylist.compiled()
    places_key = _places_version()
    key = (str(path), mtime, duties.version, places_key)
    if cached is None or cached[0] != key:
        model = default_model(path if path.exists() else None)
        router = Router(model=model, duties=duties, gazetteer=_gazetteer(places_key))
    else:
        router = cached[1]
    _router_cache["router"] = (key, router, now)
    return router


def _unit_resolver() -> Any:
    """The directory's active handling units held in memory (refreshed every minute): routing
    a request asks for several units and must not query for each."""
    from .routing import InMemoryUnitResolver

    now = time.monotonic()
    cached = _router_cache.get("units")
    if cached is not None and now - cached[1] < UNITS_CHECK_SECONDS:
        return cached[0]
    units = [
        {
            "name": name,
            "code": code,
            "area_code": area_code,
            "level": CONTRACT_LEVEL.get(level, level),
            "dept_type": dept_type,
        }
        for name, code, area_code, level, dept_type in Organisation.objects.filter(
            is_handling_unit=True, is_active=True
        )
        .exclude(dept_type="")
        .order_by("pk")
        .values_list("name", "code", "area_code", "level", "dept_type")
    ]
    resolver = InMemoryUnitResolver(units)
    _router_cache["units"] = (resolver, now)
    return resolver


def reset_router() -> None:
    """Forget the cached router and units (after ``lianxin train_router`` saved a new model,
    or the duty list or the directory changed)."""
    _router_cache.clear()
    from .routing import classifier

    classifier._load_cached.cache_clear()


def route_request(*, text: str, location: str | None = None, area_code: str | None = None) -> Any:
    """The routing proposal (``RouteProposal``; ``as_dict()`` is the contract's JSON plus the
    deciding duty-list entry and the place) with units from the directory. ``area_code``: a
    place the agent chose. Raises ValueError for empty text."""
    return _router().route(text, location, _unit_resolver(), area_code=area_code)


def agent_area(user: Any) -> str | None:
    """The area of the agent's hotline (a city code, "64" for the regional hotline): the
    router's context when the text names no place."""
    areas = scope_of(user).area_prefixes([Role.HOTLINE_AGENT])
    return areas[0] if areas else None


# --- orders --------------------------------------------------------------------------------


def workorder_get_for_user(*, user: Any, pk: int) -> WorkOrder:
    return get_for_user_or_404(
        WorkOrder.objects.select_related("hotline", "lead_unit", "merged_into"), user, pk=pk
    )


def workorder_list(
    *, user: Any, status: str = "", dept_type: str = "", search: str = "", area_code: str = ""
) -> QuerySet[WorkOrder]:
    qs = WorkOrder.objects.for_user(user)
    if status == "open":
        qs = qs.open()
    elif status:
        qs = qs.filter(status=status)
    qs = filter_given(qs, dept_type=dept_type, area_code__startswith=area_code)
    if search:
        term = search.strip()
        qs = qs.filter(Q(tracking_code=term.upper()) | Q(text__contains=term))
    return qs.select_related("lead_unit", "hotline").order_by("-received_at")


def unit_queue(*, user: Any, status: str = "") -> QuerySet[WorkOrder]:
    """The orders waiting for the user's unit(s), nearest deadline first."""
    units = sorted(scope_of(user).organisation_ids([Role.UNIT_STAFF]))
    qs = WorkOrder.objects.for_unit(units)
    qs = (
        qs.filter(status=status)
        if status
        else qs.filter(status__in=[Status.DISPATCHED, Status.ACCEPTED, Status.HANDLING])
    )
    return qs.select_related("lead_unit").order_by(F("due_at").asc(nulls_last=True), "pk")


def agent_queue(*, user: Any, status: str = "") -> QuerySet[WorkOrder]:
    """The hotline's desk: new, returned and reopened orders to dispatch."""
    qs = WorkOrder.objects.for_user(user)
    qs = qs.filter(status=status) if status else qs.filter(status__in=sorted(HOTLINE_STATES))
    # Ordered by an expression on purpose: the desk's few thousand rows come from the small
    # partial "desk" indexes and are sorted, rather than walking the deadline index of every
    # open order (which the planner otherwise prefers, and which is 10x slower at 1M orders).
    return qs.select_related("lead_unit").order_by(Coalesce("due_at", "received_at"), "pk")


def callback_queue(*, user: Any) -> QuerySet[WorkOrder]:
    return (
        WorkOrder.objects.for_user(user)
        .filter(status=Status.REPLIED)
        .select_related("lead_unit")
        .order_by("replied_at", "pk")
    )


def supervision_list(*, user: Any, which: str = "overdue") -> QuerySet[WorkOrder]:
    qs = WorkOrder.objects.for_user(user)
    qs = qs.near_due() if which == "near_due" else qs.overdue()
    return qs.select_related("lead_unit").order_by("due_at", "pk")


def timeline(order: WorkOrder) -> QuerySet[WorkOrderEvent]:
    return order.events.select_related("organisation").order_by("at", "pk")


def person_visible(*, user: Any, order: WorkOrder) -> bool:
    """May the user see the registry person linked to the caller? Only within her own scope."""
    if order.person_id is None:
        return False
    from lianxin.registry.models import Person

    return Person.objects.for_user(user).filter(pk=order.person_id).exists()


# --- the caller (scoped: nothing outside the user's scope, not even a count) ---------------

CALLER_HISTORY_LIMIT = 5


def _phone_hash(phone_number: str) -> str:
    from lianxin.core import idnumber, phone

    try:
        return idnumber.search_hash(phone.normalise(phone_number))
    except phone.PhoneError:
        return ""


def caller_history(*, user: Any, phone_number: str) -> list[WorkOrder]:
    """The caller's recent orders that the user may see (the same query as the order list:
    ``for_user``). Orders of the same number elsewhere are neither listed nor counted, so the
    answer for a number known only to another area equals the answer for an unknown number."""
    digest = _phone_hash(phone_number) if phone_number else ""
    if not digest:
        return []
    return list(
        WorkOrder.objects.for_user(user)
        .filter(caller_phone_hash=digest)
        .only("pk", "tracking_code", "text", "status", "received_at")
        .order_by("-received_at", "-pk")[:CALLER_HISTORY_LIMIT]
    )


def caller_area_q(*, user: Any, area_code: str = "") -> Q:
    """Where callers are matched: a signed-in taker's hotline area (an agent's city). Anonymous
    channels (the citizens' web form, Open311) match nobody (#11, docs/SECURITY.md ORA-02):
    their phone number is unverified, so anyone could tie a request to a resident's household
    by typing that resident's number; the agent links the caller at the callback instead."""
    from lianxin.core.scoping import prefix_q

    if getattr(user, "pk", None):
        return prefix_q("area_code", scope_of(user).area_prefixes([Role.HOTLINE_AGENT]))
    return Q(pk__in=[])


def caller_person(*, user: Any, phone_number: str, area_code: str) -> Any:
    """The registry person with this phone number, looked for only in :func:`caller_area_q`:
    never a person of another area (issue #11, finding 7)."""
    from lianxin.registry.models import Person

    digest = _phone_hash(phone_number) if phone_number else ""
    if not digest:
        return None
    return (
        Person.objects.current()
        .filter(caller_area_q(user=user, area_code=area_code), phone_hash=digest)
        .order_by("pk")
        .first()
    )


def caller_is_resident(*, user: Any, phone_number: str) -> bool:
    """Is the caller a resident the user may see? (Outside the scope: no, like a stranger.)"""
    return caller_person(user=user, phone_number=phone_number, area_code="") is not None


# --- duplicates ----------------------------------------------------------------------------

DUPLICATE_WINDOW_DAYS = 14
DUPLICATE_THRESHOLD = 0.35
DUPLICATE_CANDIDATES = 200


def _ngrams(text: str, n: int = 2) -> set[str]:
    chars = [c for c in text if not c.isspace() and c not in "，。！？、；：,.!?;:（）()"]
    return {"".join(chars[i : i + n]) for i in range(max(len(chars) - n + 1, 1))}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams."""
    x, y = _ngrams(a), _ngrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def duplicate_candidates(
    *,
    user: Any,
    text: str,
    area_code: str,
    exclude_pk: int | None = None,
    now: dt.datetime | None = None,
    limit: int = 5,
) -> list[tuple[WorkOrder, float]]:
    """Open orders resembling ``text`` in the same county over the last two
    weeks, most similar first: the agent is offered to merge."""
    now = now or timezone.now()
    prefix = area_code[:6]
    qs = (
        WorkOrder.objects.for_user(user)
        .open()
        .filter(
            area_code__startswith=prefix,
            received_at__gte=now - dt.timedelta(days=DUPLICATE_WINDOW_DAYS),
        )
        .exclude(pk=exclude_pk)
        .only("pk", "tracking_code", "text", "status", "received_at", "area_code", "dept_type")
        .order_by("-received_at")[:DUPLICATE_CANDIDATES]
    )
    scored = [(o, similarity(text, o.text)) for o in qs]
    scored = [(o, round(s, 2)) for o, s in scored if s >= DUPLICATE_THRESHOLD]
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


# --- metrics -------------------------------------------------------------------------------

METRIC_DEFINITIONS = {
    "response_rate": (
        "响应率",
        "已签收的工单数 ÷ 已派发到承办单位的工单数（统计期内受理的工单，合并件除外）",
    ),
    "resolution_rate": (
        "解决率",
        "回访认定问题已解决的工单数 ÷ 已回访的工单数",
    ),
    "satisfaction_rate": (
        "满意率",
        "回访“满意”与“基本满意”的工单数 ÷ 已回访的工单数",
    ),
    "on_time_rate": (
        "按时办结率",
        "在答复时限内答复的工单数 ÷（已答复的工单数 + 尚未答复且已超期的工单数）",
    ),
}


@dataclass
class Rates:
    label: str
    total: int
    dispatched: int
    accepted: int
    called_back: int
    resolved: int
    satisfied: int
    replied: int
    replied_on_time: int
    overdue_open: int

    @staticmethod
    def _pct(num: int, den: int) -> float | None:
        return round(100 * num / den, 1) if den else None

    @property
    def response_rate(self) -> float | None:
        return self._pct(self.accepted, self.dispatched)

    @property
    def resolution_rate(self) -> float | None:
        return self._pct(self.resolved, self.called_back)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._pct(self.satisfied, self.called_back)

    @property
    def on_time_rate(self) -> float | None:
        return self._pct(self.replied_on_time, self.replied + self.overdue_open)

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "total": self.total,
            "response_rate": self.response_rate,
            "resolution_rate": self.resolution_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "on_time_rate": self.on_time_rate,
        }


def _rate_aggregates(now: dt.datetime) -> dict[str, Any]:
    open_states = sorted(OPEN_STATES)
    return {
        "total": Count("id"),
        "dispatched": Count("id", filter=Q(dispatched_at__isnull=False)),
        "accepted": Count(
            "id",
            filter=Q(dispatched_at__isnull=False, accepted_at__isnull=False)
            | Q(dispatched_at__isnull=False, replied_at__isnull=False),
        ),
        "called_back": Count("id", filter=~Q(satisfaction="")),
        "resolved": Count("id", filter=Q(resolved=True) & ~Q(satisfaction="")),
        "satisfied": Count(
            "id", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY])
        ),
        "replied": Count("id", filter=Q(replied_at__isnull=False)),
        "replied_on_time": Count("id", filter=Q(replied_at__isnull=False, replied_on_time=True)),
        "overdue_open": Count(
            "id", filter=Q(status__in=open_states, due_at__lt=now, replied_at__isnull=True)
        ),
    }


def rates(
    *,
    user: Any,
    start: dt.date,
    end: dt.date,
    by: str = "unit",
    now: dt.datetime | None = None,
    area_code: str = "",
) -> tuple[Rates, list[Rates]]:
    """The three rates and the on-time rate over orders received in [start, end], overall and
    grouped ``by`` unit, area (county) or period (month). Counted in the database."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    qs = (
        WorkOrder.objects.for_user(user)
        .exclude(status=Status.MERGED)
        .filter(
            received_at__gte=dt.datetime.combine(start, dt.time.min, tz),
            received_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz),
        )
    )
    if area_code:
        qs = qs.filter(area_code__startswith=area_code)
    aggregates = _rate_aggregates(now)
    overall = Rates(label="合计", **qs.aggregate(**aggregates))
    rows: list[dict[str, Any]]
    names: dict[Any, str]
    grouped: Any = qs  # annotated values() rows; django-stubs cannot follow the aggregates
    if by == "area":
        rows = list(
            grouped.annotate(key=Substr("area_code", 1, 6))
            .values("key")
            .annotate(**aggregates)
            .order_by("key")
        )
        names = dict(
            Division.objects.filter(code__in=[r["key"] for r in rows]).values_list("code", "name")
        )
        groups = [Rates(label=names.get(r.pop("key"), "—"), **r) for r in rows]
    elif by == "period":
        rows = list(
            grouped.annotate(key=TruncMonth("received_at"))
            .values("key")
            .annotate(**aggregates)
            .order_by("key")
        )
        groups = [Rates(label=f"{r.pop('key'):%Y年%m月}", **r) for r in rows]
    else:
        rows = list(
            grouped.exclude(lead_unit=None)
            .values("lead_unit")
            .annotate(**aggregates)
            .order_by("-total")[:100]
        )
        names = dict(
            Organisation.objects.filter(pk__in=[r["lead_unit"] for r in rows]).values_list(
                "pk", "name"
            )
        )
        groups = [Rates(label=names.get(r.pop("lead_unit"), "—"), **r) for r in rows]
    return overall, groups


# --- the weekly “回音” digest ----------------------------------------------------------------


def week_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


@dataclass
class DigestItem:
    tracking_code: str
    request: str
    hotline: str
    unit: str
    verified: str
    done: str
    closed_at: dt.datetime | None


#: Matters about a person's own situation are never printed in the newspaper.
DIGEST_PRIVATE_TYPES = frozenset(
    {
        "womens_federation",
        "disabled_federation",
        "civil_affairs",
        "public_security",
        "medical_insurance",
        "health",
    }
)


def digest(*, user: Any, week_of: dt.date, limit: int = 30) -> list[DigestItem]:
    """The “回音” column: orders closed in the week with a satisfied callback, in newspaper form
    (the request in one line; which hotline received it, which unit it went to, what was verified
    and what was done). No caller names or numbers; matters about a person's own situation
    (妇联、残联、民政、公安、医保、卫健) are left out."""
    start, end = week_bounds(week_of)
    tz = timezone.get_current_timezone()
    qs = (
        WorkOrder.objects.for_user(user)
        .filter(
            status=Status.CLOSED,
            closed_at__gte=dt.datetime.combine(start, dt.time.min, tz),
            closed_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tz),
            satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY],
        )
        .exclude(lead_unit=None)
        .exclude(dept_type__in=sorted(DIGEST_PRIVATE_TYPES))
        .select_related("hotline", "lead_unit")
        .order_by("closed_at", "pk")[:limit]
    )
    return [
        DigestItem(
            tracking_code=o.tracking_code,
            request=o.short_text(36),
            hotline=o.hotline.name,
            unit=o.lead_unit.name if o.lead_unit else "",
            verified=_one_line(o.verification) or "经核实，情况属实。",
            done=_one_line(o.reply_text),
            closed_at=o.closed_at,
        )
        for o in qs
    ]


def _one_line(text: str, length: int = 120) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= length else line[: length - 1] + "…"


def rate_counts_by_area(*, since: dt.datetime, now: dt.datetime | None = None) -> dict[str, dict]:
    """The counts behind the three rates and the on-time rate (``Rates``' fields) of the orders
    received since ``since`` (merged duplicates excluded), grouped by area code: one GROUP BY
    the leaders' dashboard keeps rolled up (analytics.aggregates, issue #20)."""
    rows = (
        WorkOrder.objects.filter(received_at__gte=since)
        .exclude(status=Status.MERGED)
        .order_by()
        .values("area_code")
        .annotate(**_rate_aggregates(now or timezone.now()))
    )
    return {r["area_code"]: {k: v for k, v in r.items() if k != "area_code"} for r in rows}
