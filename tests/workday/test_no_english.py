"""No English or raw codes on screen (issue #12, item 7): every page, as every role of site B
(the harness builds its objects there), shows Chinese labels. Visible text is searched for
ASCII identifiers (``living_subsidy_missing``, ``civil_affairs``, ``Splink``…) outside a short
allow-list of names of standards, formats and units. Monitoring pages are checked by their own
tests (their follow-up is another issue)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from lianxin.core.roles import ADMIN_ROLES, Role
from tests.access.registry import all_routes

ROUTES = all_routes()
ROLES = [r for r in Role if r not in ADMIN_ROLES]
# Words a Chinese user reads as they are: formats, standards, product and unit names.
ALLOWED = {
    "Excel", "CSV", "PDF", "JPEG", "PNG", "WebP", "MB", "KB", "GB", "API", "Open311", "WCAG",
    "GB/T", "xlsx", "csv", "ECharts", "Lianxin", "AA", "Word", "MIT", "echarts",
}  # fmt: skip
# Pages outside this check, each with its reason.
SKIPPED_PREFIXES = (
    "api:",  # JSON for programs, not pages
    "open311:",  # the Open311 standard's own vocabulary
    "monitoring:",  # roster comparison: its own issue (rosters engineer)
    "accounts:api_docs",
    "accounts:schema",  # noqa: RUF100
)
IDENT = re.compile(
    r"(?<![\w/.#-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|(?<![\w/.#@-])[A-Za-z]{3,}(?![\w/.])"
)


class _Text(HTMLParser):
    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        for name, value in attrs:  # what a user reads without the page's text
            if name in ("placeholder", "title", "alt", "aria-label") and value:
                self.parts.append(value)
            if (
                tag == "input"
                and name == "value"
                and dict(attrs).get("type") in ("submit", "button")
            ):
                self.parts.append(value or "")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


TEST_USERNAME = re.compile(r"^[a-z_]+_[ab]_\d+$")  # the harness's users have no display name


URL = re.compile(
    r"https?://\S+"
)  # an address shown to be copied (the seekers' form) is not a label


def ascii_identifiers(text: str) -> list[str]:
    text = URL.sub(" ", text)
    return sorted(
        {m for m in IDENT.findall(text) if m not in ALLOWED and not TEST_USERNAME.match(m)}
    )


def test_the_detector_finds_what_the_issue_reported():
    text = visible_text(
        "<p>规则 living_subsidy_missing，部门 civil_affairs；未提供：medical；Splink；"
        "引擎 DuckDB</p><p>导出Excel、PDF</p><script>var x_y = 1</script>"
    )
    assert ascii_identifiers(text) == [
        "DuckDB",
        "Splink",
        "civil_affairs",
        "living_subsidy_missing",
        "medical",
    ]


PAGES = sorted(
    n
    for n, s in ROUTES.items()
    if "get" in s.methods and not s.public and not n.startswith(SKIPPED_PREFIXES)
)


@pytest.mark.parametrize("name", PAGES)
def test_page_shows_no_english(name, world, client):
    spec = ROUTES[name]
    url = reverse(name, kwargs=spec.kwargs(world) if spec.kwargs else None)
    found: dict[str, list[str]] = {}
    for role in ROLES:
        client.force_login(world.user(role, "b"))
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        words = ascii_identifiers(visible_text(response.content.decode()))
        if words:
            found[role] = words
        client.logout()
    assert found == {}, f"{url}: {found}"
