"""20 merchants' tills redeem one card for one offer at the same moment (a barrier releases
them together): the monthly limit (3) holds — exactly 3 redemptions, 17 refusals with 409, the
counter row says 3. PostgreSQL only: SQLite serialises writers by design."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connections

from lianxin.core.errors import ApplicationError
from lianxin.resources import services
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
    barrier = threading.Barrier(THREADS)
    results: list[str] = [""] * THREADS

    def run(index: int) -> None:
        try:
            barrier.wait()
            services.card_redeem(
                actor=tills[index],
                number=card.number,
                offer=Offer.objects.get(pk=offer.pk),
                item="布洛芬",
                market_price_fen=2000,
                price_paid_fen=1800,
            )
            results[index] = "ok"
        except ApplicationError as exc:
            results[index] = f"{exc.status_code}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["409"] * (THREADS - LIMIT) + ["ok"] * LIMIT
    assert Redemption.objects.filter(card=card).count() == LIMIT
    assert CardMonthUsage.objects.get(card=card, offer=offer).count == LIMIT
