"""The offline app: its shell page (cached by the service worker), the manifest and the service
worker (served from the app's own origin, no CDN), the pack of the grid's work, the session
check before a sync, and the sync and discard endpoints of the outbox."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.http import require_GET, require_POST

from lianxin.core import audit
from lianxin.core.errors import ApplicationError

from . import selectors, services

STATIC_DIR = Path(__file__).resolve().parent / "static" / "offline"
#: what the service worker keeps in Cache Storage: the shell and the static files it needs;
#: never a page or an answer with residents' data (those stay in IndexedDB, see ARCHITECTURE.md)
PRECACHE_STATIC = (
    "lianxin/app.css",
    "offline/db.js",
    "offline/offline.js",
    "offline/offline.css",
    "offline/icons/icon-192.png",
    "offline/icons/icon-512.png",
)
STATUS_OF_ERROR = {"conflict": "conflict", "invalid_transition": "conflict"}


@cache
def _version() -> str:
    """Changes whenever a file of the offline app changes, so phones fetch the new worker."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")) + sorted(
        (Path(__file__).resolve().parent / "templates").rglob("*")
    ):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _error(exc: ApplicationError) -> JsonResponse:
    status = STATUS_OF_ERROR.get(
        exc.code, "refused" if exc.status_code in (403, 404) else "invalid"
    )
    body: dict[str, Any] = {"status": status, "code": exc.code, "message": exc.message}
    if "current" in exc.extra:
        body["current"] = exc.extra["current"]
    return JsonResponse(body, status=exc.status_code, json_dumps_params={"ensure_ascii": False})


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest (public: browsers fetch it without cookies)."""
    data = {
        "name": "连心 · 网格员离线工作",
        "short_name": "连心",
        "description": "宁夏社会救助与基层服务：没有信号时也能记录走访、发现、入户调查和预警核实",
        "lang": "zh-CN",
        "start_url": "/offline/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b22222",
        "icons": [
            {"src": static("offline/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("offline/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("offline/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = _json(data)
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the app's own origin (public: no data in it). Its scope is the
    offline app (/offline/); the rest of the staff pages stay online-only."""
    body = render_to_string(
        "offline/sw.js",
        {
            "version": _version(),
            "shell": "/offline/",
            "precache_json": json.dumps([static(p) for p in PRECACHE_STATIC]),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_GET
def shell(request: HttpRequest) -> HttpResponse:
    """“我的工作（离线）”: the page the phone opens without network. It carries no resident data
    and nothing of the user: everything comes from IndexedDB, filled by ``pack``."""
    return render(request, "offline/shell.html", {"version": _version()})


@login_required
@require_GET
def session(request: HttpRequest) -> HttpResponse:
    """Asked before every sync: is the session still valid, who is it, and a CSRF token (the
    cached shell has none). An expired session gets the login redirect instead."""
    return _json(
        {
            "username": request.user.get_username(),
            "name": str(request.user),
            "csrf": get_token(request),
            "may_work_offline": selectors.may_work_offline(request.user),
        }
    )


@login_required
@require_GET
def pack(request: HttpRequest) -> HttpResponse:
    """The grid's work for the phone (refreshed whenever online); audited as a view of
    residents' data."""
    if not selectors.may_work_offline(request.user):
        return _json(
            {"status": "refused", "message": "离线工作面向网格员：您的账号没有负责的网格"},
            status=403,
        )
    data = selectors.offline_pack(user=request.user)
    audit.record(
        actor=request.user,
        action="view.offline.pack",
        changes={"households": len(data["households"]), "alerts": len(data["alerts"])},
    )
    return _json(data)


def _submission(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.POST.get("submission", ""))
    except ValueError as exc:
        raise ApplicationError("提交内容格式不正确") from exc
    if not isinstance(data, dict):
        raise ApplicationError("提交内容格式不正确")
    return data


def _outbox_item(data: dict[str, Any]) -> dict[str, Any]:
    """What identifies a submission of the outbox and what was typed."""
    return {
        "key": data.get("key"),
        "kind": data.get("kind"),
        "payload": data.get("payload") or {},
        "typed_at": data.get("typed_at"),
    }


@login_required
@require_POST
def sync(request: HttpRequest) -> HttpResponse:
    """One submission of the outbox (multipart: ``submission`` as JSON, ``photos``)."""
    try:
        data = _submission(request)
        result = services.submission_sync(
            actor=request.user,
            **_outbox_item(data),
            photos=request.FILES.getlist("photos"),
        )
    except ApplicationError as exc:
        return _error(exc)
    item = result.submission
    return _json(
        {
            "status": item.status,
            "replayed": result.replayed,
            "summary": item.summary,
            "synced_at": item.synced_at.isoformat(timespec="seconds"),
        }
    )


@login_required
@require_POST
def discard(request: HttpRequest) -> HttpResponse:
    """The worker gives a conflicting submission up; what was typed is kept on the server."""
    try:
        data = _submission(request)
        result = services.submission_discard(
            actor=request.user,
            **_outbox_item(data),
            reason=str(data.get("reason") or "")[:200],
        )
    except ApplicationError as exc:
        return _error(exc)
    return _json({"status": result.submission.status, "replayed": result.replayed})
