"""`lianxin demo --households N` grows a demoed database to N synthetic households whatever
count it was demoed with before (issue #15: 50 then 100 failed on a duplicate id_hash)."""

from __future__ import annotations

from lianxin.registry.demo import synthetic_load
from lianxin.registry.models import Household, Person

SEED = 20261122  # the demo command's default


def _synthetic():
    return {
        h.number: sorted(
            Person.objects.filter(memberships__household=h).values_list("id_hash", flat=True)
        )
        for h in Household.objects.filter(number__contains="-S")
    }


def test_a_larger_count_adds_households_and_keeps_the_first(world):
    assert synthetic_load(count=50, seed=SEED)[0] == 50
    first = _synthetic()
    assert synthetic_load(count=100, seed=SEED)[0] == 50
    after = _synthetic()
    assert len(after) == 100
    assert {n: after[n] for n in first} == first
    hashes = list(Person.objects.values_list("id_hash", flat=True))
    assert len(hashes) == len(set(hashes))
    assert synthetic_load(count=100, seed=SEED) == (0, 0)
    assert synthetic_load(count=30, seed=SEED) == (0, 0)


def test_a_household_holds_the_same_people_whatever_the_count(world):
    from django.db import transaction

    with transaction.atomic():
        synthetic_load(count=3, seed=SEED)
        small = _synthetic()
        transaction.set_rollback(True)
    assert not _synthetic()
    synthetic_load(count=9, seed=SEED)
    large = _synthetic()
    assert {n: large[n] for n in small} == small
