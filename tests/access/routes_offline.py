"""Routes of the grid worker's offline app (issue #21)."""

from __future__ import annotations

import json
import uuid

from django.utils import timezone

from tests.access.registry import RouteSpec, on_b

B_ADDRESS = "刘庄村离线测试巷9号"


def _b_household(w):
    from lianxin.registry.models import Household

    household, _ = Household.objects.get_or_create(
        number=f"{w.b.village.code}-OFFLINE1",
        defaults={"division": w.b.village, "grid": w.b.grid, "address": B_ADDRESS},
    )
    return household


def _no_kwargs_but_b_household(w):
    """No URL kwargs; creates site B's household before the harness snapshots the tables, so
    that building the POST body writes nothing."""
    _b_household(w)
    return {}


def _b_submission(w):
    return {
        "submission": json.dumps(
            {
                "key": str(uuid.uuid4()),
                "kind": "discovery",
                "payload": {"household": _b_household(w).number, "description": "越权登记"},
                "typed_at": timezone.now().isoformat(),
            }
        )
    }


ROUTES: dict[str, RouteSpec] = {
    "offline:shell": RouteSpec(notes="the cached shell page: no resident and no user data"),
    "offline:manifest": RouteSpec(public=True, notes="web app manifest: names and icons only"),
    "offline:service_worker": RouteSpec(public=True, notes="the service worker script: no data"),
    "offline:session": RouteSpec(notes="the user's own name and a CSRF token"),
    "offline:pack": RouteSpec(
        leak_marker=lambda w: (_b_household(w), B_ADDRESS)[1],
        roles=("grid_worker",),
        notes="other roles get 403: offline work is for grid workers",
    ),
    "offline:sync": on_b(
        _no_kwargs_but_b_household,
        _b_submission,
        notes="a submission into a household of site B: 404, nothing written",
    ),
    "offline:discard": RouteSpec(
        kwargs=_no_kwargs_but_b_household,
        methods=("post",),
        post_data=_b_submission,
        notes="records the user's own given-up submission; reads no other row",
    ),
}
