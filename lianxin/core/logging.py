"""Structured logs (issue #15): one JSON object a line with the request id, the user id and
the route — never personal data (no names, numbers, query strings or bodies)."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.utils import timezone

from .context import current

FIELDS = ("method", "route", "status", "duration_ms", "user_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        ctx = current.get()
        entry: dict[str, Any] = {
            "time": timezone.localtime().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or ctx.request_id,
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
