from __future__ import annotations

import logging
import re
import time
import unicodedata
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from .context import RequestContext, current
from .workpanels import forget_panels

access_log = logging.getLogger("lianxin.request")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)


class RequestContextMiddleware:
    """Puts the client IP and a request id where audit.record() finds them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        ip = request.META.get("REMOTE_ADDR", "")
        token = current.set(
            RequestContext(
                ip=ip,
                request_id=request_id[:64],
                user_agent=request.headers.get("User-Agent", "")[:200],
            )
        )
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            access_log.info(
                "request",
                extra={
                    "request_id": request_id[:64],
                    "method": request.method,
                    "route": match.route if match is not None else "",
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": getattr(getattr(request, "user", None), "pk", None),
                },
            )
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id[:64]
        return response


class PanelsForgetMiddleware:
    """After a user's successful write (POST, PUT, PATCH, DELETE answered below 400, pages and
    API alike), the user's home-page panels kept in the cache are dropped, so that the next
    visit counts the user's own work (``lianxin.core.workpanels``). Placed after the
    authentication middleware; an API request's user is the one DRF authenticated."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in self.SAFE and response.status_code < 400:
            forget_panels(getattr(request, "user", None))
        return response


_clock = time.time  # the tests move it


class SessionTouchMiddleware:
    """AUTH-02's idle timeout without a database write on every request: a signed-in session is
    saved again (so that it expires SESSION_COOKIE_AGE after its last save) at most once per
    SESSION_TOUCH_SECONDS; a session changed by the request is saved anyway. Idle sessions thus
    end between 29 and 30 minutes after the last request. Placed after SessionMiddleware, so
    that its response phase runs first."""

    KEY = "_touched"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or session.is_empty():
            return response
        now = int(_clock())
        if now - int(session.get(self.KEY, 0)) >= settings.SESSION_TOUCH_SECONDS:
            session[self.KEY] = now
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy with no third-party origin (assets are served by the app)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/docs"):
            response.setdefault(
                "Content-Security-Policy",
                CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"),
            )
        else:
            response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Referrer-Policy", "same-origin")
        # pages, exports and API answers may carry personal data: never kept by a browser or a
        # proxy (API-01); static assets are served before this by WhiteNoise
        if not request.path.startswith(("/static/", "/media/")):
            response.setdefault("Cache-Control", "no-store")
        response.setdefault(
            "Permissions-Policy", "camera=(self), geolocation=(self), microphone=()"
        )
        return response


_HUGE_INTEGER = re.compile(r"[+-]?\d{19,}", re.ASCII)
# A date (or month) as query parameters carry them: 2026-12-01, 2026-12, 2026/12/01, with a
# time after it or not. Free-text search (an address such as 3-2-301) is not a date.
_DATE_YEAR = re.compile(r"(\d{4,6})[-/]\d{2}(?:[-/]\d{2})?(?:[T ].*)?", re.ASCII)
_FREE_TEXT = frozenset({"q", "search", "text", "keyword"})
DATE_YEARS = (1900, 2100)  # no record of the platform lies outside these years


class RejectNulMiddleware:
    """A NUL byte in the path or a GET/POST parameter is refused with 400 before any view
    runs: PostgreSQL text cannot hold NUL, and no real input contains one (API-01)."""

    MESSAGE = "请求中含有非法字符（NUL）"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        message = self.MESSAGE if self._has_nul(request) else self._huge_number(request)
        if message:
            if request.path.startswith(("/api/", "/open311/")):
                return JsonResponse({"code": "invalid", "detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _huge_number(request: HttpRequest) -> str:
        """A query parameter that is a whole number of more than 18 digits (no key, ID or count
        has one; the database's integers overflow), or a date outside the years 1900–2100
        (``?week=0001-01-01``: date arithmetic overflows), is refused in Chinese, not a 500
        (#11 finding 8)."""
        for key, values in request.GET.lists():
            for value in values:
                text = unicodedata.normalize("NFKC", value).strip()
                if _HUGE_INTEGER.fullmatch(text):
                    return f"参数“{key[:40]}”的数值超出范围"
                date = None if key in _FREE_TEXT else _DATE_YEAR.fullmatch(text)
                if date and not DATE_YEARS[0] <= int(date.group(1)) <= DATE_YEARS[1]:
                    return f"参数“{key[:40]}”的日期超出范围（{DATE_YEARS[0]}–{DATE_YEARS[1]}年）"
        return ""

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        if any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
            return True
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return any(
                "\x00" in k or any("\x00" in v for v in vs) for k, vs in request.POST.lists()
            )
        return False
