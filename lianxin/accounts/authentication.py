"""API tokens that end like sessions (AUTH-02): after 30 idle minutes, and at the latest
12 hours after they were issued. The last use is kept in the cache under a hash of the key."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

IDLE = dt.timedelta(seconds=getattr(settings, "SESSION_COOKIE_AGE", 1800))
MAX_AGE = dt.timedelta(hours=12)
# the last use is written at most once a minute: a token may end up to a minute early, never late
REFRESH = dt.timedelta(seconds=60)
EXPIRED = "令牌已过期，请重新登录"


def _seen_key(key: str) -> str:
    return "token-seen:" + hashlib.sha256(key.encode()).hexdigest()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        now = timezone.now()
        last_seen = cache.get(_seen_key(key)) or token.created
        if now - token.created > MAX_AGE or now - last_seen > IDLE:
            token.delete()
            cache.delete(_seen_key(key))
            raise AuthenticationFailed(EXPIRED)
        if now - last_seen >= REFRESH:  # not a cache write on every API call
            cache.set(_seen_key(key), now, int(IDLE.total_seconds()))
        return user, token
