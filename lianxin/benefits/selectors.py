"""Reads for pages, the API and exports: lists scoped to the user, the eligibility run, the
department's monthly summary (from the aggregates), a funding source's sub-ledger, a
household's payments, and the union's queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from lianxin.core import inputs
from lianxin.core.querysets import filter_given
from lianxin.core.scoping import get_for_user_or_404, prefix_q, scope_of
from lianxin.registry.models import Household, Person

from . import eligibility
from .models import (
    AGGREGATE_AREA_LENGTH,
    Application,
    Entitlement,
    EntitlementStatus,
    FundingSource,
    LedgerEntry,
    MonthClose,
    MonthlyAggregate,
    PaymentRun,
    Policy,
    StopProposal,
    Subject,
    UnionFile,
    UnionPlanItem,
)


def policy_list(*, user: Any) -> QuerySet[Policy]:
    return (
        Policy.objects.for_user(user)
        .prefetch_related("fundings__source")
        .order_by("area_code", "code")
    )


def policy_get_for_user(*, user: Any, pk: int) -> Policy:
    return get_for_user_or_404(Policy.objects.prefetch_related("fundings__source"), user, pk=pk)


def policies_for_household(*, user: Any, household: Household) -> list[Policy]:
    return [
        p
        for p in policy_list(user=user).filter(is_active=True)
        if household.area_code.startswith(p.area_code)
    ]


def application_list(*, user: Any, status: str = "", q: str = "") -> QuerySet[Application]:
    qs = Application.objects.for_user(user).select_related(
        "policy", "household", "household__head", "person", "filed_by"
    )
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(household__number__icontains=q)
            | Q(person__name__icontains=q)
        )
    return qs.order_by("-created_at", "-id")


def application_get_for_user(*, user: Any, pk: int) -> Application:
    return get_for_user_or_404(
        Application.objects.select_related(
            "policy",
            "household",
            "household__head",
            "person",
            "filed_by",
            "reviewed_by",
            "decided_by",
        ),
        user,
        pk=pk,
    )


def document_get_for_user(*, user: Any, pk: int) -> Any:
    from .models import ApplicationDocument

    return get_for_user_or_404(
        ApplicationDocument.objects.select_related("application"), user, pk=pk
    )


def entitlement_list(
    *, user: Any, status: str = "", policy_id: str = "", due: bool = False
) -> QuerySet[Entitlement]:
    qs = Entitlement.objects.for_user(user).select_related("policy", "household", "person")
    qs = filter_given(qs, status=status, policy_id=policy_id)
    if due:
        qs = qs.filter(
            status=EntitlementStatus.ACTIVE,
            reverify_due_on__lte=timezone.localdate() + dt.timedelta(days=30),
        )
    return qs.order_by("-start_on", "-id")


def entitlement_get_for_user(*, user: Any, pk: int) -> Entitlement:
    return get_for_user_or_404(
        Entitlement.objects.select_related("policy", "household", "person", "application"),
        user,
        pk=pk,
    )


def stop_list(*, user: Any, status: str = "proposed") -> QuerySet[StopProposal]:
    qs = StopProposal.objects.for_user(user).select_related(
        "entitlement__policy", "entitlement__person", "entitlement__household"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def stop_get_for_user(*, user: Any, pk: int) -> StopProposal:
    return get_for_user_or_404(
        StopProposal.objects.select_related(
            "entitlement__policy", "entitlement__person", "entitlement__household"
        ),
        user,
        pk=pk,
    )


def run_list(*, user: Any) -> QuerySet[PaymentRun]:
    return PaymentRun.objects.for_user(user).select_related(
        "policy", "area", "prepared_by", "approved_by"
    )


def run_get_for_user(*, user: Any, pk: int) -> PaymentRun:
    return get_for_user_or_404(PaymentRun.objects.select_related("policy", "area"), user, pk=pk)


def ledger_list(
    *, user: Any, month: dt.date | None = None, source_id: str = "", policy_id: str = ""
) -> QuerySet[LedgerEntry]:
    qs = LedgerEntry.objects.for_user(user).select_related(
        "policy", "source", "household", "person"
    )
    if month:
        qs = qs.filter(month=month)
    if (source := inputs.parse_int(source_id)) is not None:
        qs = qs.filter(source_id=source)
    if policy_id:
        qs = qs.filter(policy_id=policy_id)
    return qs.order_by("-id")


def ledger_get_for_user(*, user: Any, pk: int) -> LedgerEntry:
    return get_for_user_or_404(
        LedgerEntry.objects.select_related("policy", "source", "household", "person"), user, pk=pk
    )


def month_close_list(*, user: Any) -> QuerySet[MonthClose]:
    return (
        MonthClose.objects.for_user(user)
        .select_related("closed_by")
        .order_by("-month", "area_code")
    )


def month_close_get_for_user(*, user: Any, pk: int) -> MonthClose:
    return get_for_user_or_404(MonthClose.objects.all(), user, pk=pk)


def department_types_of(user: Any) -> list[str]:
    from lianxin.directory.models import Organisation

    ids = scope_of(user).organisation_ids()
    return sorted(
        set(
            Organisation.objects.filter(pk__in=ids)
            .exclude(dept_type="")
            .values_list("dept_type", flat=True)
        )
    )


def monthly_summaries(
    *, department_types: Iterable[str], area_codes: Iterable[str], month: dt.date
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """``monthly_summary`` for every (department, area), keyed so. Areas of one length at or
    above a county are read from the aggregates in one statement (grouped by the code's
    prefix); others one by one. Pairs without a row map to an empty list."""
    departments, codes = list(department_types), list(dict.fromkeys(area_codes))
    lengths = {len(c) for c in codes}
    out: dict[tuple[str, str], list[dict[str, Any]]] = {
        (d, c): [] for d in departments for c in codes
    }
    if len(lengths) != 1 or lengths.pop() > AGGREGATE_AREA_LENGTH:
        for d in departments:
            for c in codes:
                out[d, c] = monthly_summary(department_type=d, area_code=c, month=month)
        return out
    if not departments or not codes:
        return out
    length = len(codes[0])
    rows = (
        MonthlyAggregate.objects.filter(
            prefix_q("area_code", codes), department_type__in=departments, month=month
        )
        .annotate(prefix=Substr("area_code", 1, length))
        .values("department_type", "prefix", "policy__name", "source__name")
        .annotate(entries=Sum("entry_count"), paid=Sum("payment_fen"), reversed=Sum("reversal_fen"))
        .order_by("department_type", "prefix", "policy__name", "source__name")
    )
    for r in rows:
        out[r["department_type"], r["prefix"]].append(_summary_row(r))
    return out


def _summary_row(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "policy": r["policy__name"],
        "source": r["source__name"],
        "entries": r["entries"] or 0,
        "paid_fen": r["paid"] or 0,
        "reversed_fen": r["reversed"] or 0,
        "net_fen": (r["paid"] or 0) + (r["reversed"] or 0),
    }


def monthly_summary(
    *, department_type: str, area_code: str, month: dt.date
) -> list[dict[str, Any]]:
    """A department's monthly totals per policy and funding source for an area at or above a
    county, read from the aggregates the services keep (never a scan of the ledger). Below a
    county (a township, a community) the ledger itself is small and is summed."""
    rows: Iterable[Mapping[str, Any]]
    if len(area_code) <= AGGREGATE_AREA_LENGTH:
        rows = (
            MonthlyAggregate.objects.filter(
                department_type=department_type, month=month, area_code__startswith=area_code
            )
            .values("policy__name", "source__name")
            .annotate(
                entries=Sum("entry_count"), paid=Sum("payment_fen"), reversed=Sum("reversal_fen")
            )
            .order_by("policy__name", "source__name")
        )
    else:
        rows = (
            LedgerEntry.objects.filter(
                department_type=department_type, month=month, area_code__startswith=area_code
            )
            .values("policy__name", "source__name")
            .annotate(
                entries=Count("id"),
                paid=Sum("amount_fen", filter=Q(kind="payment")),
                reversed=Sum("amount_fen", filter=Q(kind="reversal")),
            )
            .order_by("policy__name", "source__name")
        )
    return [_summary_row(r) for r in rows]


def union_orgs_of(*, user: Any) -> QuerySet[Any]:
    """The trade unions the user works for (their assignments' organisations)."""
    from lianxin.directory.models import Organisation

    return Organisation.objects.filter(
        pk__in=scope_of(user).organisation_ids(), dept_type="trade_union"
    ).order_by("pk")


def names_for_export() -> tuple[dict[int, str], dict[int, str]]:
    """Policy and funding source names (reference data, no personal data) for ledger rows."""
    from .models import Policy as PolicyModel

    return dict(PolicyModel.objects.values_list("pk", "name")), dict(
        FundingSource.objects.values_list("pk", "name")
    )


def source_list(*, user: Any) -> QuerySet[FundingSource]:
    return FundingSource.objects.for_user(user).order_by("area_code", "name")


def source_get_for_user(*, user: Any, pk: int) -> FundingSource:
    return get_for_user_or_404(FundingSource.objects.all(), user, pk=pk)


def source_totals(*, user: Any, source: FundingSource) -> dict[str, Any]:
    """A funding source's sub-ledger totals within the user's area: paid, reversed, net, and
    per policy."""
    entries = LedgerEntry.objects.for_user(user).filter(source=source)
    by_policy = list(
        entries.values("policy__name")
        .annotate(
            paid=Sum("amount_fen", filter=Q(kind="payment")),
            reversed=Sum("amount_fen", filter=Q(kind="reversal")),
            n=Count("id"),
        )
        .order_by("policy__name")
    )
    paid = sum(r["paid"] or 0 for r in by_policy)
    reversed_ = sum(r["reversed"] or 0 for r in by_policy)
    return {
        "paid_fen": paid,
        "reversed_fen": reversed_,
        "net_fen": paid + reversed_,
        "by_policy": by_policy,
    }


def household_payments(*, user: Any, household: Household) -> list[dict[str, Any]]:
    """What a household received and from whom: per policy and source, net of reversals."""
    rows = (
        LedgerEntry.objects.for_user(user)
        .filter(household=household)
        .values("policy__name", "source__name")
        .annotate(total=Sum("amount_fen"), n=Count("id"))
        .order_by("policy__name", "source__name")
    )
    return [
        {
            "policy": r["policy__name"],
            "source": r["source__name"],
            "total_fen": r["total"],
            "entries": r["n"],
        }
        for r in rows
    ]


def entitlements_of_household(*, user: Any, household: Household) -> QuerySet[Entitlement]:
    return (
        Entitlement.objects.for_user(user)
        .filter(household=household)
        .select_related("policy", "person")
    )


# --- the eligibility run ---------------------------------------------------------------------


def eligibility_run(
    *, policy: Policy, area_code: str, as_of: dt.date | None = None, limit: int = 500
) -> dict[str, Any]:
    """The policy's rule as SQL on the database for one area (a community): who qualifies and
    has no running entitlement, and whose active entitlement no longer qualifies."""
    as_of = as_of or timezone.localdate()
    q = eligibility.person_q(policy.rule, as_of)
    persons = Person.objects.filter(area_code__startswith=area_code).filter(q)
    running = Entitlement.objects.filter(policy=policy).exclude(status=EntitlementStatus.ENDED)
    missing_rows: list[Person] | list[Household]
    if policy.subject == Subject.PERSON:
        missing = persons.exclude(Exists(running.filter(person=OuterRef("pk")))).order_by("pk")
        stale = (
            Entitlement.objects.filter(
                policy=policy, status=EntitlementStatus.ACTIVE, area_code__startswith=area_code
            )
            .exclude(Exists(persons.filter(pk=OuterRef("person_id"))))
            .select_related("person", "household")
            .order_by("pk")
        )
        missing_rows = list(missing.select_related("division")[:limit])
    else:
        households = Household.objects.filter(
            area_code__startswith=area_code,
            memberships__ended_on__isnull=True,
            memberships__person__in=persons.values("pk"),
        ).distinct()
        missing_rows = list(
            households.exclude(
                Exists(running.filter(household=OuterRef("pk"), person__isnull=True))
            ).order_by("pk")[:limit]
        )
        stale = (
            Entitlement.objects.filter(
                policy=policy, status=EntitlementStatus.ACTIVE, area_code__startswith=area_code
            )
            .exclude(Exists(households.filter(pk=OuterRef("household_id"))))
            .select_related("household")
            .order_by("pk")
        )
    return {"as_of": as_of, "missing": missing_rows, "stale": list(stale[:limit])}


# --- the union's files -----------------------------------------------------------------------


def union_file_list(*, user: Any, query: str = "", status: str = "") -> QuerySet[UnionFile]:
    """The union's queries: ``never_assisted``, ``unchanged`` (no change of status and no
    assistance for a year), ``due`` (re-verification due within 30 days)."""
    today = timezone.localdate()
    year_ago = today - dt.timedelta(days=365)
    qs = UnionFile.objects.for_user(user).select_related("household", "worker", "union")
    if status:
        qs = qs.filter(status=status)
    open_q = Q(status__in=["opened", "assisted", "out"])
    if query == "never_assisted":
        qs = qs.filter(open_q).filter(assistance__isnull=True)
    elif query == "unchanged":
        qs = qs.filter(open_q, status_changed_on__lte=year_ago).exclude(
            assistance__given_on__gt=year_ago
        )
    elif query == "due":
        qs = qs.filter(open_q, reverify_due_on__lte=today + dt.timedelta(days=30))
    return qs.distinct().order_by("-opened_on", "-id")


def union_file_get_for_user(*, user: Any, pk: int) -> UnionFile:
    return get_for_user_or_404(
        UnionFile.objects.select_related("household", "worker", "union"), user, pk=pk
    )


def union_plan(*, file: UnionFile, year: int | None = None) -> QuerySet[UnionPlanItem]:
    qs = file.plan_items.all()
    return qs.filter(year=year) if year else qs


def care_measures_of(*, user: Any, household: Household) -> list[Any]:
    """The household's care plan measures shown beside the union's yearly plan."""
    from lianxin.care.models import Measure

    return list(
        Measure.objects.for_user(user)
        .filter(case__household=household)
        .select_related("case", "responsible_unit")
        .order_by("deadline")[:50]
    )
