"""1. Discovery (对象发现): a grid worker or the area's staff opens a household's case. Referrals
from other apps (hotline work orders, data-comparison alerts) are in ``referrals``."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import Conflict
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.registry.models import Household

from ..models import (
    CareCase,
    Discovery,
    DiscoverySource,
    Stage,
)
from ._common import (
    _covers,
    _enqueue_refresh,
    _missing_or_raise,
    _require,
    _text,
)


def _new_number() -> str:
    return f"tmp-{uuid.uuid4().hex}"


def _open_case(*, actor: Any, household: Household, source: str) -> CareCase:
    case = CareCase(
        number=_new_number(),
        household=household,
        area_code=household.area_code,
        grid_id=household.grid_id,
        source=source,
        stage=Stage.DISCOVERED,
        stage_changed_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        existing = CareCase.objects.open().filter(household=household).first()
        raise Conflict(
            f"住户{household.number}已有未结案的关爱案件{existing.number if existing else ''}",
            extra={"case": existing.pk if existing else None},
        ) from exc
    case.number = f"GA{timezone.localdate():%Y}{case.pk:07d}"
    case.save(update_fields=["number"])
    return case


@transaction.atomic
def case_discover(
    *,
    actor: Any,
    household: Household,
    source: str,
    description: str,
    applicant_name: str = "",
    source_type: str = "",
    source_id: str = "",
) -> CareCase:
    """对象发现: opens the household's case with its first discovery report. The reporter must
    work the household's grid or area; a household has at most one open case; the source and a
    first description are required; a proxy application (申请代办) names the applicant."""
    Household.objects.select_for_update().filter(pk=household.pk).first()
    _require(
        (household.grid_id is not None and household.grid_id in scope_of(actor).grid_ids())
        or _covers(
            actor,
            household.area_code,
            (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF),
        ),
        "您不负责该住户所在网格或社区，不能登记发现",
    )
    missing = []
    if source not in DiscoverySource.values:
        missing.append("发现渠道")
    if not _text(description):
        missing.append("初步情况")
    if source == DiscoverySource.PROXY_APPLICATION and not _text(applicant_name):
        missing.append("申请人/代办人")
    _missing_or_raise("发现报告", missing)
    existing = CareCase.objects.open().filter(household=household).first()
    if existing is not None:
        raise Conflict(
            f"住户{household.number}已有未结案的关爱案件{existing.number}",
            extra={"case": existing.pk},
        )
    case = _open_case(actor=actor, household=household, source=source)
    Discovery.objects.create(
        case=case,
        source=source,
        reporter=actor,
        description=_text(description),
        applicant_name=_text(applicant_name),
        source_type=source_type,
        source_id=str(source_id or ""),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="care.case.discover",
        target=case,
        changes={"stage": [None, case.stage], "source": source, "household": household.number},
    )
    _enqueue_refresh(case)
    return case
