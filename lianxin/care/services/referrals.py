"""Referrals (转介) from other apps: a hotline work order or a confirmed data-comparison alert
refers a household to care (issue #11, finding 7: a referral must not write into another area's
case).

- The referrer's own scope covers the household (same area): the household's case is opened or
  joined at once, as before, and the referral is kept as accepted.
- It does not: the referral waits in the owning area's queue (``Referral``, scoped to the
  household's community and township staff). The referrer is told only "已转交属地处理": no case
  number, no area, nothing about a case the household may already have. The owning area accepts
  it (→ a discovery on the household's open case, or a new case) or declines it with a reason
  (``workflows.REFERRAL_WORKFLOW``).

The same source record refers once: calling again returns the same referral."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.scoping import scope_of
from lianxin.core.servicekit import audited
from lianxin.registry.models import Household

from ..models import CareCase, Discovery, DiscoverySource, Referral, ReferralStatus
from ..workflows import REFERRAL_WORKFLOW, check_referral
from ._common import _SOURCE_TYPE, _enqueue_refresh, _missing_or_raise, _text
from .discovery import _open_case

REFERRAL_SOURCES = {
    "hotline.workorder": DiscoverySource.HOTLINE_REFERRAL,
    "monitoring.alert": DiscoverySource.DATA_COMPARISON,
}
ROUTED_MESSAGE = "已转交属地处理"


@dataclass(frozen=True)
class ReferralOutcome:
    """What the referrer may know. ``case`` only when the referrer's scope covers the
    household; otherwise None, and ``message`` is all there is to tell."""

    referral: Referral | None
    case: CareCase | None

    @property
    def routed(self) -> bool:
        return self.case is None

    @property
    def message(self) -> str:
        if self.case is None:
            return ROUTED_MESSAGE
        return f"已转入关爱帮扶案件{self.case.number}"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def referrer_covers(actor: Any, household: Household) -> bool:
    """Does the referrer's own scope cover the household (its grid, or an area holding it)? A
    call without a user (a task, a system import) is trusted as before."""
    if _user(actor) is None:
        return True
    scope = scope_of(actor)
    if household.grid_id is not None and household.grid_id in scope.grid_ids():
        return True
    return any(g.area_code and household.area_code.startswith(g.area_code) for g in scope.grants)


def _referrer_org_id(actor: Any) -> int | None:
    ids = sorted(scope_of(actor).organisation_ids()) if _user(actor) is not None else []
    return ids[0] if ids else None


def _outcome(actor: Any, referral: Referral | None, case: CareCase | None) -> ReferralOutcome:
    if case is not None and not referrer_covers(actor, case.household):
        case = None
    return ReferralOutcome(referral=referral, case=case)


def _open_or_join(*, actor: Any, referral: Referral) -> tuple[CareCase, bool]:
    """The referral's discovery on the household's open case, or on a new case (the logic
    ``case_open_from_referral`` always had); the caller holds the household's lock."""
    household = referral.household
    case = CareCase.objects.open().filter(household=household).first()
    opened = case is None
    if case is None:
        case = _open_case(actor=actor, household=household, source=referral.source)
    Discovery.objects.create(
        case=case,
        source=referral.source,
        reporter_id=referral.referrer_id,
        description=referral.description,
        source_type=referral.source_type,
        source_id=referral.source_id,
        created_by=_user(actor),
    )
    return case, opened


