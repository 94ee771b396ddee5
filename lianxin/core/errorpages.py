"""The 500 handler: when the database is unreachable (a restart, a failover) the user gets a
Chinese 503 "please try again shortly" instead of a stack trace or a bare 500; API clients get
JSON. Connections are health-checked (CONN_HEALTH_CHECKS), so the next request after the
database returns is served again (issue #15)."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

UNAVAILABLE = "系统正在维护或数据库暂时不可用，请稍后重试。"


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        if request.path.startswith(("/api/", "/open311/")):
            response: HttpResponse = JsonResponse(
                {"code": "unavailable", "detail": UNAVAILABLE}, status=503
            )
        else:
            response = HttpResponse(
                loader.get_template("503.html").render({"message": UNAVAILABLE}), status=503
            )
        response["Retry-After"] = "10"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
