"""Places of DOMAIN.md section 2 beyond the two sites of the root ``world``: a village with
its grid, its township, county and city, its organisations and users per role. Scenarios
build their own data through the services; they never rely on the demo."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest

from lianxin.accounts.models import Assignment, User
from lianxin.areas.models import Division, Grid
from lianxin.care import services
from lianxin.care.models import RECOGNITION_CRITERIA, Batch
from lianxin.core.roles import Role
from lianxin.directory.models import Organisation, OrgKind
from lianxin.registry.models import Household, Membership, Person

_n = itertools.count(1)
ALL_CRITERIA = dict.fromkeys(RECOGNITION_CRITERIA, True)


@dataclass
class Place:
    village: Division
    grid: Grid
    orgs: dict[str, Organisation] = field(default_factory=dict)

    @property
    def township(self) -> Division:
        return self.village.parent

    @property
    def county(self) -> Division:
        return self.township.parent

    @property
    def city(self) -> Division:
        return self.county.parent

    def org(
        self,
        key: str,
        name: str,
        *,
        level: str = "county",
        kind: str = OrgKind.GOVERNMENT,
        dept_type: str = "",
    ) -> Organisation:
        area = {
            "region": Division.objects.get(code="64"),
            "city": self.city,
            "county": self.county,
            "township": self.township,
            "village": self.village,
        }[level]
        org, _ = Organisation.objects.get_or_create(
            code=f"S-{area.code}-{key}",
            defaults={
                "name": name,
                "kind": kind,
                "dept_type": dept_type,
                "level": area.level,
                "area": area,
            },
        )
        self.orgs[key] = org
        return org

    def user(self, role: str, *, org: Organisation | None = None, name: str = "") -> User:
        area = {
            Role.GRID_WORKER: self.village,
            Role.COMMUNITY_STAFF: self.village,
            Role.TOWNSHIP_STAFF: self.township,
            Role.COUNTY_STAFF: self.county,
            Role.LEADER: self.county,
            Role.CITY_STAFF: self.city,
        }.get(role) or Division.objects.get(code="64")
        username = f"{role}_{self.village.code}_{next(_n)}"
        user = User.objects.create_user(
            username=username, password="x-Passw0rd!", display_name=name or username
        )
        Assignment.objects.create(
            user=user,
            role=role,
            area=area,
            grid=self.grid if role == Role.GRID_WORKER else None,
            organisation=org,
        )
        return user

    def household(self, number: str, members: list[tuple[str, str, dt.date | None]]) -> Household:
        hh = Household.objects.create(
            number=number, division=self.village, grid=self.grid, address=""
        )
        for i, (name, relationship, born) in enumerate(members):
            person = Person.objects.create(
                name=name, division=self.village, grid=self.grid, birth_date=born
            )
            Membership.objects.create(
                household=hh,
                person=person,
                relationship=relationship,
                started_on=dt.date(2020, 1, 1),
            )
            if i == 0:
                hh.head = person
        hh.save()
        return hh


@pytest.fixture
def place(db: Any):
    def _place(village_code: str) -> Place:
        village = Division.objects.get(code=village_code)
        grid, _ = Grid.objects.get_or_create(division=village, name="第一网格")
        return Place(village=village, grid=grid)

    return _place


@pytest.fixture
def first_batch(db: Any) -> Batch:
    return Batch.objects.create(name="第一批", sequence=1, area_code="64")


def run_to_recognised(
    place: Place,
    household: Household,
    *,
    batch: Batch,
    description: str,
    investigation: dict[str, Any],
    source: str = "grid_visit",
    reporter: User | None = None,
    applicant: str = "",
) -> tuple[Any, dict[str, User]]:
    """Discovery, investigation, community review and township recognition, each through its
    service, by the people the guide names."""
    cast = {
        "grid_worker": place.user(Role.GRID_WORKER, name="网格员"),
        "community": place.user(Role.COMMUNITY_STAFF, name="社区专干"),
        "township": place.user(
            Role.TOWNSHIP_STAFF,
            org=place.org(
                "township",
                f"{place.township.short_name}",
                level="township",
                dept_type="township_government",
            ),
            name="乡镇(街道)干部",
        ),
        "leader": place.user(Role.LEADER, name="包抓领导"),
    }
    case = services.case_discover(
        actor=reporter or cast["grid_worker"],
        household=household,
        source=source,
        description=description,
        applicant_name=applicant,
    )
    case = services.case_investigate(actor=cast["grid_worker"], case=case, data=investigation)
    case = services.case_review_by_community(
        actor=cast["community"],
        case=case,
        held_on=investigation["visited_on"],
        participants="社区(村)两委成员、网格员、居民代表",
        opinion="情况属实，同意上报认定",
    )
    case = services.case_recognise(
        actor=cast["township"], case=case, batch=batch, checklist=ALL_CRITERIA
    )
    return case, cast


def save_plan(cast: dict[str, User], case: Any, goal: str, paired_unit: Organisation) -> Any:
    """The community writes the plan (the township approves it later, MC-01), with the county's
    leader as the responsible leader and ``paired_unit`` paired with the household."""
    return services.plan_save(
        actor=cast["community"],
        case=case,
        goal=goal,
        leader=cast["leader"],
        paired_unit=paired_unit,
    )
