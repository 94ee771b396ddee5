"""Every domain app registers its parts through one AppConfig shape (core.appconfig)."""

from __future__ import annotations

import pytest
from django.apps import apps

from lianxin.core import indicators, navigation, sensitivity
from lianxin.core.appconfig import LianxinAppConfig
from lianxin.core.roles import Role

DOMAIN_APPS = [
    "accounts",
    "areas",
    "directory",
    "registry",
    "care",
    "hotline",
    "monitoring",
    "employment",
    "benefits",
    "resources",
    "volunteers",
    "offline",
]


@pytest.mark.parametrize("label", DOMAIN_APPS)
def test_domain_apps_use_the_shared_config(label):
    config = apps.get_app_config(label)
    assert isinstance(config, LianxinAppConfig)
    assert config.name == f"lianxin.{label}"


def test_ready_registers_indicators_contributions_and_labels():
    # indicators.register_all(), contribute() and sensitivity.py of one app, all from ready()
    assert indicators.get("employment.seekers") is not None
    entries = navigation.entries_for(frozenset({Role.EMPLOYER}))
    assert "employment:my_posts" in [e.url_name for e in entries]
    assert sensitivity.label_of("employment.JobSeeker", "id_hash") is not None


def test_role_groups():
    from lianxin.core.roles import (
        AREA_STAFF_ROLES,
        FRONTLINE_AND_AREA_ROLES,
        TOWNSHIP_AND_ABOVE_ROLES,
    )

    assert Role.COMMUNITY_STAFF not in TOWNSHIP_AND_ABOVE_ROLES
    assert TOWNSHIP_AND_ABOVE_ROLES < AREA_STAFF_ROLES < FRONTLINE_AND_AREA_ROLES
    extra = FRONTLINE_AND_AREA_ROLES - AREA_STAFF_ROLES
    assert extra == {Role.GRID_WORKER}
