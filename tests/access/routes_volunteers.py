"""Routes of the volunteers app (pages and API). Objects of site B are built once per test
through the services: a published wish, a confirmed wish with its photo, a team with a
volunteer, an open task, a warm-delivery team with a key person on its roster."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access.registry import RouteSpec, on_b, once_per_world, pk_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
B_WISH = "乙地心愿标记"
B_TASK = "乙地服务任务标记"
B_TEAM = "乙地服务队标记"
STAFF = ("grid_worker", "community_staff", "township_staff", "county_staff", "city_staff")


@once_per_world
def vol_b(w: Any) -> dict[str, Any]:
    from lianxin.core.roles import Role
    from lianxin.volunteers import services
    from lianxin.volunteers.models import KeyPersonCare
    from lianxin.volunteers.tests import factories as f

    community = w.user(Role.COMMUNITY_STAFF, "b")
    grid_worker = w.user(Role.GRID_WORKER, "b")
    person = f.elderly_woman(w.b, name="乙地老人")
    wish, _ = f.wish(community, person, B_WISH, 5000)
    done, _ = f.wish(community, person, "乙地已完成心愿", 5000)
    partner, _ = f.partner(w, "b")
    services.wish_claim(actor=partner, obj=done)
    services.wish_deliver(actor=partner, obj=done)
    services.wish_confirm(actor=grid_worker, obj=done, photo=SimpleUploadedFile("p.png", PNG))
    team = f.team(w, community, "b", name=B_TEAM)
    _, profile = f.volunteer(w, community, "b", team=team)
    task = services.task_create(
        actor=community, kind="medicine", title=B_TASK, team=team, person=person
    )
    warm = f.team(w, community, "b", kind="warm_delivery", grid=w.b.grid)
    services.roster_sync(actor=community, team=warm)
    return {
        "wish": wish,
        "done": done,
        "team": team,
        "profile": profile,
        "task": task,
        "care": KeyPersonCare.objects.get(person=person),
    }


_pk = pk_of(vol_b)


def _wish_marker(w):
    vol_b(w)
    return B_WISH


def _task_marker(w):
    vol_b(w)
    return B_TASK


def _team_marker(w):
    vol_b(w)
    return B_TEAM


def _care_marker(w):
    vol_b(w)
    return "乙地老人"


POST = ("post",)
ROUTES: dict[str, RouteSpec] = {
    "volunteers:wall": RouteSpec(leak_marker=_wish_marker),
    "volunteers:my_claims": RouteSpec(leak_marker=_wish_marker),
    "volunteers:wish_list": RouteSpec(leak_marker=_wish_marker, roles=STAFF),
    "volunteers:wish_new": RouteSpec(leak_marker=_care_marker, roles=STAFF),
    "volunteers:wish_export": RouteSpec(),
    "volunteers:wish_report": RouteSpec(leak_marker=lambda w: (vol_b(w), "刘庄村")[1], roles=STAFF),
    "volunteers:wish_detail": on_b(_pk("wish")),
    "volunteers:wish_photo": on_b(_pk("done")),
    "volunteers:wish_action": on_b(_pk("wish", action="claim"), methods=POST),
    "volunteers:my_tasks": RouteSpec(leak_marker=_task_marker),
    "volunteers:my_record": RouteSpec(),
    "volunteers:task_list": RouteSpec(leak_marker=_task_marker, roles=STAFF),
    "volunteers:task_new": RouteSpec(leak_marker=_team_marker, roles=STAFF),
    "volunteers:task_detail": on_b(_pk("task")),
    "volunteers:task_action": on_b(_pk("task", action="take"), methods=POST),
    "volunteers:records_export": RouteSpec(),
    "volunteers:certificate": on_b(_pk("profile")),
    "volunteers:team_list": RouteSpec(leak_marker=_team_marker, roles=STAFF),
    "volunteers:team_detail": on_b(_pk("team")),
    "volunteers:team_member_add": on_b(_pk("team"), {"volunteer": "1"}, methods=POST),
    "volunteers:roster_sync": on_b(_pk("team"), methods=POST),
    "volunteers:points_spend": RouteSpec(
        methods=("get", "post"), post_data=lambda w: {"code": "ZY640521000001", "points": "1"}
    ),
    "volunteers:roster": RouteSpec(leak_marker=_care_marker, roles=STAFF),
    "volunteers:fourones_export": RouteSpec(),
    "volunteers:fourones_record": on_b(_pk("care"), {"item": "kit"}, methods=POST),
    "volunteers:card": on_b(_pk("care")),
    "api:wish_list": RouteSpec(leak_marker=_wish_marker),
    "api:wish_detail": on_b(_pk("wish")),
    "api:wish_transition": on_b(_pk("wish", action="claim"), methods=POST),
    "api:volunteer_list": RouteSpec(leak_marker=lambda w: vol_b(w)["profile"].name),
    "api:volunteer_ledger": RouteSpec(),
    "api:volunteer_task_list": RouteSpec(leak_marker=_task_marker),
    "api:volunteer_task_detail": on_b(_pk("task")),
    "api:volunteer_task_transition": on_b(_pk("task", action="take"), methods=POST),
}
