"""“My work” panels on the home page: each app registers a function that returns panels
(title, figures, links) for a user; the home page shows those that answer for the user's roles.

The panels of a user are kept in the cache for ``settings.LIANXIN_HOME_PANELS_SECONDS`` (30 s;
0 turns it off, as the test settings do): the home page is the page every user opens most, and
its panels are two to three dozen counts over the user's areas (issue #15, load test). What is
kept is one user's panels under a key holding the user's id and a digest of the user's grants
(role, area, grid, organisation of every active assignment): never shared across users, and a
changed assignment is a different key at once. The user's own writes drop it
(``forget_panels``, called by ``PanelsForgetMiddleware`` after any successful POST, PUT, PATCH or
DELETE), so the user sees his own work counted on his next visit; other users' work shows within
the short TTL, as on a page left open for half a minute. The queues and lists behind the figures
are never cached."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache

from .scoping import scope_of

log = logging.getLogger(__name__)


@dataclass
class Panel:
    title: str
    figures: list[tuple[str, Any]] = field(default_factory=list)  # (label, value)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    order: int = 100


_PROVIDERS: list[tuple[frozenset[str] | None, Callable[[Any], Iterable[Panel]]]] = []


def register(
    provider: Callable[[Any], Iterable[Panel]], *, roles: Iterable[str] | None = None
) -> None:
    entry = (frozenset(roles) if roles is not None else None, provider)
    if entry not in _PROVIDERS:
        _PROVIDERS.append(entry)


def _compute(user: Any, roles: frozenset[str]) -> list[Panel]:
    panels: list[Panel] = []
    for wanted, provider in _PROVIDERS:
        if wanted is None or wanted & roles:
            panels.extend(provider(user))
    return sorted(panels, key=lambda p: p.order)


def _key(user: Any) -> str:
    """The user's id and a digest of the user's grants (the roles are the grants' roles)."""
    grants = scope_of(user).grants
    digest = hashlib.sha256(repr(grants).encode()).hexdigest()[:32]
    return f"lianxin:home-panels:{user.pk}:{digest}"


def _seconds() -> int:
    return int(getattr(settings, "LIANXIN_HOME_PANELS_SECONDS", 0) or 0)


def panels_for(*, user: Any, roles: frozenset[str]) -> list[Panel]:
    seconds = _seconds()
    if seconds <= 0 or getattr(user, "pk", None) is None or roles != scope_of(user).roles:
        return _compute(user, roles)
    key = _key(user)
    try:
        kept = cache.get(key)
    except Exception:  # a cache that is down costs the counts, never the page
        log.warning("home panels: cache read failed", exc_info=True)
        return _compute(user, roles)
    if kept is not None:
        return list(kept)
    panels = _compute(user, roles)
    try:
        cache.set(key, panels, seconds)
    except Exception:
        log.warning("home panels: cache write failed", exc_info=True)
    return panels


def forget_panels(user: Any) -> None:
    """Drop a user's kept panels (after the user changed something)."""
    if _seconds() <= 0 or not getattr(user, "is_authenticated", False):
        return
    try:
        cache.delete(_key(user))
    except Exception:
        log.warning("home panels: cache delete failed", exc_info=True)
