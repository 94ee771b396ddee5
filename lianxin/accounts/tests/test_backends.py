"""The session's user is read with his active grants in one statement (issue #15); the scope
built from them is the one read separately, and a removed assignment counts at once."""

from __future__ import annotations

from django.contrib.auth import get_user
from django.urls import reverse

from lianxin.accounts.backends import ScopedModelBackend
from lianxin.accounts.models import Assignment, User
from lianxin.accounts.selectors import GRANTS_ATTRIBUTE, scope_for_user
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of


def test_the_user_and_his_grants_are_one_statement(world, django_assert_num_queries):
    user = world.user(Role.GRID_WORKER, "a")
    Assignment.objects.create(user=user, role=Role.COMMUNITY_STAFF, area=world.b.village)
    Assignment.objects.create(
        user=user, role=Role.TOWNSHIP_STAFF, area=world.a.township, is_active=False
    )
    with django_assert_num_queries(1):
        loaded = ScopedModelBackend().get_user(user.pk)
        scope = scope_of(loaded)
    separate = scope_for_user(User.objects.get(pk=user.pk))  # read on first use
    assert scope == separate
    assert [(g.role, g.area_code, g.grid_id) for g in scope.grants] == [
        (Role.GRID_WORKER, world.a.village.code, world.a.grid.pk),
        (Role.COMMUNITY_STAFF, world.b.village.code, None),
    ]


def test_a_user_without_assignments_has_no_grants(world):
    user = User.objects.create_user(username="nobody", password="Test-Passw0rd!")
    loaded = ScopedModelBackend().get_user(user.pk)
    assert getattr(loaded, GRANTS_ATTRIBUTE) == []
    assert scope_of(loaded).grants == ()


def test_an_inactive_or_missing_user_is_not_loaded(world):
    user = world.user(Role.GRID_WORKER, "a")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ScopedModelBackend().get_user(user.pk) is None
    assert ScopedModelBackend().get_user(10**9) is None


def test_an_assignment_removed_during_a_session_counts_on_the_next_request(world, client, rf):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    client.force_login(user)
    assert client.get(reverse("registry:household_list")).status_code == 200
    request = rf.get("/")
    request.session = client.session
    assert isinstance(get_user(request), User)
    user.assignments.update(is_active=False)
    assert client.get(reverse("registry:household_list")).status_code == 403
    assert client.get(reverse("api:grid_list")).json()["count"] == 0
