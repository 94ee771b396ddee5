"""PII-01: crawl every GET page, API answer and export (every route of the access registry, with
the kwargs of its RouteSpec, i.e. objects of site B) as a user of site B of every role, over data
seeded with KNOWN ID and phone numbers; no full ID number or mobile number may appear in a body,
a header or a log line. Everything a body shows together about one person (masked number, birth
date, year or age, sex, registered-area code) must leave at least 10,000 candidate ID numbers over
every Ningxia region code (tests/security/candidates.py, ADR 0009); partners and volunteers see no
masked number at all (SECURITY.md PII-01). A route added later is crawled automatically."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest

from lianxin.core.models import AuditEvent
from lianxin.core.roles import NO_PII_ROLES, REVEAL_ROLES, Role
from tests.access.registry import all_routes
from tests.security.bodies import body_text, headers_text, url_for
from tests.security.candidates import THRESHOLD, candidate_count, shown_in
from tests.security.seed import (
    full_ids_in,
    full_mobiles_in,
    record_figure,
    registry_ready,
    seed_all,
)

ROUTES = all_routes()
GET_ROUTES = sorted(n for n, s in ROUTES.items() if "get" in s.methods)
# Any masked ID (old 6+4 or 1+1, or the ADR 0009 forms with the last 1-4 characters) or masked
# mobile: partners and volunteers get none of these.
MASKED_ID_RE = re.compile(
    r"\d[*＊]{6,}[\dX]|\d{6}[*＊]{4,}\d{3}[\dX]|[*＊]{10,}[\dX]{1,8}(?![\dX])"
)
MASKED_MOBILE_RE = re.compile(r"1\d{2}[*＊]{4}\d{4}")


def _crawl_users(world):
    users = [(role.value, world.user(role, "b")) for role in Role]
    users.append(
        ("grid_worker_other_grid", world.user(Role.GRID_WORKER, "b", grid=world.b.other_grid))
    )
    return users


def _tier(role_label, user_grid_id, person):
    """The most a role may see of this person's ID number (independent of the app's code)."""
    role = role_label.removesuffix("_other_grid")
    if role in NO_PII_ROLES:
        return "none"
    if role == Role.GRID_WORKER and person.grid_id == user_grid_id:
        return "case_worker"
    if role == Role.COMMUNITY_STAFF and person.site == "b" and person.area_code:
        return "case_worker"
    return "staff"


# Routes whose body carries synthetic example numbers by design: only the seeded residents'
# numbers are looked for there.
EXAMPLE_NUMBERS = {
    "registry:import_template": "the blank import template's example rows (synthetic numbers)",
}


def _leaks(body, role_label, user_grid_id, seed, artefacts=frozenset(), *, generic=True):
    problems = []
    for number in full_ids_in(body) if generic else []:
        if number not in artefacts:
            problems.append(f"full ID number {number[:3]}…")
    for number in full_mobiles_in(body) if generic else []:
        problems.append(f"full mobile number {number[:3]}…")
    for secret in seed.secrets():
        if secret in body:
            problems.append(f"seeded number {secret[:3]}…")
    role = role_label.removesuffix("_other_grid")
    if role in NO_PII_ROLES:
        if MASKED_ID_RE.search(body):
            problems.append("masked ID number shown to a partner/volunteer")
        if MASKED_MOBILE_RE.search(body):
            problems.append("masked phone number shown to a partner/volunteer")
    for person in seed.people:
        if _tier(role_label, user_grid_id, person) == "staff":
            first6, last4 = re.escape(person.id_number[:6]), re.escape(person.id_number[-4:])
            if re.search(first6 + r"[*＊]{4,}" + last4, body):
                problems.append(f"6+4 mask of {person.name} shown to {role_label}")
        count = rebuild_candidates(body, person.id_number)
        if count is not None and count < THRESHOLD:
            problems.append(f"{person.name}: only {count} candidate ID numbers for {role_label}")
    return problems


def rebuild_candidates(body, number, today=None):
    """Candidate ID numbers left by what ``body`` shows together about the holder of
    ``number`` (None when no masked form of it is shown)."""
    today = today or dt.date.today()
    birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    shown = shown_in(body, number, birth, number[:6], today=today)
    return None if shown is None else candidate_count(shown, today=today)


def _test_data_artefacts():
    """ID numbers that other apps' test factories write into non-personal fields (a household
    number "H-<ID number>"): what users typed there, not a leak of the person's ID field."""
    if not registry_ready():
        return frozenset()
    from django.apps import apps

    numbers = apps.get_model("registry", "Household").objects.values_list("number", flat=True)
    return frozenset(n for text in numbers for n in full_ids_in(text))


