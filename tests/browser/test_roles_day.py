"""The day of the roles not walked elsewhere (issue #12), each in a real browser on a desktop:
township staff review an application, county staff approve it (a second person), city staff
read the dashboard and export it, a love-alliance merchant posts an offer, a volunteer claims a
micro-wish. Each logs in, lands on a page that is not empty, does the task end to end and leaves
a screenshot in var/screenshots/."""

from __future__ import annotations

import re

from lianxin.benefits import services as benefits_services
from lianxin.benefits.models import Application
from lianxin.benefits.tests import factories as bf
from lianxin.core.roles import Role
from lianxin.resources.models import Offer
from lianxin.resources.tests import factories as rf
from lianxin.volunteers.models import Wish
from lianxin.volunteers.tests import factories as vf

ASCII_WORD = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _landing(page, screenshot, name: str) -> str:
    """The text of the page the user lands on after login: a heading and more than a line."""
    screenshot(page, f"day-{name}-home")
    text = page.inner_text("main")
    assert page.locator("main h1, main h2").count() >= 1
    assert len(text.strip()) > 20, text
    assert not ASCII_WORD.search(text), ASCII_WORD.search(text)
    return text


def _filed(world):
    actors = bf.actors(world)
    app = bf.filed_living_subsidy(
        world, actors, world.a, reason="一级肢体残疾，家庭享受低保", grade=1, name="马秀兰"
    )
    return actors, app


def test_township_staff_review_an_application(world, page, login_as, screenshot):
    actors, app = _filed(world)
    login_as(page, actors.township)
    _landing(page, screenshot, "township")
    page.goto("/benefits/")
    page.click(f"text={app.number}")
    assert page.locator("[data-testid=application-status]").inner_text() == "待审核"
    assert "符合资格条件" in page.inner_text("main")
    page.fill("textarea[name=note]", "材料齐全，情况属实")
    screenshot(page, "day-township-review")
    page.click("[data-testid=action-review]")
    page.wait_for_selector("[data-testid=application-status]:has-text('待审批')")
    app.refresh_from_db()
    assert (app.status, app.reviewed_by_id, app.review_note) == (
        "reviewed",
        actors.township.pk,
        "材料齐全，情况属实",
    )
    assert page.locator("[data-testid=action-approve]").count() == 0  # not a department


def test_county_staff_approve_what_the_township_reviewed(world, page, login_as, screenshot):
    actors, app = _filed(world)
    benefits_services.application_review(actor=actors.township, obj=app, note="材料齐全")
    login_as(page, actors.county)
    _landing(page, screenshot, "county")
    page.goto("/benefits/")
    page.click(f"text={app.number}")
    assert "材料齐全" in page.inner_text("main")
    screenshot(page, "day-county-approve")
    page.click("[data-testid=action-approve]")
    page.wait_for_selector("[data-testid=application-status]:has-text('已批准')")
    app = Application.objects.get(pk=app.pk)
    assert (app.status, app.decided_by_id) == ("approved", actors.county.pk)
    page.click("text=已生成待遇")
    assert page.url.rstrip("/").split("/")[-2] == "entitlements"


def test_city_staff_read_the_dashboard_and_export(world, page, login_as, screenshot, tmp_path):
    city = world.user(Role.CITY_STAFF, "a")
    bf.approved_living_subsidy(world, bf.actors(world), world.a, grade=1, name="马秀兰")
    login_as(page, city)
    _landing(page, screenshot, "city")
    page.goto("/dashboard/")
    text = page.inner_text("main")
    assert world.a.city.name in text
    assert page.locator("[data-testid^=figure-]").count() >= 3
    screenshot(page, "day-city-dashboard")
    with page.expect_download() as info:
        page.click("[data-testid=dashboard-export]")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    from openpyxl import load_workbook

    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved)
    rows = [r for r in workbook.active.iter_rows(values_only=True) if any(r)]
    assert len(rows) >= 3


def test_merchant_posts_an_offer(world, page, login_as, screenshot):
    al = rf.Alliance(world, name="塞上爱心超市")
    login_as(page, al.merchant)
    _landing(page, screenshot, "partner")
    page.goto("/resources/mine/")
    assert page.locator("[data-testid=partner-status]").inner_text() == "已加入"
    page.click("text=发布新优惠")
    page.fill("#id_title", "米面油九五折")
    page.select_option("#id_category", "grain_oil")
    page.select_option("#id_discount_kind", "percent")
    page.fill("#id_percent_off", "５")  # typed on a Chinese keyboard
    page.fill("#id_limit_per_month", "2")
    page.fill("#id_valid_from", "2026-12-01")
    screenshot(page, "day-partner-offer")
    page.click("details form button[type=submit]")
    page.wait_for_selector("text=优惠已发布")
    offer = Offer.objects.get(partner=al.partner, title="米面油九五折")
    assert (offer.percent_off, offer.limit_per_month, offer.is_active) == (5, 2, True)
    assert "米面油九五折" in page.inner_text("[data-testid=offers]")


def test_volunteer_claims_a_wish(world, page, login_as, screenshot):
    community = world.user(Role.COMMUNITY_STAFF, "a")
    person = vf.elderly_woman(world.a, name="马秀兰")
    wish, _ = vf.wish(community, person, "冬季棉鞋一双", 6000)
    team = vf.team(world, community, name="安秀社区志愿服务队")
    volunteer, _profile = vf.volunteer(world, community, team=team)
    login_as(page, volunteer)
    assert "1心愿墙待认领" in _landing(page, screenshot, "volunteer").replace(" ", "")
    page.goto("/volunteers/wall/")
    card = page.locator("[data-testid=wish-card]")
    assert "冬季棉鞋一双" in card.inner_text()
    assert "马秀兰" not in page.content()
    screenshot(page, "day-volunteer-wall")
    page.click("[data-testid=claim]")
    page.wait_for_url(f"**/volunteers/wishes/{wish.pk}/")
    assert page.locator("[data-testid=wish-status]").inner_text() == "已认领"
    assert Wish.objects.get(pk=wish.pk).claimant_user_id == volunteer.pk
