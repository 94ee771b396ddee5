from __future__ import annotations

import pytest

from lianxin.core.roles import Role


@pytest.fixture
def worker(world):
    """Village A's grid worker (first grid)."""
    return world.user(Role.GRID_WORKER, "a")
