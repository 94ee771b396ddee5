"""Take the README's screenshots from a running demo (`make run`), with Debian's chromium.

.venv/bin/python docs/screenshots/make_screenshots.py [http://127.0.0.1:8000]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
PASSWORD = "Lianxin@2026"  # noqa: S105  (the printed demo accounts)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
]

SHOTS = [
    # (file, username, path, viewport)
    ("home.png", "grid_worker_a", "/", {"width": 390, "height": 844}),
    ("monitoring.png", "county_staff_a", "/monitoring/", {"width": 1280, "height": 900}),
    ("hotline.png", "hotline_agent_a", "/hotline/reports/", {"width": 1280, "height": 900}),
    ("intake.png", "hotline_agent_a", "/hotline/intake/", {"width": 1280, "height": 900}),
    ("care.png", "township_staff_a", "/care/", {"width": 1280, "height": 900}),
    (
        "household-hub.png",
        "grid_worker_a",
        "/registry/households/1/",
        {"width": 390, "height": 844},
    ),
    ("community-todos.png", "community_staff_a", "/care/reviews/", {"width": 390, "height": 844}),
    ("unit-queue.png", "unit_staff_a", "/hotline/unit/", {"width": 1280, "height": 900}),
    ("leader.png", "leader_a", "/care/leader/", {"width": 1280, "height": 900}),
    (
        "county-measures.png",
        "county_staff_a",
        "/care/measures/?overdue=1",
        {"width": 1280, "height": 900},
    ),
]


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, username, path, viewport in SHOTS:
            context = browser.new_context(
                viewport=viewport, locale="zh-CN", base_url=base, is_mobile=viewport["width"] < 500
            )
            page = context.new_page()
            page.goto("/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_load_state("networkidle")
            response = page.goto(path)
            if response is None or response.status != 200:
                print(f"skip {name}: {path} answered {response.status if response else 'nothing'}")
                context.close()
                continue
            page.wait_for_timeout(800)
            page.screenshot(path=str(HERE / name), full_page=False)
            print(f"wrote {HERE / name}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
