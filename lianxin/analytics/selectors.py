"""Reads for the home page and dashboards. Each app contributes "my work" panels through
``lianxin.core.workpanels``; this module only assembles them."""

from __future__ import annotations

from typing import Any

from lianxin.accounts.selectors import assignments_of
from lianxin.core import workpanels
from lianxin.core.scoping import scope_of


def my_work(*, user: Any) -> dict[str, Any]:
    scope = scope_of(user)
    return {
        "assignments": assignments_of(user=user),
        "panels": workpanels.panels_for(user=user, roles=scope.roles),
    }
