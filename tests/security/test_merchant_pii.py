"""PII-01 for the love alliance's merchants: a partner's staff (Role.PARTNER with its
organisation) crawl every GET page, API answer and export of the access registry, and check and
redeem the love cards of the seeded residents; they never see a resident's name (only the
surname and ＊), an ID or phone number (not even masked), a household number or an address.
The generic crawler (test_pii_crawl) runs the partner role without an organisation; this adds
the merchant who does reach cards."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianxin.registry.models import AssistanceStatus, Household
from lianxin.resources import services
from lianxin.resources.selectors import masked_name
from lianxin.resources.tests import factories as f
from tests.access.registry import all_routes
from tests.access.routes_resources import resources_b
from tests.security.bodies import body_text, headers_text, url_for
from tests.security.seed import registry_ready, seed_all
from tests.security.test_pii_crawl import EXAMPLE_NUMBERS, _leaks

ROUTES = all_routes()


@pytest.fixture
def seeded(world):
    return seed_all(world)


def test_a_merchant_sees_no_resident_data_anywhere(world, client, seeded):
    if not registry_ready():
        pytest.skip("registry not installed")
    b = resources_b(world)
    al, offer = b["alliance"], b["offer"]
    households = seeded.objects["households_b"]
    for hh in households:
        AssistanceStatus.objects.create(
            household=hh, assistance_type="低保", started_on=services.today()
        )
    cards = services.cards_issue(
        actor=al.county, area_code=world.b.county.code, household_ids=[h.pk for h in households]
    ).cards
    assert len(cards) == len(households) == 4
    secrets = [p.name for p in seeded.people] + ["乙地持卡人"]
    secrets += list(Household.objects.values_list("number", flat=True))
    secrets += [h.address for h in Household.objects.exclude(address="")]
    examples = {url_for(n, ROUTES[n], world) for n in EXAMPLE_NUMBERS if n in ROUTES}
    urls = [
        url_for(name, spec, world) for name, spec in sorted(ROUTES.items()) if "get" in spec.methods
    ]
    for card in cards:
        urls.append(reverse("resources:redeem") + f"?number={card.number}")
        urls.append(f"/api/v1/resources/cards/{card.number}/check/")
    client.force_login(al.merchant)
    f.redeem(al.merchant, cards[0].number, offer)
    problems, masked_seen = [], 0
    for url in urls:
        response = client.get(url)
        body = body_text(response) + "\n" + headers_text(response)
        generic = url not in examples  # synthetic example numbers of a blank template
        problems += [f"{url}: {p}" for p in _leaks(body, "partner", None, seeded, generic=generic)]
        problems += [f"{url}: shows {s[:2]}…" for s in secrets if s and s in body]
        masked_seen += any(masked_name(p.name) in body for p in seeded.people)
    assert problems == []
    assert masked_seen == 2 * len(cards)  # the page and the API of each card, masked
