"""Routes of the employment app (pages and API). Objects of site B are built once per test
through the employment services: a verified seeker proposed for a post of B's employer (the
conftest's enterprise, so B's employer user is a legitimate viewer of its own post and match),
a seeker placed in B's sunshine factory, a seeker's public form waiting for verification, and
a season of B's city with a county return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.access.registry import RouteSpec, on_b, once_per_world, pk_of

B_POST = "乙地岗位标记"
B_SEASON = "乙地就业援助月"
B_FACTORY = "乙地阳光工厂"
OWN_EMPLOYER = ("employer",)
OWN_EMPLOYER_NOTE = "B's employer staff see their own post and the candidates proposed for it"


@once_per_world
def employment_b(w: Any) -> dict[str, Any]:
    from django.utils import timezone

    from lianxin.core.roles import Role
    from lianxin.employment import services
    from lianxin.employment.models import EmployerKind, Route
    from lianxin.employment.tests import factories as f

    fed = f.federation_staff(w.b)
    seeker = f.seeker(fed, f.disabled_person(w.b, name="乙地求职者"), share=["skills", "age"])
    employer = f.employer(fed, w.b, organisation=w.b.orgs["employer"])
    season = services.season_create(
        actor=w.user(Role.CITY_STAFF, "b"),
        name=B_SEASON,
        area=w.b.city,
        starts_on=timezone.localdate() - dt.timedelta(days=60),
        ends_on=timezone.localdate(),
    )
    post = f.post(fed, employer, title=B_POST, season=season)
    match = services.match_propose(actor=fed, seeker=seeker, post=post)
    factory = f.employer(fed, w.b, name=B_FACTORY, kind=EmployerKind.SUNSHINE_FACTORY)
    worker = f.seeker(fed, f.disabled_person(w.b, name="乙地阳光工厂员工"))
    placement = f.sunshine_placement(
        fed,
        worker,
        factory,
        timezone.localdate() - dt.timedelta(days=40),
        social_insurance=True,
        season=season,
    )
    person = f.disabled_person(w.b, name="乙地在线填报")
    submitted = services.seeker_submit_public(
        actor=None,
        name=person.name,
        id_number=person.id_number,
        phone_number="13912340000",
        division_name=w.b.village.name,
        intention=f.INTENTION,
    )
    services.season_return_save(
        actor=fed,
        season=season,
        county=w.b.county,
        route=Route.FIRM,
        disability_type="肢体",
        posts_developed=12,
        newly_employed=7,
    )
    return {
        "seeker": seeker,
        "employer": employer,
        "post": post,
        "match": match,
        "factory": factory,
        "placement": placement,
        "submitted": submitted,
        "season": season,
    }


_pk = pk_of(employment_b)


def _name(key: str):
    return lambda w: employment_b(w)[key].name


def _propose(w: Any) -> dict[str, Any]:
    b = employment_b(w)
    return {"seeker": b["seeker"].pk, "post": b["post"].pk, "seeker_id": b["seeker"].pk}


def _reason(w: Any) -> dict[str, Any]:
    return {
        "reason": "越权操作",
        "ended_on": "2026-11-30",
        "end_reason": "other",
        "county": w.b.county.code,
        "route": "firm",
        "disability_type": "肢体",
        "posts_developed": "99",
        "newly_employed": "99",
    }


def _seeker_name(w: Any) -> str:
    return employment_b(w)["seeker"].name


def _worker_name(w: Any) -> str:
    return employment_b(w)["placement"].seeker.name


# the routes an employer reaches for his own firm only
OWN: dict[str, Any] = {"extra": {"allowed_roles": OWN_EMPLOYER}, "notes": OWN_EMPLOYER_NOTE}

ROUTES: dict[str, RouteSpec] = {
    "employment:public_apply": RouteSpec(public=True),
    "employment:index": RouteSpec(),
    "employment:seeker_list": RouteSpec(leak_marker=_seeker_name),
    "employment:seeker_new": RouteSpec(),
    "employment:seeker_detail": on_b(_pk("seeker")),
    "employment:seeker_edit": on_b(_pk("seeker")),
    "employment:seeker_assess": on_b(_pk("seeker")),
    "employment:seeker_place": on_b(_pk("seeker")),
    "employment:seeker_action": on_b(_pk("submitted", action="verify"), methods=("post",)),
    "employment:employer_list": RouteSpec(leak_marker=lambda w: B_FACTORY),
    "employment:employer_new": RouteSpec(),
    "employment:employer_detail": on_b(_pk("employer"), **OWN),
    "employment:employer_visit": on_b(_pk("employer")),
    "employment:employer_plan": on_b(_pk("employer"), **OWN),
    "employment:post_new": on_b(_pk("employer"), **OWN),
    "employment:post_list": RouteSpec(leak_marker=lambda w: B_POST),
    "employment:post_detail": on_b(_pk("post"), **OWN),
    "employment:post_close": on_b(_pk("post"), _reason, **OWN),
    "employment:match_list": RouteSpec(leak_marker=_seeker_name),
    "employment:match_propose": on_b(_pk("seeker"), _propose),
    "employment:match_detail": on_b(_pk("match"), **OWN),
    "employment:match_action": on_b(
        _pk("match", action="employer_accept"),
        _reason,
        **OWN,
    ),
    "employment:placement_list": RouteSpec(leak_marker=_worker_name),
    "employment:placement_detail": on_b(_pk("placement")),
    "employment:placement_followup": on_b(_pk("placement")),
    "employment:placement_action": on_b(_pk("placement", action="end"), _reason),
    "employment:followups_due": RouteSpec(leak_marker=_worker_name),
    "employment:season_list": RouteSpec(leak_marker=lambda w: B_SEASON),
    "employment:season_detail": on_b(_pk("season")),
    "employment:season_export": on_b(_pk("season")),
    "employment:season_return": on_b(_pk("season"), _reason),
    "employment:my_posts": RouteSpec(leak_marker=lambda w: B_POST, roles=("employer",)),
    "api:employment_seeker_list": RouteSpec(leak_marker=_seeker_name),
    "api:employment_seeker_detail": on_b(_pk("seeker")),
    "api:employment_seeker_posts": on_b(_pk("seeker")),
    "api:employment_post_list": RouteSpec(leak_marker=lambda w: B_POST),
    "api:employment_post_seekers": on_b(_pk("post")),
    "api:employment_match_list": RouteSpec(leak_marker=_seeker_name),
    "api:employment_match_action": on_b(
        _pk("match", action="employer_accept"),
        _reason,
        **OWN,
    ),
    "api:employment_placement_list": RouteSpec(leak_marker=_worker_name),
    "api:employment_season_funnel": on_b(_pk("season")),
}
