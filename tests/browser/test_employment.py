"""A disabled job seeker fills the intention form on a phone (390×844, no login); a federation
staff member verifies it against the registry, proposes the best-ranked post, records both
sides' consent and places the person."""

from __future__ import annotations

from lianxin.employment.models import JobSeeker, Match, Placement
from lianxin.employment.tests import factories as f


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_intention_form_on_a_phone_then_staff_match_and_place(
    world, phone_page, page, login_as, screenshot
):
    from django.core.cache import cache

    cache.clear()
    person = f.disabled_person(world.a, name="韩小东", disability_type="肢体", grade=3)
    staff = f.federation_staff(world.a)
    employer = f.employer(staff, world.a, organisation=world.a.orgs["employer"])
    post = f.post(staff, employer, title="礼盒包装工")

    phone = phone_page
    phone.goto("/employment/apply/")
    assert _fits_the_screen(phone)
    phone.fill("#id_name", "韩小东")
    phone.fill("#id_id_number", person.id_number)
    phone.fill("#id_phone", "13912340001")
    phone.fill("#id_division", world.a.village.name)
    phone.fill("#id_preferred_posts", "手工包装")
    phone.fill("#id_expected_pay_yuan", "2500")
    phone.fill("#id_daily_hours", "4")
    phone.fill("#id_max_commute_km", "10")
    phone.get_by_label("包装", exact=True).check()
    phone.get_by_label("需要无障碍工作环境").check()
    phone.get_by_label("技能", exact=True).check()
    phone.get_by_label("我同意残联工作人员核实我的残疾人证信息并与我联系").check()
    screenshot(phone, "employment-intention-phone")
    phone.click("[data-testid=submit]")
    phone.wait_for_selector("[data-testid=done]")
    assert _fits_the_screen(phone)
    seeker = JobSeeker.objects.get(name="韩小东")
    assert (seeker.status, seeker.skills, seeker.max_daily_minutes) == ("submitted", ["包装"], 240)

    login_as(page, staff, "Test-Passw0rd!")
    page.goto(f"/employment/seekers/{seeker.pk}/")
    page.click("[data-testid=action-verify]")
    page.wait_for_selector("[data-testid=ranked-posts]")
    assert page.locator("[data-testid=seeker-status]").inner_text() == "求职中"
    assert "技能相符：包装" in page.locator("[data-testid=ranked-posts]").inner_text()
    page.click(f"[data-testid=propose-{post.pk}]")
    page.wait_for_selector("text=已向韩小东推荐")
    page.goto(f"/employment/matches/{Match.objects.get(seeker=seeker).pk}/")
    page.click("[data-testid=action-seeker_accept]")
    page.wait_for_selector("[data-testid=action-employer_confirm]")
    page.click("[data-testid=action-employer_confirm]")
    page.wait_for_selector("[data-testid=action-place]")
    assert page.locator("[data-testid=match-status]").inner_text() == "双方同意"
    page.click("[data-testid=action-place]")
    page.wait_for_url("**/employment/placements/*/")
    assert page.locator("[data-testid=placement-status]").inner_text() == "在岗"
    screenshot(page, "employment-placement")
    placement = Placement.objects.get(seeker=seeker)
    assert (placement.employer_id, placement.post_id, placement.daily_minutes) == (
        employer.pk,
        post.pk,
        210,
    )
