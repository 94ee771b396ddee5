"""The care section of the household page (core.householdsections): the household's cases with
their stage, the open case's measures and visits, and the buttons that start a visit, a
discovery or a referral."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from lianxin.core.householdsections import Row, Section
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of

from .models import CareCase, FollowUp, Grade, Measure, MeasureStatus, Stage

GRADE_BADGE: dict[str, str] = {Grade.RED: "red", Grade.YELLOW: "yellow", Grade.BLUE: "blue"}
VISIT_STAGES = (Stage.PLANNED, Stage.TRACKING, Stage.CONTINUED)
DISCOVER_ROLES = (
    Role.GRID_WORKER,
    Role.COMMUNITY_STAFF,
    Role.TOWNSHIP_STAFF,
    Role.COUNTY_STAFF,
)


def _may_discover(user: Any, household: Any) -> bool:
    scope = scope_of(user)
    if household.grid_id is not None and household.grid_id in scope.grid_ids():
        return True
    prefixes = scope.area_prefixes([r for r in DISCOVER_ROLES if r != Role.GRID_WORKER])
    return any(household.area_code.startswith(p) for p in prefixes)


def care_sections(user: Any, household: Any) -> list[Section]:
    cases = list(
        CareCase.objects.for_user(user)
        .filter(household=household)
        .select_related("grid")
        .order_by("-pk")[:10]
    )
    open_case = next((c for c in cases if c.is_open), None)
    case_rows = [
        Row(
            label=f"{c.number} · {c.get_stage_display()}",
            url=reverse("care:case_detail", args=[c.pk]),
            detail=f"{c.get_source_display()} · {timezone.localtime(c.created_at):%Y-%m-%d}",
            badge=c.get_grade_display().split("（")[0] if c.grade else "",
            badge_class=GRADE_BADGE.get(c.grade, ""),
        )
        for c in cases
    ]
    actions: list[tuple[str, str]] = []
    if _may_discover(user, household) and household.is_active:
        discover = reverse("care:discover")
        if open_case is None:
            actions.append(("入户走访", f"{discover}?{urlencode({'household': household.number})}"))
            actions.append(
                (
                    "登记发现",
                    f"{discover}?{urlencode({'household': household.number, 'source': 'grid_visit'})}",
                )
            )
            actions.append(
                (
                    "转介关爱帮扶",
                    f"{discover}?{urlencode({'household': household.number, 'source': 'proxy_application'})}",
                )
            )
        elif open_case.stage == Stage.DISCOVERED:
            actions.append(("入户调查", reverse("care:investigate", args=[open_case.pk])))
        elif open_case.stage in VISIT_STAGES:
            actions.append(
                ("记录走访", reverse("care:case_detail", args=[open_case.pk]) + "#followup")
            )
    sections = [
        Section(
            title="关爱帮扶案件",
            rows=case_rows,
            actions=actions,
            empty="暂无关爱帮扶案件",
            key="care-cases",
            order=30,
        )
    ]
    if open_case is not None:
        today = timezone.localdate()
        measures = Measure.objects.filter(case=open_case).select_related("responsible_unit")
        sections.append(
            Section(
                title="帮扶措施",
                rows=[
                    Row(
                        label=f"{m.get_action_display()}：{m.title}",
                        url=reverse("care:case_detail", args=[open_case.pk]) + f"#measure-{m.pk}",
                        detail=f"{m.responsible_unit.name} · 时限 {m.deadline:%Y-%m-%d}",
                        badge="超期" if m.is_overdue(today) else m.get_status_display(),
                        badge_class="red"
                        if m.is_overdue(today)
                        else ("green" if m.status == MeasureStatus.IMPLEMENTED else ""),
                    )
                    for m in measures.order_by("pk")[:30]
                ],
                empty="尚无措施",
                key="care-measures",
                order=31,
            )
        )
        visits = FollowUp.objects.filter(case=open_case).select_related("visitor")[:10]
        sections.append(
            Section(
                title="走访记录",
                rows=[
                    Row(
                        label=f"{v.visited_on:%Y-%m-%d} {v.visitor or ''}",
                        url=reverse("care:case_detail", args=[open_case.pk]) + "#followups",
                        detail=v.notes[:80],
                    )
                    for v in visits
                ],
                empty="尚无走访记录",
                key="care-visits",
                order=32,
            )
        )
    return sections
