"""The shape every Lianxin app's ``AppConfig`` shares: what an app contributes to core's
registries is registered in ``ready()`` in one order, so no app forgets a part."""

from __future__ import annotations

from importlib import import_module

from django.apps import AppConfig
from django.utils.module_loading import module_has_submodule


class LianxinAppConfig(AppConfig):
    """A domain app. ``ready()`` registers, in this order: the app's dashboard indicators
    (``<app>.indicators.register_all()``, when the app has that module), what ``contribute()``
    registers (navigation entries, home panels, household-page sections, signal handlers), and
    the sensitivity labels of its models' fields (``<app>/sensitivity.py``, ADR 0007). The label
    is the last part of ``name``.

    An app's apps.py imports the module (``from lianxin.core import appconfig``), not the class:
    Django picks an app's config automatically only when apps.py holds one AppConfig class."""

    def ready(self) -> None:
        if module_has_submodule(self.module, "indicators"):
            import_module(f"{self.name}.indicators").register_all()
        self.contribute()
        import_module(f"{self.name}.sensitivity")

    def contribute(self) -> None:
        """Register the app's navigation entries, home panels and household-page sections."""
