"""Test data for the employment app on the root ``world``: disabled residents in the registry,
the federation's staff, employers and posts; everything after the resident through services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from lianxin.accounts.models import Assignment, User
from lianxin.core import idnumber
from lianxin.core.roles import Role
from lianxin.directory.demo import demo_org
from lianxin.directory.models import Organisation, OrgKind
from lianxin.employment import services
from lianxin.employment.models import Employer, EmployerKind, JobSeeker, Post, Route
from lianxin.registry.models import Disability, Household, Membership, Person, Relationship

_seq = itertools.count(1)

INTENTION: dict[str, Any] = {
    "preferred_posts": "手工包装",
    "expected_pay_fen": 250_000,
    "skills": ["包装", "手工组装"],
    "other_skills": "",
    "max_daily_minutes": 240,
    "work_places": "兴庆区",
    "max_commute_km": 10,
    "needs_accessible": True,
    "accommodations": "需要无障碍通道",
    "share": ["age", "disability", "skills"],
}


def make_id(region: str, birth: dt.date, sequence: int) -> str:
    body = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + idnumber.check_digit(body)


def disabled_person(
    site: Any,
    *,
    name: str = "",
    disability_type: str = "肢体",
    grade: int = 3,
    birth: dt.date = dt.date(1998, 5, 6),
    with_household: bool = True,
    lat: float | None = None,
    lon: float | None = None,
) -> Person:
    n = next(_seq)
    number = make_id(site.county.code, birth, 500 + n)
    person = Person.objects.create(
        name=name or f"测就业{n}号",
        division=site.village,
        grid=site.grid,
        birth_date=birth,
        sex="M",
        id_number=number,
        id_hash=idnumber.search_hash(number),
        phone=f"1370000{n:04d}",
        latitude=lat,
        longitude=lon,
    )
    Disability.objects.create(
        person=person, disability_type=disability_type, grade=grade, is_active=True
    )
    if with_household:
        hh = Household.objects.create(
            number=f"{site.village.code}-E{n:04d}", division=site.village, grid=site.grid
        )
        Membership.objects.create(
            household=hh,
            person=person,
            relationship=Relationship.HEAD,
            started_on=dt.date(2020, 1, 1),
        )
        hh.head = person
        hh.save()
    return person


def federation_org(site: Any) -> Organisation:
    return demo_org(
        f"{site.county.code}-disabled_federation",
        f"{site.county.name}残疾人联合会",
        site.county,
        kind=OrgKind.FEDERATION,
        dept_type="disabled_federation",
    )


def federation_staff(site: Any, username: str = "") -> User:
    """A county staff member working for the county's disabled persons' federation (残联)."""
    n = next(_seq)
    user = User.objects.create_user(
        username=username or f"dpf_{getattr(site, 'key', site.village.code)}_{n}",
        password="Test-Passw0rd!",
        display_name="残联就业专干",
    )
    Assignment.objects.create(
        user=user, role=Role.COUNTY_STAFF, area=site.county, organisation=federation_org(site)
    )
    return user


def employer_user(site: Any, employer: Employer) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        username=f"emp_{getattr(site, 'key', site.village.code)}_{n}",
        password="Test-Passw0rd!",
        display_name="企业人事",
    )
    Assignment.objects.create(
        user=user, role=Role.EMPLOYER, area=site.county, organisation=employer.organisation
    )
    return user


def employer(
    actor: Any,
    site: Any,
    *,
    name: str = "",
    kind: str = EmployerKind.FIRM,
    staff_count: int = 200,
    organisation: Organisation | None = None,
) -> Employer:
    return services.employer_register(
        actor=actor,
        name=name or f"测试企业{next(_seq)}",
        kind=kind,
        area=site.county,
        organisation=organisation,
        staff_count=staff_count,
        address="测试路1号",
    )


def post_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "手工包装工",
        "route": Route.FIRM,
        "requirements": "手部灵活",
        "skills": ["包装"],
        "headcount": 2,
        "monthly_pay_fen": 300_000,
        "daily_minutes": 210,
        "days_per_week": 5,
        "social_insurance": True,
        "accessible": True,
        "suitable_types": ["肢体", "听力"],
        "suitable_grades": [2, 3, 4],
    }
    data.update(overrides)
    return data


def post(actor: Any, emp: Employer, **overrides: Any) -> Post:
    season = overrides.pop("season", None)
    workshop = overrides.pop("workshop", None)
    return services.post_create(
        actor=actor, employer=emp, data=post_data(**overrides), season=season, workshop=workshop
    )


def seeker(actor: Any, person: Person, **intention: Any) -> JobSeeker:
    return services.seeker_register(
        actor=actor, person=person, source="federation", intention={**INTENTION, **intention}
    )


def sunshine_placement(
    actor: Any, seeker: JobSeeker, employer: Employer, started_on: dt.date, **more: Any
) -> Any:
    """``services.placement_create``: ``seeker`` in ``employer``'s sunshine factory from
    ``started_on``, 3,000 yuan a month for 210 minutes a day, unless ``more`` says otherwise."""
    values: dict[str, Any] = {"monthly_pay_fen": 300_000, "daily_minutes": 210}
    values.update(more)
    return services.placement_create(
        actor=actor,
        seeker=seeker,
        route=Route.SUNSHINE,
        employer=employer,
        started_on=started_on,
        **values,
    )


def placed_worker(site: Any, days_ago: int) -> tuple[User, JobSeeker, Any]:
    """A federation staff member of ``site``, a seeker and his placement in a new sunshine
    factory that began ``days_ago`` days before today: (staff, seeker, placement)."""
    staff = federation_staff(site)
    worker = seeker(staff, disabled_person(site))
    factory = employer(staff, site, kind=EmployerKind.SUNSHINE_FACTORY)
    started_on = timezone.localdate() - dt.timedelta(days=days_ago)
    return staff, worker, sunshine_placement(staff, worker, factory, started_on)
