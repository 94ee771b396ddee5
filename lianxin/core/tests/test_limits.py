"""core.limits: a sliding-window limit decided under a row lock (PII-02, CONC-01)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from lianxin.core import limits
from lianxin.core.models import LimitUse
from lianxin.core.tests.concurrency import at_once

T0 = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


def test_limit_counts_and_slides(db):
    uses = [
        limits.consume("k", limit=3, period=3600, now=T0 + dt.timedelta(minutes=m))
        for m in range(5)
    ]
    assert uses == [True, True, True, False, False]
    assert LimitUse.objects.count() == 3  # refusals write nothing
    # 60 minutes after the first use it has left the window
    assert limits.consume("k", limit=3, period=3600, now=T0 + dt.timedelta(minutes=60)) is True
    assert limits.consume("k", limit=3, period=3600, now=T0 + dt.timedelta(minutes=60)) is False
    assert limits.used("k", period=3600, now=T0 + dt.timedelta(minutes=60)) == 3
    assert limits.consume("other", limit=1, period=3600, now=T0) is True
    assert limits.consume("zero", limit=0, period=3600, now=T0) is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("postgres" not in os.environ.get("DATABASE_URL", ""), reason="PostgreSQL")
def test_fifty_threads_one_limit_of_ten():
    n = 50
    results = at_once(lambda i: limits.consume("race", limit=10, period=3600), n)
    assert results.count(True) == 10
    assert results.count(False) == 40
    assert LimitUse.objects.count() == 10


def test_public_throttle_counts_per_address_and_scope():
    from django.core.cache import cache
    from django.test import RequestFactory

    cache.clear()
    one = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1")
    other = RequestFactory().post("/", REMOTE_ADDR="10.0.0.2")
    answers = [limits.public_throttled(one, "form", limit=3) for _ in range(5)]
    assert answers == [False, False, False, True, True]
    assert not limits.public_throttled(other, "form", limit=3)
    assert not limits.public_throttled(one, "lookup", limit=3)
    cache.clear()
