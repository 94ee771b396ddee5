"""One exception handler: domain errors and Django's own become JSON with a Chinese message."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lianxin.core.errors import ApplicationError

MESSAGES = {
    status.HTTP_401_UNAUTHORIZED: "未登录或登录已过期",
    status.HTTP_403_FORBIDDEN: "无权执行此操作",
    status.HTTP_404_NOT_FOUND: "未找到或无权访问",
    status.HTTP_405_METHOD_NOT_ALLOWED: "不支持的请求方法",
    status.HTTP_429_TOO_MANY_REQUESTS: "请求过于频繁，请稍后再试",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(
            {"code": exc.code, "detail": exc.message, **exc.extra}, status=exc.status_code
        )
    if isinstance(exc, DjangoValidationError):
        return Response(
            {"code": "invalid", "detail": "；".join(exc.messages)},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"code": "invalid", "detail": "提交的数据有误", "errors": response.data}
    else:
        code = getattr(exc, "default_code", "")
        if code in ("not_authenticated", "authentication_failed"):
            detail = MESSAGES[status.HTTP_401_UNAUTHORIZED]
        else:
            detail = MESSAGES.get(response.status_code, str(getattr(exc, "detail", "")))
        response.data = {"code": getattr(exc, "default_code", "error"), "detail": detail}
    return response
