from __future__ import annotations

from typing import Any

import pytest

from lianxin.core.roles import Role
from lianxin.hotline import services


@pytest.fixture
def agent(world: Any):
    return world.user(Role.HOTLINE_AGENT, "a")


@pytest.fixture
def unit_user(world: Any):
    return world.user(Role.UNIT_STAFF, "a")


@pytest.fixture
def make_order(world: Any, agent: Any):
    def _make(text: str = "兴庆区胜利街路灯坏了一个星期，晚上很黑", **kwargs: Any):
        kwargs.setdefault("caller_name", "张女士")
        kwargs.setdefault("caller_phone", "13995112233")
        kwargs.setdefault("area_code", world.a.village.code)
        kwargs.setdefault("dept_type", "municipal_engineering")
        order, _ = services.workorder_intake(actor=kwargs.pop("actor", agent), text=text, **kwargs)
        return order

    return _make


@pytest.fixture
def dispatched(world: Any, agent: Any, make_order: Any):
    order = make_order()
    return services.workorder_dispatch(
        actor=agent, order=order, lead_unit=world.a.orgs["municipal_engineering"]
    )


@pytest.fixture(autouse=True)
def _router_model(settings: Any, tmp_path: Any):
    """Each test trains into its own model file; the cached router is forgotten after."""
    from lianxin.hotline.selectors import reset_router

    settings.HOTLINE_ROUTER_MODEL = tmp_path / "hotline_router.joblib"
    reset_router()
    yield
    reset_router()
