from __future__ import annotations

from typing import Any

from django.urls import reverse

from lianxin.core.workpanels import Panel

from . import selectors


def alert_panel(user: Any) -> list[Panel]:
    open_alerts = selectors.alert_list(user=user, status="open").count()
    return [
        Panel(
            title="比对预警核实",
            figures=[("条待核实", open_alerts)],
            links=[("去核实", f"{reverse('monitoring:alert_list')}?status=open")],
            order=30,
        )
    ]
