"""Fixtures shared by every test: two sites in different cities (A: 安秀社区, 兴庆区, 银川;
B: 刘庄村, 中宁县, 中卫) with their grids, organisations and a user factory per role."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from lianxin.accounts.models import Assignment, User
from lianxin.areas.models import Division, Grid
from lianxin.core.roles import Role
from lianxin.directory.demo import demo_org
from lianxin.directory.models import Organisation, OrgKind

PASSWORD = "Test-Passw0rd!"  # noqa: S105
_counter = itertools.count()

# Property tests check answers, not speed: on a loaded two-core CI machine Hypothesis's default
# 200 ms deadline failed a pure-function test (test_idnumber, 2026-12-02). Speed is measured in
# benchmarks/.
hypothesis_settings.register_profile("lianxin", deadline=None)
hypothesis_settings.load_profile("lianxin")


@dataclass
class Site:
    key: str
    village: Division
    township: Division
    county: Division
    city: Division
    grid: Grid
    other_grid: Grid
    orgs: dict[str, Organisation] = field(default_factory=dict)

    def area_for(self, role: str) -> Division:
        return {
            Role.GRID_WORKER: self.village,
            Role.COMMUNITY_STAFF: self.village,
            Role.PARTNER: self.village,
            Role.VOLUNTEER: self.village,
            Role.TOWNSHIP_STAFF: self.township,
            Role.COUNTY_STAFF: self.county,
            Role.UNIT_STAFF: self.county,
            Role.LEADER: self.county,
            Role.CITY_STAFF: self.city,
            Role.HOTLINE_AGENT: self.city,
        }.get(role, self.village)

    def org_for(self, role: str) -> Organisation | None:
        return {
            Role.TOWNSHIP_STAFF: self.orgs.get("township_government"),
            Role.COUNTY_STAFF: self.orgs.get("civil_affairs"),
            Role.UNIT_STAFF: self.orgs.get("municipal_engineering"),
            Role.HOTLINE_AGENT: self.orgs.get("hotline"),
            Role.EMPLOYER: self.orgs.get("employer"),
        }.get(role)


def _site(key: str, village_code: str) -> Site:
    village = Division.objects.get(code=village_code)
    township = village.parent
    county = township.parent
    city = county.parent
    grid, _ = Grid.objects.get_or_create(division=village, name="第一网格")
    other, _ = Grid.objects.get_or_create(division=village, name="第二网格")
    site = Site(key, village, township, county, city, grid, other)
    site.orgs = {
        "township_government": demo_org(
            f"{township.code}-township_government",
            f"{township.name}办事处",
            township,
            dept_type="township_government",
        ),
        "civil_affairs": demo_org(
            f"{county.code}-civil_affairs",
            f"{county.name}民政局",
            county,
            dept_type="civil_affairs",
        ),
        "municipal_engineering": demo_org(
            f"{county.code}-municipal_engineering",
            f"{county.name}市政工程管理所",
            county,
            dept_type="municipal_engineering",
        ),
        "traffic_police": demo_org(
            f"{county.code}-traffic_police",
            f"{city.name}公安局交通警察支队{county.name}大队",
            county,
            dept_type="traffic_police",
        ),
        "human_resources": demo_org(
            f"{county.code}-human_resources",
            f"{county.name}人力资源和社会保障局",
            county,
            dept_type="human_resources",
        ),
        "education": demo_org(
            f"{county.code}-education", f"{county.name}教育局", county, dept_type="education"
        ),
        "employer": demo_org(
            f"{county.code}-employer",
            f"{county.name}连心包装制品有限公司",
            county,
            kind=OrgKind.ENTERPRISE,
        ),
        "hotline": demo_org(
            f"{city.code}-hotline",
            f"{city.name}12345政务服务便民热线",
            city,
            kind=OrgKind.HOTLINE_CENTRE,
        ),
    }
    return site


@dataclass
class World:
    a: Site
    b: Site

    def user(
        self, role: str, site: str = "a", *, grid: Grid | None = None, username: str | None = None
    ) -> User:
        s = self.a if site == "a" else self.b
        name = username or f"{role}_{site}_{next(_counter)}"
        user = User.objects.create_user(username=name, password=PASSWORD, display_name=name)
        region = Division.objects.get(code="64")
        area = (
            region
            if role in (Role.REGION_STAFF, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
            else s.area_for(role)
        )
        Assignment.objects.create(
            user=user,
            role=role,
            area=area,
            grid=(grid or s.grid) if role == Role.GRID_WORKER else None,
            organisation=s.org_for(role),
        )
        return user


@pytest.fixture
def world(db: Any) -> World:
    if not Division.objects.filter(code="64").exists():  # flushed by a transactional test
        from lianxin.areas.services import divisions_load

        divisions_load()
    return World(a=_site("a", "640104001007"), b=_site("b", "640521103208"))


@pytest.fixture
def login(client: Any):  # type: ignore[no-untyped-def]
    def _login(user: User) -> Any:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def no_lockouts(db: Any) -> None:
    """Forget every failed login (django-axes) and empty the cache, for tests of the lockout."""
    from axes.utils import reset
    from django.core.cache import cache

    reset()
    cache.clear()


def form_login(client: Any, username: str, password: str) -> Any:
    """POST the login page's form; the response."""
    from django.urls import reverse

    return client.post(reverse("accounts:login"), {"username": username, "password": password})
