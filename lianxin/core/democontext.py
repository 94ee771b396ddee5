"""The shared context of `lianxin demo`: every app's ``demo.load(ctx)`` adds its part."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

DEMO_PASSWORD = "Lianxin@2026"  # noqa: S105  (printed demo accounts)


@dataclass
class DemoContext:
    stdout: Any  # a TextIO or Django's OutputWrapper
    households: int = 0
    seed: int = 20261122
    accounts: list[dict[str, str]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    deferred: list[Callable[[DemoContext], None]] = field(default_factory=list)

    def after_all(self, loader: Callable[[DemoContext], None]) -> None:
        """Run ``loader`` once every app has loaded (e.g. a comparison of all apps' residents)."""
        self.deferred.append(loader)

    def say(self, message: str) -> None:
        self.stdout.write(message + "\n")

    def add_account(
        self, *, role: str, role_label: str, username: str, area_code: str, area_name: str
    ) -> None:
        self.accounts.append(
            {
                "role": role,
                "role_label": role_label,
                "username": username,
                "password": DEMO_PASSWORD,
                "area_code": area_code,
                "area_name": area_name,
            }
        )

    def write_accounts(self) -> Path:
        path = Path(
            getattr(settings, "DEMO_ACCOUNTS_PATH", Path(settings.VAR_DIR) / "demo_accounts.json")
        )
        payload: dict[str, Any] = {"accounts": self.accounts, **self.extras}
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
        return path