@pytest.fixture
def seeded(world):
    return seed_all(world)


def test_crawl_every_page_api_and_export_as_every_role(world, client, seeded, caplog):
    caplog.set_level(logging.DEBUG)
    users = _crawl_users(world)
    urls = {}
    for name in GET_ROUTES:
        urls[name] = url_for(name, ROUTES[name], world)
    search_terms = [p.name for p in seeded.people if p.site == "b"][:1]
    artefacts = _test_data_artefacts()
    problems = []
    pages = 0
    rendered = 0
    for role_label, user in users:
        grid_id = user.assignments.values_list("grid_id", flat=True).first()
        client.force_login(user)
        for name, url in urls.items():
            if "reveal" in name and role_label in REVEAL_ROLES:
                continue  # the reveal itself answers the full number, audited (test_reveal)
            variants = [{}]
            if ROUTES[name].leak_marker and search_terms:
                variants.append({"q": search_terms[0], "search": search_terms[0]})
            for params in variants:
                response = client.get(url, params)
                pages += 1
                rendered += response.status_code == 200
                body = body_text(response) + "\n" + headers_text(response)
                generic = name not in EXAMPLE_NUMBERS
                for problem in _leaks(
                    body, role_label, grid_id, seeded, artefacts, generic=generic
                ):
                    problems.append(f"{name} as {role_label}: {problem}")
        client.logout()
    for record in caplog.records:
        text = record.getMessage()
        for secret in seeded.secrets() + full_ids_in(text):
            if secret in text:
                problems.append(f"log line of {record.name} holds a number {secret[:3]}…")
    record_figure("pii_crawl_requests", pages)
    record_figure("pii_crawl_pages_rendered", rendered)
    record_figure("pii_crawl_routes", len(urls))
    record_figure("pii_crawl_roles", len(users))
    assert problems == [], "\n".join(sorted(set(problems)))
    assert rendered > len(users)  # the crawl did see pages, not only refusals


def test_audit_rows_hold_no_full_numbers(world, seeded):
    """Audit rows name sensitive fields, never their values (core.audit.diff masks them)."""
    leaks = []
    for event in AuditEvent.objects.order_by("id"):
        text = f"{event.target_repr} {event.changes}"
        for secret in seeded.secrets():
            if secret in text:
                leaks.append((event.action, secret[:3]))
    assert leaks == []


def test_the_crawler_detects_a_leak(world, seeded):
    """Control: the detector does find a full number, a 6+4 mask shown to other staff and any
    mask shown to a volunteer."""
    if not registry_ready():
        pytest.skip("registry not installed")
    person = next(p for p in seeded.people if p.site == "b")
    assert _leaks(f"<td>{person.id_number}</td>", "county_staff", None, seeded)
    masked = person.id_number[:6] + "********" + person.id_number[-4:]
    assert _leaks(masked, "township_staff", None, seeded)
    assert _leaks(person.id_number[0] + "*" * 16 + person.id_number[-1], "volunteer", None, seeded)
    assert not _leaks(
        person.id_number[0] + "*" * 16 + person.id_number[-1], "township_staff", None, seeded
    )
    assert _leaks(f"电话 {person.phone}", "grid_worker", None, seeded)
    # the old case-worker presentation: 6+4 beside the birth date is rebuilt exactly
    number = person.id_number
    old = (
        f"{number[:6]}********{number[-4:]} 出生日期 {number[6:10]}-{number[10:12]}-{number[12:14]}"
    )
    assert rebuild_candidates(old, number) == 1
    assert _leaks(old, "grid_worker", world.b.grid.pk, seeded)
