"""50 concurrent claims of one wish and 50 concurrent takes of one task: exactly one succeeds,
on SQLite and on PostgreSQL (threads released together by a barrier, real transactions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError

from lianxin.core.roles import Role
from lianxin.core.tests.concurrency import race
from lianxin.volunteers import services
from lianxin.volunteers.models import ServiceTask, Wish, WishClaim

from . import factories as f

N = 50
pytestmark = pytest.mark.django_db(transaction=True)


def _race(work: Callable[[int], Any], n: int = N) -> list[Any]:
    # SQLite: "database is locked" for a writer that waited too long
    return race(work, n, locked=OperationalError)


def test_fifty_claims_of_one_wish_one_winner(world):
    community = world.user(Role.COMMUNITY_STAFF, "a")
    wish, _ = f.wish(community, f.elderly_woman(world.a), "书包", 9_900, category="study")
    partners = [f.partner(world)[0] for _ in range(N)]
    results = _race(
        lambda i: services.wish_claim(actor=partners[i], obj=Wish.objects.get(pk=wish.pk))
    )
    assert results.count("ok") == 1, results
    assert set(results) - {"ok"} <= {"conflict", "locked"}
    winner = partners[results.index("ok")]
    wish.refresh_from_db()
    assert wish.claimant_user_id == winner.pk
    assert WishClaim.objects.filter(wish=wish).count() == 1


def test_fifty_takes_of_one_task_one_winner(world):
    community = world.user(Role.COMMUNITY_STAFF, "a")
    team = f.team(world, community)
    users = [f.volunteer(world, community, team=team)[0] for _ in range(N)]
    task = services.task_create(
        actor=community,
        kind="shopping",
        title="代购米面",
        team=team,
        person=f.elderly_woman(world.a),
    )
    results = _race(
        lambda i: services.task_take(actor=users[i], obj=ServiceTask.objects.get(pk=task.pk))
    )
    assert results.count("ok") == 1, results
    assert set(results) - {"ok"} <= {"conflict", "locked"}
    task.refresh_from_db()
    assert task.volunteer.user_id == users[results.index("ok")].pk
