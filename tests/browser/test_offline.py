"""Issue #21 on a phone: the grid worker opens the offline app once online, loses the signal,
records a visit, a discovery with a photo and an alert verification, reloads the page without
network and still sees them queued; back online they are synced once each (checked in the
database), a second sync of the same queue creates nothing, a conflict is shown in Chinese and
resolved, an expired session asks for login before syncing, and logout empties the device."""

from __future__ import annotations

import time
from typing import Any

import pytest

from lianxin.care.models import CareCase, FollowUp, InvestigationPhoto, Stage
from lianxin.care.tests.factories import Actors, case_at, household
from lianxin.monitoring import services as monitoring_services
from lianxin.monitoring.models import Alert
from lianxin.offline.models import Submission
from lianxin.offline.tests.factories import open_alert, png_bytes

PHONE = {"width": 390, "height": 844}

SNAPSHOT_JS = """async () => {
  const items = await LianxinOfflineDB.outboxAll();
  const b64 = async (blob) => {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = ""; for (const b of bytes) s += String.fromCharCode(b); return btoa(s);
  };
  return Promise.all(items.map(async (i) => ({...i, photos: await Promise.all(
    (i.photos || []).map(async (p) => ({name: p.name, size: p.size, b64: await b64(p.blob)})))})));
}"""
RESTORE_JS = """async (items) => {
  for (const i of items) {
    i.photos = i.photos.map((p) => {
      const bin = atob(p.b64); const a = new Uint8Array(bin.length);
      for (let k = 0; k < bin.length; k++) a[k] = bin.charCodeAt(k);
      return {name: p.name, size: p.size, blob: new Blob([a], {type: "image/png"})};
    });
    i.status = "pending";
    await LianxinOfflineDB.outboxPut(i);
  }
}"""
DEVICE_DATA_JS = """async () => ({
  databases: (await indexedDB.databases()).map((d) => d.name),
  caches: await caches.keys(),
  workers: (await navigator.serviceWorker.getRegistrations()).length,
})"""


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(30000)
    page = context.new_page()
    yield page
    context.close()


