"""Community staff, on a phone (390×844), file an application on a resident's behalf (申请代办):
find the household, pick the member and the policy, attach a photo of the signed form, submit;
the application page shows it waiting for review, with the document."""

from __future__ import annotations

from pathlib import Path

from lianxin.benefits.models import Application
from lianxin.benefits.tests import factories as f
from lianxin.core.roles import Role

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_community_staff_files_an_application_on_a_phone(
    world, phone_page, login_as, screenshot, tmp_path: Path
):
    pols = f.policies(world)
    hh, person = f.disabled_in_dibao(world.a, grade=1, name="马秀兰")
    staff = world.user(Role.COMMUNITY_STAFF, "a")
    photo = tmp_path / "申请表.png"
    photo.write_bytes(PNG)
    page = phone_page
    login_as(page, staff)

    page.goto("/benefits/")
    assert _fits_the_screen(page)
    page.click("[data-testid=new-application]")
    page.fill("#household", hh.number)
    page.click("[data-testid=find-household]")
    page.wait_for_selector("[data-testid=application-form]")
    page.select_option("#id_person", str(person.pk))
    page.select_option("#id_policy", str(pols["living"].pk))
    page.fill("#id_reason", "一级肢体残疾，家庭享受低保，本人行动不便，社区代为申请")
    page.set_input_files("#id_document", str(photo))
    assert _fits_the_screen(page)
    screenshot(page, "benefits-apply-phone")
    page.click("[data-testid=file-application]")

    app = None
    page.wait_for_selector("[data-testid=application-status]")
    app = Application.objects.get(person=person)
    assert page.locator("[data-testid=application-status]").inner_text() == "待审核"
    assert "申请表" in page.content()
    assert "符合资格条件" in page.content()
    assert _fits_the_screen(page)
    screenshot(page, "benefits-application-phone")
    assert (app.status, app.source, app.standard_key, app.documents.count()) == (
        "submitted",
        "proxy",
        "1",
        1,
    )
