"""Browser tests: Playwright (Python) driving Debian's chromium against pytest-django's live
server. Without chromium, the tests are skipped with a message saying how to install it; under
CI=true a missing browser is a failure, not a skip."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def chromium_path() -> str | None:
    found = os.environ.get("CHROMIUM") or next(
        (p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None
    )
    return found or shutil.which("chromium")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        message = "未找到 chromium：请运行 `sudo apt-get install chromium`（或 make browser-deps）后再运行浏览器测试"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _warm_urlconf() -> None:
    """Import every view before the browser's first request: the first request of a cold
    live server would otherwise spend its time importing scikit-learn for routing."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    import lianxin.hotline.routing  # noqa: F401


def _page(browser: Any, live_server: Any, **options: Any) -> Iterator[Any]:
    """A page of a new Chinese-locale browser context on the live server."""
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, **options)
    context.set_default_timeout(30000)
    page = context.new_page()
    page.live_server_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def page(browser: Any, live_server: Any, request: Any) -> Iterator[Any]:
    viewport = getattr(request, "param", None) or {"width": 1280, "height": 800}
    yield from _page(browser, live_server, viewport=viewport)


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized page (390×844, touch) for grid workers' flows."""
    yield from _page(
        browser, live_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )


@pytest.fixture
def login_as() -> Any:
    """Log a page in through the real login form."""
    from conftest import PASSWORD

    def _login(page: Any, user: Any, password: str = PASSWORD) -> Any:
        page.goto("/accounts/login/")
        if "/accounts/login/" not in page.url:
            # Still logged in: an answer to the previous page that came after the test cleared
            # the cookies set the session again (seen on a loaded machine). Start over.
            page.wait_for_load_state("networkidle")
            page.context.clear_cookies()
            page.goto("/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return _login


@pytest.fixture
def screenshot() -> Any:
    def _shot(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
