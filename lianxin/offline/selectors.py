"""What the phone keeps for offline work: the grid worker's own grid, the minimum to recognise a
household and to fill the four forms. Names are masked as on the phone pages, addresses are
kept (the worker has to find the door), no ID or phone number is ever sent (not even masked)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from lianxin.care import selectors as care_selectors
from lianxin.care.household import VISIT_STAGES
from lianxin.care.models import CareCase, DiscoverySource, Heating, Housing, Stage
from lianxin.core.scoping import scope_of
from lianxin.monitoring import selectors as monitoring_selectors
from lianxin.monitoring.models import Alert
from lianxin.monitoring.pipeline import RULES
from lianxin.monitoring.services import mask_detail
from lianxin.registry.models import Household, Membership
from lianxin.registry.selectors import household_label, mask_name

from .models import Submission, SubmissionKind

RULE_TITLES = {r.code: r.title for r in RULES}
MAX_HOUSEHOLDS = 3000
#: the sources a grid worker reports from the field (the others come from other apps)
FIELD_SOURCES = (DiscoverySource.GRID_VISIT, DiscoverySource.PROXY_APPLICATION)


def pack_max_age_hours() -> int:
    return int(getattr(settings, "OFFLINE_PACK_MAX_AGE_HOURS", 12))


def may_work_offline(user: Any) -> bool:
    """Offline work is for grid workers: their grid is small and theirs alone."""
    return bool(scope_of(user).grid_ids())


def _households(user: Any) -> QuerySet[Household]:
    grids = scope_of(user).grid_ids()
    return (
        Household.objects.for_user(user)
        .filter(grid_id__in=grids, is_active=True)
        .select_related("head", "grid")
        .order_by("address", "number")[:MAX_HOUSEHOLDS]
    )


def _case_row(case: CareCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "stage": case.stage,
        "stage_label": Stage(case.stage).label,
        "can_visit": case.stage in VISIT_STAGES,
        "can_investigate": case.stage == Stage.DISCOVERED,
    }


def _alerts(user: Any, households: dict[int, Household]) -> list[dict[str, Any]]:
    grids = scope_of(user).grid_ids()
    alerts = list(
        monitoring_selectors.alert_list(user=user, status=Alert.Status.OPEN).filter(
            grid_id__in=grids
        )[:500]
    )
    homes = dict(
        Membership.objects.filter(
            ended_on__isnull=True,
            person_id__in=[a.person_id for a in alerts],
            household_id__in=list(households),
        ).values_list("person_id", "household_id")
    )
    rows = []
    for alert in alerts:
        name = alert.person.name
        household = households.get(homes.get(alert.person_id, 0))
        detail = mask_detail(alert.detail)
        if name:
            detail = detail.replace(name, mask_name(name))
        rows.append(
            {
                "id": alert.pk,
                "rule": RULE_TITLES.get(alert.rule, "比对预警"),
                "person": mask_name(name),
                "household": household.number if household else "",
                "detail": detail,
                "raised_on": f"{timezone.localtime(alert.created_at):%Y-%m-%d}",
            }
        )
    return rows


def offline_pack(*, user: Any) -> dict[str, Any]:
    """The grid's work for the phone: households (masked), open cases with what can be done
    offline, to-dos, open alerts, and the choices of the forms."""
    households = list(_households(user))
    by_pk = {h.pk: h for h in households}
    cases = {
        c.household_id: c
        for c in CareCase.objects.for_user(user)
        .open()
        .filter(household_id__in=list(by_pk))
        .order_by("pk")
    }
    todos = care_selectors.grid_worker_todos(user=user)
    todo_rows = [
        {"kind": kind, "label": label, "household": c.household.number, "case": c.number}
        for kind, label, qs in (
            ("investigate", "待入户调查", todos["to_investigate"]),
            ("visit", "待回访", todos["to_visit"]),
        )
        for c in qs[:200]
    ]
    return {
        "version": 1,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "max_age_hours": pack_max_age_hours(),
        "user": {"username": user.get_username(), "name": str(user)},
        "households": [
            {
                "number": h.number,
                "label": household_label(h),
                "grid": h.grid.name if h.grid else "",
                "case": _case_row(cases[h.pk]) if h.pk in cases else None,
            }
            for h in households
        ],
        "todos": todo_rows,
        "alerts": _alerts(user, by_pk),
        "choices": {
            "sources": [[s.value, s.label] for s in FIELD_SOURCES],
            "housing": [[c.value, c.label] for c in Housing],
            "heating": [[c.value, c.label] for c in Heating],
            "outcomes": [
                [o.value, o.label]
                for o in (Alert.Outcome.CARE_DISCOVERY, Alert.Outcome.ENTITLEMENT_CHANGE)
            ],
            "kinds": [[k.value, k.label] for k in SubmissionKind],
        },
    }


def recent_submissions(*, user: Any, limit: int = 20) -> QuerySet[Submission]:
    return Submission.objects.for_user(user).filter(user=user).order_by("-synced_at")[:limit]
