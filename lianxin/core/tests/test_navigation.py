"""Each role's menu shows only entries that role can use (issue #12)."""

import pytest
from django.urls import reverse

from lianxin.core.roles import Role

STRUCTURE = {"区划与网格", "组织机构"}
WITH_STRUCTURE = {
    Role.GRID_WORKER,
    Role.COMMUNITY_STAFF,
    Role.TOWNSHIP_STAFF,
    Role.COUNTY_STAFF,
    Role.CITY_STAFF,
    Role.REGION_STAFF,
    Role.HOTLINE_AGENT,
    Role.UNIT_STAFF,
    Role.LEADER,
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
}


@pytest.mark.parametrize("role", list(Role))
def test_each_roles_menu_shows_the_structure_pages_only_to_those_who_use_them(world, client, role):
    client.force_login(world.user(role, "a"))
    response = client.get(reverse("accounts:my_areas"))
    labels = {entry["label"] for entry in response.context["nav_entries"]}
    if role in WITH_STRUCTURE:
        assert labels >= STRUCTURE, (role, labels)
    else:
        assert not STRUCTURE & labels, (role, labels)
    assert "我的区域" in labels


@pytest.mark.parametrize("role", [Role.PARTNER, Role.VOLUNTEER, Role.EMPLOYER])
def test_partner_roles_menus_hold_only_their_own_work(world, client, role):
    from lianxin.core import navigation

    labels = {e.label for e in navigation.entries_for(frozenset({role}))}
    assert not {"区划与网格", "组织机构", "住户信息", "关爱帮扶", "审计日志"} & labels
