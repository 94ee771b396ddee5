"""Domain errors. Each carries a Chinese message for the user; the API maps them to HTTP answers."""

from __future__ import annotations


class ApplicationError(Exception):
    """A rule of the domain refused the request. ``message`` is shown to the user as it is."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, extra: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class InvalidTransition(ApplicationError):
    code = "invalid_transition"
    status_code = 409


class AccessDenied(ApplicationError):
    code = "permission_denied"
    status_code = 403


class Conflict(ApplicationError):
    code = "conflict"
    status_code = 409


class NotFound(ApplicationError):
    code = "not_found"
    status_code = 404
