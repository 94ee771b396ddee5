"""Per-request context (IP address, request id, user) for audit rows written by services."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str = ""
    request_id: str = ""
    user_agent: str = ""


_EMPTY = RequestContext()
current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(  # noqa: B039  (frozen)
    "lianxin_request_context", default=_EMPTY
)
