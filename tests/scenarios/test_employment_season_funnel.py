"""DOMAIN.md section 7: the city federation's employment season (就业援助月). Its funnel — 60
firms visited → 6 willing → 23 posts → 9 people helped → 5 employed — comes from the records
kept through the season; the city's totals (1,696 posts developed, 1,366 newly employed) are the
sum of the counties' returns, by county, route and disability type; the workbook carries both."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from lianxin.areas.models import Division
from lianxin.core.roles import Role
from lianxin.employment import selectors, services
from lianxin.employment.demo import RETURNS
from lianxin.employment.tests import factories as f


def test_season_funnel_reproduces_the_seed_figures(place, client):
    anxiu = place("640104001007")
    city_staff = anxiu.user(Role.CITY_STAFF, name="银川市残联")
    coach = f.federation_staff(anxiu)
    season = services.season_create(
        actor=city_staff,
        name="2026年银川市就业援助月",
        area=anxiu.city,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 2, 28),
    )
    # 60 firms visited, 6 of them willing.
    firms = [f.employer(coach, anxiu, name=f"银川援助月企业{i:02d}") for i in range(60)]
    for i, firm in enumerate(firms):
        services.outreach_record(
            actor=coach,
            employer=firm,
            season=season,
            visited_on=dt.date(2026, 1, 5 + i % 20),
            willing=i < 6,
            notes="有用工意愿" if i < 6 else "暂无岗位",
        )
    # The willing six declare 23 posts.
    posts = []
    for firm, headcount in zip(firms[:6], [5, 4, 4, 4, 3, 3], strict=True):
        services.plan_declare(
            actor=coach, employer=firm, season=season, planned_headcount=headcount
        )
        posts.append(f.post(coach, firm, season=season, headcount=headcount))
    # Nine people helped (proposed), five of them employed.
    seekers = [f.seeker(coach, f.disabled_person(anxiu)) for _ in range(9)]
    for i, seeker in enumerate(seekers):
        match = services.match_propose(actor=coach, seeker=seeker, post=posts[i % 6], season=season)
        if i < 5:
            services.match_answer(actor=coach, obj=match, name="seeker_accept")
            services.match_answer(actor=coach, obj=match, name="employer_confirm")
            services.match_place(
                actor=coach, obj=match, started_on=dt.date(2026, 2, 1), monthly_pay_fen=300_000,
                daily_minutes=240,
            )  # fmt: skip
        elif i < 7:
            services.match_decline(actor=coach, obj=match, reason="离家太远", side="seeker")
    # A visit after the season's record of another firm does not count.
    other = f.employer(coach, anxiu, name="援助月以外的企业")
    services.outreach_record(
        actor=coach, employer=other, visited_on=dt.date(2026, 6, 1), willing=True
    )

    figures = selectors.funnel(user=city_staff, season=season)
    assert figures == {"visited": 60, "willing": 6, "posts": 23, "helped": 9, "employed": 5}
    # A county officer of another county of the city sees none of these firms' figures.
    xixia = anxiu.user(Role.COUNTY_STAFF)
    xixia.assignments.update(area=Division.objects.get(code="640105"))
    xixia._lianxin_scope = None
    assert selectors.funnel(user=xixia, season=season) == {
        "visited": 0, "willing": 0, "posts": 0, "helped": 0, "employed": 0,
    }  # fmt: skip

    # the counties' returns of 银川 that the demo seeds (county, route, type, posts, employed)
    for county, route, dtype, posts_developed, employed in RETURNS:
        services.season_return_save(
            actor=city_staff,
            season=season,
            county=Division.objects.get(code=county),
            route=route,
            disability_type=dtype,
            posts_developed=posts_developed,
            newly_employed=employed,
        )
    totals = selectors.season_totals(user=city_staff, season=season)
    assert (totals["posts_developed"], totals["newly_employed"]) == (1696, 1366)
    assert totals["by_county"][2] == ("金凤区", 406, 336)
    assert {r[0]: r[2] for r in totals["by_route"]} == {
        "推荐到企业就业": 739, "阳光工厂集中安置": 240, "辅助性就业": 96, "公益性岗位": 291,
    }  # fmt: skip
    assert sum(r[1] for r in totals["by_type"]) == 1696

    client.force_login(city_staff)
    page = client.get(reverse("employment:season_detail", args=[season.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="posts-developed">1696<' in text
    assert 'data-testid="newly-employed">1366<' in text
    export = client.get(reverse("employment:season_export", args=[season.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
    funnel_rows = list(workbook["工作漏斗"].iter_rows(values_only=True))
    assert funnel_rows == [
        ("环节", "数量"), ("走访企业", 60), ("有用工意愿", 6), ("提供岗位", 23),
        ("帮扶人员", 9), ("实现就业", 5),
    ]  # fmt: skip
    assert len(list(workbook["安置名单"].iter_rows(values_only=True))) == 6
