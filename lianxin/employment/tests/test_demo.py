"""The employment demo: the sunshine factory and the season's funnel, idempotent."""

from __future__ import annotations

import io

from lianxin.core.democontext import DemoContext
from lianxin.employment import demo, selectors
from lianxin.employment.models import Employer, Placement, Post, Season


def test_demo_builds_the_factory_and_the_funnel_once(world):
    ctx = DemoContext(stdout=io.StringIO(), households=0)
    demo.load(ctx)
    factory = Employer.objects.get(organisation__name=demo.FACTORY)
    from lianxin.accounts.models import User

    coach = User.objects.get(username="jy_coach")
    city = User.objects.get(username="jy_city")
    figures = selectors.sunshine_factory(user=coach, employer=factory)
    assert len(figures["partners"]) == 10
    assert len(figures["work_types"]) == 32
    assert figures["employees"] == 22
    assert figures["age_min"] >= 18
    assert figures["age_max"] <= 40
    assert figures["hours"] == [3.5]
    assert figures["pay_min_fen"] >= 300_000
    assert figures["insured"] == 22
    season = Season.objects.get(name=demo.SEASON)
    assert selectors.funnel(user=city, season=season) == {
        "visited": 60, "willing": 6, "posts": 23, "helped": 9, "employed": 5,
    }  # fmt: skip
    totals = selectors.season_totals(user=city, season=season)
    assert (totals["posts_developed"], totals["newly_employed"]) == (1696, 1366)
    counts = (Employer.objects.count(), Post.objects.count(), Placement.objects.count())
    demo.load(ctx)
    assert (Employer.objects.count(), Post.objects.count(), Placement.objects.count()) == counts
    assert "演示数据已存在" in ctx.stdout.getvalue()