@transaction.atomic
def referral_submit(
    *, actor: Any, household: Household, source_type: str, source_id: str | int, description: str
) -> ReferralOutcome:
    """Refer a household to care (see the module's docstring). Refuses a malformed source or an
    empty description, naming what is missing."""
    source_id = str(source_id)
    missing = []
    if not _SOURCE_TYPE.match(source_type or ""):
        missing.append("来源对象类型")
    if not source_id:
        missing.append("来源对象ID")
    if not _text(description):
        missing.append("初步情况")
    _missing_or_raise("转介", missing)
    Household.objects.select_for_update().filter(pk=household.pk).first()
    existing = (
        Referral.objects.filter(source_type=source_type, source_id=source_id)
        .select_related("case__household")
        .first()
    )
    if existing is not None:
        return _outcome(actor, existing, existing.case)
    earlier = (  # a discovery recorded with its source by other means (case_discover)
        Discovery.objects.filter(source_type=source_type, source_id=source_id)
        .select_related("case__household")
        .first()
    )
    if earlier is not None:
        return _outcome(actor, None, earlier.case)
    covered = referrer_covers(actor, household)
    now = timezone.now()
    referral = Referral(
        household=household,
        source=REFERRAL_SOURCES.get(source_type, DiscoverySource.HOTLINE_REFERRAL),
        source_type=source_type,
        source_id=source_id,
        description=_text(description),
        referrer=_user(actor),
        referrer_org_id=_referrer_org_id(actor),
        status=ReferralStatus.ACCEPTED if covered else ReferralStatus.PENDING,
        decided_by=_user(actor) if covered else None,
        decided_at=now if covered else None,
        created_by=_user(actor),
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:  # the same source, referred at the same moment
        existing = Referral.objects.select_related("case__household").get(
            source_type=source_type, source_id=source_id
        )
        return _outcome(actor, existing, existing.case)
    if not covered:
        audit.record(
            actor=actor,
            action="care.referral.submit",
            target=referral,
            changes={"source_type": source_type, "source_id": source_id, "status": "pending"},
        )
        return ReferralOutcome(referral=referral, case=None)
    case, opened = _open_or_join(actor=actor, referral=referral)
    referral.case = case
    referral.save(update_fields=["case", "updated_at"])
    audit.record(
        actor=actor,
        action="care.case.referral" if not opened else "care.case.discover",
        target=case,
        changes={
            "source_type": source_type,
            "source_id": source_id,
            "opened": opened,
            "referral": referral.pk,
        },
    )
    _enqueue_refresh(case)
    return ReferralOutcome(referral=referral, case=case)


def case_open_from_referral(
    *, actor: Any, household: Household, source_type: str, source_id: str | int, description: str
) -> CareCase | None:
    """The entry point other apps call (hotline, monitoring): :func:`referral_submit`'s case —
    the household's case when the referrer's scope covers the household, else None (the
    referral went to the owning area's queue; tell the referrer ``ROUTED_MESSAGE``)."""
    return referral_submit(
        actor=actor,
        household=household,
        source_type=source_type,
        source_id=source_id,
        description=description,
    ).case


def _lock(referral: Referral) -> Referral:
    household_id = Referral.objects.values_list("household_id", flat=True).get(pk=referral.pk)
    Household.objects.select_for_update().filter(pk=household_id).first()
    return Referral.objects.select_for_update().select_related("household").get(pk=referral.pk)


@transaction.atomic
def referral_accept(*, actor: Any, referral: Referral) -> CareCase:
    """接收: community or township staff of the household's area accept a pending referral; its
    discovery joins the household's open case, or opens one. One audit row, on the case."""
    referral = _lock(referral)
    check_referral(actor, referral, "accept")
    case, opened = _open_or_join(actor=actor, referral=referral)
    REFERRAL_WORKFLOW.advance(
        referral,
        "accept",
        actor=actor,
        check=False,
        updates={"decided_by": _user(actor), "decided_at": timezone.now(), "case": case},
    )
    audit.record(
        actor=actor,
        action="care.referral.accept",
        target=case,
        changes={
            "referral": referral.pk,
            "source_type": referral.source_type,
            "source_id": referral.source_id,
            "opened": opened,
        },
    )
    _enqueue_refresh(case)
    return case


@transaction.atomic
def referral_decline(*, actor: Any, referral: Referral, reason: str) -> Referral:
    """不予接收: the owning area declines a pending referral, always with the reason; no case is
    opened or touched."""
    referral = _lock(referral)
    check_referral(actor, referral, "decline")
    _missing_or_raise("不予接收", [] if _text(reason) else ["不予接收的理由"])
    REFERRAL_WORKFLOW.advance(
        referral,
        "decline",
        actor=actor,
        check=False,
        updates={
            "decided_by": _user(actor),
            "decided_at": timezone.now(),
            "decline_reason": _text(reason)[:300],
        },
    )
    return audited(
        referral,
        actor=actor,
        action="care.referral.decline",
        changes={
            "status": [ReferralStatus.PENDING, referral.status],
            "reason": referral.decline_reason,
        },
    )
