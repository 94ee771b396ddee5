"""Reminder messages to newly eligible people (提醒信息) through a pluggable sender.

``settings.LIANXIN_REMINDER_SENDER`` names a class with ``name`` and ``send(recipient, message)``;
the default writes to a file under var/ (numbers masked). A deployment plugs its SMS gateway in
by implementing the same two members."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from lianxin.core import phone


class ReminderSender(Protocol):
    name: str

    def send(self, recipient: str, message: str) -> None: ...


class FileSender:
    """Appends each reminder to var/reminders.log, the number masked."""

    name = "file"

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path(settings.VAR_DIR) / "reminders.log"

    def send(self, recipient: str, message: str) -> None:
        stamp = dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds")
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(f"{stamp}\t{phone.mask(recipient)}\t{message}\n")


class MemorySender:
    """Keeps reminders in memory (tests)."""

    name = "memory"
    outbox: list[tuple[str, str]] = []

    def send(self, recipient: str, message: str) -> None:
        MemorySender.outbox.append((recipient, message))


def get_sender() -> ReminderSender:
    path = getattr(settings, "LIANXIN_REMINDER_SENDER", "lianxin.monitoring.reminders.FileSender")
    return import_string(path)()