def _until(page: Any, script: str, timeout: float = 30.0) -> Any:
    """Poll ``script`` (a JS function) until it returns a truthy value (wait_for_function
    evaluates a string, which the app's Content-Security-Policy forbids)."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {script}")
        page.wait_for_timeout(150)


def _open_offline_app(page: Any, login_as: Any, user: Any) -> None:
    login_as(page, user)
    assert page.locator("link[rel=manifest]").count() == 1
    page.goto("/offline/")
    page.wait_for_selector("body[data-sw=ready]")
    # installing precaches the shell's static files through the test server: on a loaded
    # machine that took over 30 s once (PostgreSQL suite, 2026-12-02)
    _until(page, "() => navigator.serviceWorker.controller !== null", timeout=90)
    _until(page, "async () => (await caches.match('/offline/')) !== undefined")
    page.wait_for_selector("[data-testid=household]")


def _items(page: Any, status: str) -> Any:
    return page.locator(f"[data-testid=outbox-item][data-status={status}]")


def _wait_items(page: Any, status: str, count: int) -> None:
    selector = f"[data-testid=outbox-item][data-status={status}]"
    _until(page, f"() => document.querySelectorAll('{selector}').length === {count}")


def test_offline_visit_discovery_and_alert_sync_once(
    world, phone, login_as, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    case, actors = case_at(world, "planned")
    new_home = household(actors.site, members=[("马福祥", "户主")])
    alert = open_alert(actors.site, name="王德福")
    page = phone

    _open_offline_app(page, login_as, actors.grid_worker)
    assert "马*祥" in page.locator(f"[data-number='{new_home.number}']").inner_text()
    assert "马福祥" not in page.content()
    page.context.set_offline(True)
    assert page.locator("[data-testid=net-status]").inner_text() == "离线"

    # a visit
    page.locator(f"[data-number='{case.household.number}'] [data-testid=household-visit]").click()
    page.fill("#f-notes", "老人身体好转，低保已到账")
    page.click("[data-testid=form-save]")
    # a discovery with a photo
    page.locator(f"[data-number='{new_home.number}'] [data-testid=household-discover]").click()
    page.fill("#f-description", "独居老人，屋顶漏雨")
    photo = tmp_path / "屋顶.png"
    photo.write_bytes(png_bytes(8))
    page.set_input_files("#f-photos", str(photo))
    page.click("[data-testid=form-save]")
    # an alert verification
    page.locator(f"[data-alert='{alert.pk}'] [data-testid=alert-verify]").click()
    page.check("input[name=result][value=rejected]")
    page.fill("#f-note", "子女已接回同住")
    page.click("[data-testid=form-save]")
    _wait_items(page, "pending", 3)

    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    _wait_items(page, "pending", 3)
    assert page.locator("[data-testid=outbox-count]").inner_text() == "3"
    assert (
        page.locator("[data-testid=outbox-item] [data-testid=item-status]").all_inner_texts()
        == ["待同步"] * 3
    )
    assert (
        "照片 1 张" in page.locator("[data-testid=outbox-item][data-kind=discovery]").inner_text()
    )
    screenshot(page, "offline-queued-phone")
    assert FollowUp.objects.filter(case=case).count() == 0
    assert not CareCase.objects.filter(household=new_home).exists()
    queue = page.evaluate(SNAPSHOT_JS)

    page.context.set_offline(False)
    _wait_items(page, "synced", 3)
    screenshot(page, "offline-synced-phone")
    followup = FollowUp.objects.get(case=case)
    assert followup.notes == "老人身体好转，低保已到账"
    opened = CareCase.objects.get(household=new_home)
    assert opened.stage == Stage.DISCOVERED
    assert InvestigationPhoto.objects.filter(investigation__case=opened).count() == 1
    alert.refresh_from_db()
    assert (alert.status, alert.verification_note) == ("rejected", "子女已接回同住")
    assert Submission.objects.filter(user=actors.grid_worker).count() == 3

    # the same queue sent again (an old copy, a lost answer): nothing new
    page.evaluate(RESTORE_JS, queue)
    page.reload()
    _wait_items(page, "synced", 3)
    assert FollowUp.objects.filter(case=case).count() == 1
    assert CareCase.objects.filter(household=new_home).count() == 1
    assert InvestigationPhoto.objects.count() == 1
    assert Submission.objects.count() == 3

    before = page.evaluate(DEVICE_DATA_JS)
    assert "lianxin-offline" in before["databases"]
    assert before["caches"]
    page.click("[data-testid=offline-logout]")
    page.wait_for_url("**/accounts/login/**")
    after = page.evaluate(DEVICE_DATA_JS)
    assert after == {"databases": [], "caches": [], "workers": 0}


def test_a_conflict_is_shown_in_chinese_and_resolved_by_the_worker(
    world, phone, login_as, screenshot
):
    actors = Actors(world)
    household(actors.site)
    alert = open_alert(actors.site, name="李秀英")
    page = phone
    _open_offline_app(page, login_as, actors.grid_worker)
    page.context.set_offline(True)
    page.locator(f"[data-alert='{alert.pk}'] [data-testid=alert-verify]").click()
    page.check("input[name=result][value=confirmed]")
    page.select_option("#f-outcome", "care_discovery")
    page.fill("#f-note", "确系独居，需要帮扶")
    page.click("[data-testid=form-save]")
    _wait_items(page, "pending", 1)

    # meanwhile a colleague of the community verifies the same alert
    monitoring_services.alert_verify(
        actor=actors.community, alert=alert, confirmed=False, note="已电话核实，子女同住"
    )
    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=outbox-item][data-status=conflict]")
    message = page.locator("[data-testid=item-message]").inner_text()
    assert message.startswith("该预警在您离线期间已被核实：")
    assert "「不属实」" in message
    assert "已电话核实，子女同住" in message
    screenshot(page, "offline-conflict-phone")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=item-discard]")
    _until(page, "() => document.querySelectorAll('[data-testid=outbox-item]').length === 0")
    assert "已放弃该记录" in page.locator("[data-testid=flash]").inner_text()
    kept = Submission.objects.get(user=actors.grid_worker)
    assert (kept.status, kept.kind) == ("discarded", "alert_verification")
    assert "确系独居，需要帮扶" in kept.payload
    alert.refresh_from_db()
    assert (alert.status, alert.verified_by) == (Alert.Status.REJECTED, actors.community)


def test_an_expired_session_asks_for_login_and_keeps_the_queue(world, phone, login_as):
    case, actors = case_at(world, "planned")
    page = phone
    _open_offline_app(page, login_as, actors.grid_worker)
    page.context.set_offline(True)
    page.locator(f"[data-number='{case.household.number}'] [data-testid=household-visit]").click()
    page.fill("#f-notes", "门口交谈，情况稳定")
    page.click("[data-testid=form-save]")
    _wait_items(page, "pending", 1)

    page.context.clear_cookies()  # the session ended while the phone was offline
    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=login-link]")
    assert "登录已过期" in page.locator("[data-testid=session-status]").inner_text()
    assert _items(page, "pending").count() == 1
    assert (
        page.locator("[data-testid=households]").inner_text()
        == "本机没有网格数据：请联网并登录后打开本页"
    )
    assert FollowUp.objects.filter(case=case).count() == 0

    with page.expect_navigation(url="**/accounts/login/**"):
        page.click("[data-testid=login-link]")
    page.fill("#id_username", actors.grid_worker.username)
    from conftest import PASSWORD

    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/offline/")
    page.wait_for_selector("[data-testid=outbox-item][data-status=synced]")
    assert FollowUp.objects.get(case=case).notes == "门口交谈，情况稳定"
