"""Batch progress: the running totals kept by the services equal a direct count, and a rebuild
gives the same totals."""

from __future__ import annotations

import datetime as dt

from lianxin.care import selectors, services
from lianxin.care.models import BatchTally
from lianxin.care.tests import factories as f
from lianxin.core.roles import Role


def test_running_totals_equal_a_direct_count(world):
    batch = f.batch()
    cases = []
    for site in ("a", "b"):
        a = f.Actors(world, site)
        hh = f.household(a.site, members=[("户主", "户主"), ("配偶", "配偶")])
        case, _ = f.case_at(world, "reviewed", actors=a, hh=hh)
        services.case_recognise(actor=a.township, case=case, batch=batch, checklist=f.ALL_CRITERIA)
        f.plan(a.community, case, a, "g")
        made = [
            f.measure(
                a.township, case, action, action, a.site.orgs["civil_affairs"], dt.date(2026, 1, 1)
            )
            for action in ("basic_living", "medical", "housing", "education")
        ]
        services.plan_approve(actor=a.township, case=case)
        services.measure_start(actor=a.county, measure=made[0])
        services.measure_implement(actor=a.county, measure=made[0], evidence="e")
        services.measure_implement(actor=a.county, measure=made[1], evidence="e")
        services.measure_cancel(actor=a.county, measure=made[2], reason="r")
        cases.append(case)
    for user in (
        world.user(Role.REGION_STAFF, "a"),
        world.user(Role.CITY_STAFF, "b"),
        world.user(Role.TOWNSHIP_STAFF, "a"),
    ):
        tally = selectors.batch_progress(user=user, batch=batch, use_tally=True)
        direct = selectors.batch_progress(user=user, batch=batch, use_tally=False)
        assert tally == direct
    region = selectors.batch_progress(user=world.user(Role.REGION_STAFF, "a"), batch=batch)
    assert (
        region["households"],
        region["persons"],
        region["measures"],
        region["implemented"],
        region["overdue"],
    ) == (2, 4, 6, 4, 2)
    before = sorted(
        BatchTally.objects.filter(batch=batch)
        .exclude(count=0)
        .values_list("area_code", "action", "status", "count", "persons")
    )
    services.batch_tally_rebuild(batch=batch)
    after = sorted(
        BatchTally.objects.filter(batch=batch).values_list(
            "area_code", "action", "status", "count", "persons"
        )
    )
    assert before == after
