"""Routes of the care app (pages and API). Objects of site B are built once per test through
the care services: a planned case with a measure and a photo, an implemented measure with a
photo proof, an investigated case waiting for the community's review, a batch of B's city, a
joint meeting of B's city and a referral from A's hotline waiting in B's queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access.registry import RouteSpec, on_b, once_per_world, pk_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
B_MEASURE = "乙地帮扶措施标记"
B_BATCH = "乙地关爱批次"
B_MEETING = "乙地联席会议"
B_REFERRAL = "乙地转介标记"


@once_per_world
def care_b(w: Any) -> dict[str, Any]:
    from lianxin.care import services
    from lianxin.care.models import Batch
    from lianxin.care.tests import factories as f
    from lianxin.core.roles import Role

    a = f.Actors(w, "b")
    batch = Batch.objects.create(name=B_BATCH, sequence=1, area_code=w.b.city.code)
    hh = f.household(w.b)
    case = services.case_discover(
        actor=a.grid_worker, household=hh, source="grid_visit", description="乙地发现"
    )
    services.investigation_add_photo(
        actor=a.grid_worker, case=case, upload=SimpleUploadedFile("p.png", PNG)
    )
    case = services.case_investigate(actor=a.grid_worker, case=case, data=f.investigation_data())
    services.case_review_by_community(
        actor=a.community,
        case=case,
        held_on=dt.date(2026, 11, 21),
        participants="两委",
        opinion="属实",
    )
    services.case_recognise(actor=a.township, case=case, batch=batch, checklist=f.ALL_CRITERIA)
    services.plan_save(
        actor=a.community,
        case=case,
        goal="乙地目标",
        leader=a.leader,
        paired_unit=w.b.orgs["civil_affairs"],
    )
    measure = f.measure(
        a.township, case, "basic_living", B_MEASURE, w.b.orgs["civil_affairs"], dt.date(2026, 1, 1)
    )
    services.plan_approve(actor=a.township, case=case)
    services.escalation_raise(
        actor=a.county, measure=measure, kind="consultation", reason="乙地会商"
    )
    meeting = services.joint_meeting_schedule(
        actor=w.user(Role.CITY_STAFF, "b"),
        area_code=w.b.city.code,
        title=B_MEETING,
        scheduled_on=dt.date(2026, 11, 30),
    )
    civil_affairs = w.b.orgs["civil_affairs"]
    done = f.measure(
        a.township, case, "medical", "乙地已落实措施", civil_affairs, dt.date(2026, 12, 31)
    )
    services.measure_implement(
        actor=a.county, measure=done, evidence="乙地佐证", proofs=[SimpleUploadedFile("p.png", PNG)]
    )
    waiting, _ = f.case_at(w, "investigated", site="b", actors=a)
    referral = services.referral_submit(  # from site A's hotline: waits in B's queue
        actor=w.user(Role.HOTLINE_AGENT, "a"),
        household=f.household(w.b),
        source_type="hotline.workorder",
        source_id=990001,
        description=B_REFERRAL,
    ).referral
    return {
        "case": case,
        "measure": measure,
        "photo": case.investigation.photos.get(),
        "proof": done.proofs.get(),
        "batch": batch,
        "meeting": meeting,
        "waiting": waiting,
        "referral": referral,
    }


_pk = pk_of(care_b)


def _case_number(w):
    return care_b(w)["case"].number


def _followup(w):
    return {
        "visited_on": "2026-11-21",
        "notes": "越权回访",
        "evidence": "越权落实",
        "minutes": "越权纪要",
        "held_on": "2026-11-21",
        "reason": "越权退回",
    }


# A batch is an aggregate (counts, no names): a grid worker of the batch's area sees the figures
# of his own grids in it, so another grid's worker gets the page with his own (zero) figures.
BATCH_VIEWERS = ("grid_worker_other_grid",)
BATCH_NOTE = "aggregate only; figures restricted to the user's own areas or grids"

BATCH: dict[str, Any] = {"extra": {"allowed_roles": BATCH_VIEWERS}, "notes": BATCH_NOTE}

ROUTES: dict[str, RouteSpec] = {
    "care:case_index": RouteSpec(leak_marker=_case_number),
    "care:case_export": RouteSpec(notes="the case list of the user's scope as .xlsx; audited"),
    "care:measure_export": RouteSpec(notes="the user's measure queue as .xlsx; audited"),
    "care:batch_export": on_b(_pk("batch"), **BATCH),
    "care:todos": RouteSpec(leak_marker=lambda w: care_b(w)["waiting"].household.number),
    "care:discover": RouteSpec(leak_marker=lambda w: care_b(w)["case"].household.number),
    "care:review_queue": RouteSpec(leak_marker=lambda w: care_b(w)["waiting"].number),
    "care:measure_queue": RouteSpec(leak_marker=lambda w: B_MEASURE),
    "care:leader_households": RouteSpec(leak_marker=_case_number),
    "care:case_detail": on_b(_pk("case")),
    "care:investigate": on_b(_pk("case")),
    "care:plan_print": on_b(_pk("case")),
    "care:plan_pdf": on_b(_pk("case")),
    "care:photo": on_b(_pk("photo")),
    "care:measure_proof": on_b(_pk("proof")),
    "care:case_action": on_b(_pk("case", action="followup"), _followup),
    "care:measure_action": on_b(_pk("measure", action="implement"), _followup),
    "care:referral_queue": RouteSpec(leak_marker=lambda w: B_REFERRAL),
    "care:referral_action": on_b(_pk("referral", action="decline"), _followup),
    "care:batch_index": RouteSpec(leak_marker=lambda w: B_BATCH),
    "care:batch_detail": on_b(_pk("batch"), **BATCH),
    "care:meeting_index": RouteSpec(leak_marker=lambda w: B_MEETING),
    "care:meeting_create": RouteSpec(leak_marker=lambda w: w.b.city.short_name),
    "care:meeting_detail": on_b(_pk("meeting")),
    "care:meeting_action": on_b(_pk("meeting", action="minutes"), _followup),
    "api:care_case_list": RouteSpec(leak_marker=_case_number),
    "api:care_case_detail": on_b(_pk("case")),
    "api:care_case_transition": on_b(_pk("case", action="followup"), _followup),
    "api:care_measure_list": RouteSpec(leak_marker=lambda w: B_MEASURE),
    "api:care_measure_transition": on_b(_pk("measure", action="implement"), _followup),
    "api:care_referral_list": RouteSpec(leak_marker=lambda w: B_REFERRAL),
    "api:care_referral_transition": on_b(_pk("referral", action="decline"), _followup),
    "api:care_batch_list": RouteSpec(leak_marker=lambda w: B_BATCH),
    "api:care_batch_progress": on_b(_pk("batch"), **BATCH),
}
