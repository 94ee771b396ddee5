"""“我的工作” panel of the offline app (registered in apps.py): the way to the phone app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lianxin.core.workpanels import Panel


def offline_panel(user: Any) -> list[Panel]:
    return [
        Panel(
            "离线工作",
            links=[("打开离线工作页（可添加到手机桌面）", reverse("offline:shell"))],
            order=15,
        )
    ]
