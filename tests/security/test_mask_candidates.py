"""PII-01 as a candidate-count rule (ADR 0009): for every role, every output that shows a
person (registry person and household pages and APIs, the household and key-person ledgers as
CSV and xlsx, the care case page, the printable plan and its PDF) is read as it is served, and
everything it shows together about each seeded resident must leave at least 10,000 candidate ID
numbers over every Ningxia region code, current and historical (tests/security/candidates.py).
The generic crawl (test_pii_crawl.py) applies the same rule to every other route."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lianxin.core.roles import Role
from tests.security.bodies import body_text
from tests.security.candidates import THRESHOLD, candidate_count, shown_in
from tests.security.seed import registry_ready, seed_all

pytestmark = pytest.mark.skipif(not registry_ready(), reason="registry not installed")


def _case_for(world, household):
    try:
        from lianxin.care import services as care
    except ImportError:
        return None
    return care.case_discover(
        actor=world.user(Role.GRID_WORKER, "b"),
        household=household,
        source="grid_visit",
        description="入户摸排发现生活困难",
    )


def _outputs(person_pk, household_pk, case):
    urls = [
        reverse("registry:person_detail", args=[person_pk]),
        reverse("registry:household_detail", args=[household_pk]),
        reverse("registry:household_list"),
        reverse("registry:household_export"),
        reverse("registry:household_export") + "?format=csv",
        reverse("registry:key_person_ledger"),
        reverse("registry:key_person_export"),
        reverse("registry:key_person_export") + "?format=csv",
        reverse("registry:duplicate_list"),
        "/api/v1/persons/",
        f"/api/v1/persons/{person_pk}/",
        f"/api/v1/households/{household_pk}/",
    ]
    if case is not None:
        urls += [
            reverse("care:case_detail", args=[case.pk]),
            reverse("care:plan_print", args=[case.pk]),
            reverse("care:plan_pdf", args=[case.pk]),
        ]
    return urls


def test_every_person_output_leaves_10000_candidates_for_every_role(world, client):
    seed = seed_all(world)
    household = seed.objects["households_b"][0]
    people = [p for p in seed.people if p.site == "b"]
    person = next(p for p in people if p.grid_id == household.grid_id)
    case = _case_for(world, household)
    users = [(role.value, world.user(role, "b")) for role in Role]
    users.append(
        ("grid_worker_other_grid", world.user(Role.GRID_WORKER, "b", grid=world.b.other_grid))
    )
    today = dt.date.today()
    problems, masked_seen = [], 0
    for label, user in users:
        client.force_login(user)
        for url in _outputs(person.pk, household.pk, case):
            response = client.get(url)
            if response.status_code != 200:
                continue
            body = body_text(response)
            for p in people:
                birth = dt.date(
                    int(p.id_number[6:10]), int(p.id_number[10:12]), int(p.id_number[12:14])
                )
                shown = shown_in(body, p.id_number, birth, p.id_number[:6], today=today)
                if shown is None:
                    continue
                masked_seen += 1
                count = candidate_count(shown, today=today)
                if count < THRESHOLD:
                    problems.append(f"{url} as {label}: {p.name} narrows to {count}")
        client.logout()
    assert problems == [], "\n".join(problems)
    assert masked_seen > 50  # the outputs did show masked numbers to read
