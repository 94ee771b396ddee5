"""Routes of the benefits app (pages and API). Objects of site B are built once per test through
the benefits services: a policy and a funding source of B's city, an approved living subsidy
paid for this month (ledger entries, a closed month), a submitted application with a document,
a stop proposal, a union file, and a confirmed monitoring alert."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.core.roles import ADMIN_ROLES, Role
from tests.access.registry import RouteSpec, on_b, once_per_world, pk_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
B_POLICY = "乙地专项救助政策"
B_SOURCE = "乙地专项资金"
B_STOP = "乙地停发理由标记"
B_NAME = "乙地受助人"
# Runs and closed months belong to a county: the control (B's own user) is B's county officer.
COUNTY_FIRST = (
    Role.COUNTY_STAFF,
    *[r for r in Role if r not in ADMIN_ROLES and r not in (Role.REGION_STAFF, Role.COUNTY_STAFF)],
)


@once_per_world
def benefits_b(w: Any) -> dict[str, Any]:
    from lianxin.benefits import services
    from lianxin.benefits.models import FundingSource
    from lianxin.benefits.tests import factories as f
    from lianxin.registry.models import Household

    a = f.actors(w, "b")
    pols = f.policies(w)
    source = FundingSource.objects.create(name=B_SOURCE, kind="finance", area_code=w.b.city.code)
    policy = services.policy_create(
        actor=None,
        data={
            "code": "b-only",
            "name": B_POLICY,
            "department_type": "civil_affairs",
            "area_code": w.b.city.code,
            "subject": "person",
            "standard_kind": "fixed",
            "frequency": "monthly",
            "amount_fen": 5000,
            "valid_from": "2024-01-01",
        },
        fundings=[(source, 1000)],
    )
    entitlement = f.approved_living_subsidy(w, a, w.b, name=B_NAME)
    run = f.booked_run(a.county, pols["living"], w.b.county, services._today(), checker=a.county2)
    closed = services.month_close(
        actor=a.county, department_type="civil_affairs", county=w.b.county, month=run.month
    )
    hh, p = f.disabled_in_dibao(w.b, name="乙地申请人")
    app = services.application_file(
        actor=a.community, policy=pols["living"], household=hh, person=p, submit=True
    )
    doc = services.application_add_document(
        actor=a.community, application=app, upload=SimpleUploadedFile("a.png", PNG), title="申请表"
    )
    stop = services.stop_propose(
        actor=a.community, entitlement=entitlement, reason=B_STOP, end_on=services._today()
    )
    worker_hh = Household.objects.get(pk=hh.pk)
    union_file = f.union_file(a.union, w.b, worker_hh, p)
    alert = f.alert(
        p,
        "living_subsidy_missing",
        "乙地预警",
        area=w.b.village,
        as_of=services._today(),
        evidence_hash="b",
        status="confirmed",
    )
    from lianxin.benefits.models import LedgerEntry

    return {
        "policy": policy,
        "source": source,
        "entitlement": entitlement,
        "run": run,
        "closed": closed,
        "app": app,
        "doc": doc,
        "stop": stop,
        "union_file": union_file,
        "alert": alert,
        "household": entitlement.household,
        "entry": LedgerEntry.objects.filter(entitlement=entitlement).order_by("id").first(),
    }


_pk = pk_of(benefits_b)


def _reasons(w: Any) -> dict[str, Any]:
    return {
        "reason": "越权",
        "note": "越权",
        "approved_yuan": "1",
        "measure": "越权",
        "responsible": "越权",
        "deadline": "2026-12-31",
        "title": "越权",
        "end_on": "2026-12-01",
        "kind": "application",
    }


def _app_number(w: Any) -> str:
    return benefits_b(w)["app"].number


ROUTES: dict[str, RouteSpec] = {
    "benefits:application_index": RouteSpec(leak_marker=_app_number),
    "benefits:application_new": RouteSpec(
        leak_marker=lambda w: benefits_b(w)["app"].household.number
    ),
    "benefits:application_detail": on_b(_pk("app")),
    "benefits:application_action": on_b(_pk("app", action="review"), _reasons),
    "benefits:application_document_add": on_b(_pk("app"), _reasons),
    "benefits:document": on_b(_pk("doc")),
    "benefits:alert_inbox": RouteSpec(leak_marker=lambda w: "乙地预警"),
    "benefits:alert_open": on_b(lambda w: {"alert_id": benefits_b(w)["alert"].pk}, _reasons),
    "benefits:policy_index": RouteSpec(leak_marker=lambda w: B_POLICY),
    "benefits:policy_detail": on_b(_pk("policy")),
    "benefits:entitlement_index": RouteSpec(leak_marker=lambda w: B_NAME),
    "benefits:entitlement_import": RouteSpec(leak_marker=lambda w: B_POLICY),
    "benefits:entitlement_detail": on_b(_pk("entitlement")),
    "benefits:entitlement_action": on_b(_pk("entitlement", action="suspend"), _reasons),
    "benefits:stop_propose": on_b(_pk("entitlement"), _reasons),
    "benefits:stop_index": RouteSpec(leak_marker=lambda w: B_STOP),
    "benefits:stop_action": on_b(_pk("stop", action="approve"), _reasons),
    "benefits:run_index": RouteSpec(leak_marker=lambda w: B_POLICY),
    "benefits:run_prepare": RouteSpec(
        methods=("post",),
        post_data=lambda w: {"policy": "1", "area": w.b.county.code, "month": "2026-12"},
    ),
    "benefits:run_detail": on_b(_pk("run"), roles=COUNTY_FIRST),
    "benefits:run_action": on_b(_pk("run", action="cancel"), methods=("post",), roles=COUNTY_FIRST),
    "benefits:ledger_index": RouteSpec(leak_marker=lambda w: B_NAME),
    "benefits:ledger_export": RouteSpec(
        notes="xlsx of the user's own area (scoped queryset); refused to roles without an area"
    ),
    "benefits:ledger_reverse": on_b(_pk("entry"), _reasons),
    "benefits:month_close": RouteSpec(
        methods=("post",),
        post_data=lambda w: {
            "department_type": "civil_affairs",
            "county": w.b.county.code,
            "month": "2026-11",
        },
    ),
    "benefits:month_close_download": on_b(_pk("closed"), roles=COUNTY_FIRST),
    "benefits:source_detail": on_b(_pk("source")),
    "benefits:household_benefits": on_b(_pk("household")),
    "benefits:union_index": RouteSpec(leak_marker=lambda w: benefits_b(w)["union_file"].number),
    "benefits:union_new": RouteSpec(
        leak_marker=lambda w: benefits_b(w)["union_file"].household.number
    ),
    "benefits:union_detail": on_b(_pk("union_file")),
    "benefits:union_action": on_b(_pk("union_file", action="close"), _reasons),
    "benefits:union_plan_add": on_b(_pk("union_file"), _reasons),
    "benefits:union_plan_done": on_b(
        lambda w: {"pk": benefits_b(w)["union_file"].pk, "item_pk": 1}, methods=("post",)
    ),
    "api:benefits_policy_list": RouteSpec(leak_marker=lambda w: B_POLICY),
    "api:benefits_policy_detail": on_b(_pk("policy")),
    "api:benefits_application_list": RouteSpec(leak_marker=_app_number),
    "api:benefits_application_detail": on_b(_pk("app")),
    "api:benefits_application_transition": on_b(_pk("app", action="review"), _reasons),
    "api:benefits_entitlement_list": RouteSpec(leak_marker=lambda w: B_NAME),
    "api:benefits_entitlement_detail": on_b(_pk("entitlement")),
    "api:benefits_ledger_list": RouteSpec(leak_marker=lambda w: benefits_b(w)["household"].number),
    "api:benefits_ledger_detail": on_b(_pk("entry")),
}
