"""20 merchants' tills redeem one card for one offer at the same moment (a barrier releases
them together): the monthly limit (3) holds — exactly 3 redemptions, 17 refusals with 409, the
counter row says 3. PostgreSQL only: SQLite serialises writers by design."""

from __future__ import annotations

import os

import pytest

from lianxin.core.tests.concurrency import race
from lianxin.resources.models import CardMonthUsage, Offer, Redemption
from lianxin.resources.tests import factories as f

THREADS = 20
LIMIT = 3
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="real concurrency needs PostgreSQL",
    ),
]


def test_twenty_concurrent_redemptions_respect_the_monthly_limit(world):
    al = f.Alliance(world)
    offer = f.offer(al, limit_per_month=LIMIT)
    card = f.card(al, f.household(world.a))
    tills = [f.merchant_user(al, al.partner) for _ in range(THREADS)]
    results = race(
        lambda i: f.redeem(
            tills[i],
            card.number,
            Offer.objects.get(pk=offer.pk),
            item="布洛芬",
            market_price_fen=2000,
            price_paid_fen=1800,
        ),
        THREADS,
        refused=lambda exc: f"{exc.status_code}",
    )
    assert sorted(results) == ["409"] * (THREADS - LIMIT) + ["ok"] * LIMIT
    assert Redemption.objects.filter(card=card).count() == LIMIT
    assert CardMonthUsage.objects.get(card=card, offer=offer).count == LIMIT
