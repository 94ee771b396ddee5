"""An API token's last use is written to the cache at most once a minute (issue #15, load test:
with the database cache every API call cost five statements), and idle tokens still end."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from lianxin.core.roles import Role


def test_last_use_is_written_once_a_minute(world, client):
    from rest_framework.authtoken.models import Token

    cache.clear()
    token = Token.objects.create(user=world.user(Role.GRID_WORKER, "a"))
    header = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    start = timezone.now() + dt.timedelta(minutes=5)
    with mock.patch.object(cache, "set", wraps=cache.set) as writes:
        for seconds in (0, 10, 30, 59):
            with time_machine.travel(start + dt.timedelta(seconds=seconds), tick=False):
                assert client.get(reverse("api:me"), **header).status_code == 200
        assert writes.call_count == 1
        with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
            assert client.get(reverse("api:me"), **header).status_code == 200
        assert writes.call_count == 2
    with time_machine.travel(start + dt.timedelta(seconds=61, minutes=31), tick=False):
        assert client.get(reverse("api:me"), **header).status_code == 401
