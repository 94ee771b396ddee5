"""The problem ledger (未诉先办): recurring problems found in the orders, closed with
measures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import ExtractMonth, ExtractYear, Length
from django.utils import timezone

from lianxin.areas.models import Division
from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError, InvalidTransition
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import scope_of
from lianxin.core.servicekit import audited
from lianxin.directory.models import DeptType

from ..models import (
    LedgerStatus,
    ProblemLedgerItem,
    Season,
    Status,
    WorkOrder,
)
from ._common import (
    _user,
)

# --- problem ledger (未诉先办) ---------------------------------------------------------------

#: Seasons as the hotline sees them: winter is the heating season (November to February).
SEASON_OF_MONTH = {
    11: Season.WINTER,
    12: Season.WINTER,
    1: Season.WINTER,
    2: Season.WINTER,
    3: Season.SPRING,
    4: Season.SPRING,
    5: Season.SPRING,
    6: Season.SUMMER,
    7: Season.SUMMER,
    8: Season.SUMMER,
    9: Season.AUTUMN,
    10: Season.AUTUMN,
}


def hotspots_refresh(
    *, actor: Any = None, since: dt.datetime | None = None, min_orders: int = 5, min_years: int = 2
) -> int:
    """Find recurring problems (township or community × category × season with at least
    ``min_orders`` orders
    over at least ``min_years`` years, or twice that in one year) and add or update them in the
    problem ledger. Aggregated in the database; returns the number of items added."""
    since = since or timezone.now() - dt.timedelta(days=3 * 366)
    months: dict[int, list[int]] = {}
    for month, month_season in SEASON_OF_MONTH.items():
        months.setdefault(list(Season.values).index(month_season), []).append(month)
    added = 0
    for index, season in enumerate(Season.values):
        rows = (
            WorkOrder.objects.filter(received_at__gte=since)
            .exclude(status=Status.MERGED)
            .annotate(code_len=Length("area_code"))
            .filter(code_len__gte=9)  # a township, community or village: a place to act on
            .annotate(month=ExtractMonth("received_at"), year=ExtractYear("received_at"))
            .filter(month__in=months[index])
            .values("area_code", "dept_type")
            .annotate(
                n=Count("id"),
                years=Count("year", distinct=True),
                last=Max("received_at"),
                place=Max("place"),
            )
            .filter(Q(n__gte=min_orders, years__gte=min_years) | Q(n__gte=min_orders * 2))
            .order_by("-n")[:500]
        )
        for row in rows:
            item, created = ProblemLedgerItem.objects.get_or_create(
                area_code=row["area_code"],
                dept_type=row["dept_type"],
                season=season,
                defaults={
                    "title": _hotspot_title(
                        row["area_code"], row["dept_type"], season, row["place"]
                    ),
                    "order_count": row["n"],
                    "years": row["years"],
                    "last_seen_at": row["last"],
                    "created_by": _user(actor),
                },
            )
            if created:
                added += 1
                from ..selectors import DirectoryUnitResolver

                unit = DirectoryUnitResolver().unit(row["dept_type"], row["area_code"])
                if unit is not None:
                    ProblemLedgerItem.objects.filter(pk=item.pk).update(responsible_unit=unit)
                audit.record(actor=_user(actor), action="hotline.ledger.create", target=item)
            else:
                ProblemLedgerItem.objects.filter(pk=item.pk).update(
                    order_count=row["n"], years=row["years"], last_seen_at=row["last"]
                )
    return added


def _hotspot_title(area_code: str, dept_type: str, season: str, place: str = "") -> str:
    division = Division.objects.filter(code=area_code).first()
    name = division.name if division else area_code
    where = f"{place}（{name}）" if place and name not in place else (place or name)
    return f"{where}{Season(season).label}{DeptType(dept_type).label}类诉求反复出现"


@transaction.atomic
def ledger_item_close(*, actor: Any, item: ProblemLedgerItem, measures: str) -> ProblemLedgerItem:
    """Close (销号) one ledger item with the measures taken."""
    if len((measures or "").strip()) < 4:
        raise ApplicationError("销号须填写整改措施（至少4个字）")
    item = ProblemLedgerItem.objects.select_for_update().get(pk=item.pk)
    if item.status == LedgerStatus.CLOSED:
        raise InvalidTransition("该问题已销号")
    scope = scope_of(actor)
    if not (
        scope.has_role(Role.HOTLINE_AGENT, Role.LEADER, *AREA_STAFF_ROLES)
        or (item.responsible_unit_id in scope.organisation_ids([Role.UNIT_STAFF]))
    ):
        raise AccessDenied("无权销号")
    item.status = LedgerStatus.CLOSED
    item.measures = measures.strip()
    item.closed_at = timezone.now()
    item.updated_by = _user(actor)
    item.save()
    return audited(
        item, actor=actor, action="hotline.ledger.close", changes={"status": ["open", "closed"]}
    )
