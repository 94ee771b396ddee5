"""The home page panel of the registry: my grid's households, key persons, open duplicates."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lianxin.core.workpanels import Panel

from .selectors import my_figures


def my_registry_panel(user: Any) -> list[Panel]:
    figures = my_figures(user=user)
    return [
        Panel(
            title="我的网格",
            figures=[
                ("住户", f"{figures['households']}户"),
                ("重点人员", f"{figures['key_persons']}人"),
                ("待核重复", figures["duplicates"]),
            ],
            links=[
                ("住户信息", reverse("registry:household_list")),
                ("重点人员台账", reverse("registry:key_person_ledger")),
                ("疑似重复", reverse("registry:duplicate_list")),
            ],
            order=20,
        )
    ]
