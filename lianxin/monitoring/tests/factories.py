"""Residents for comparison tests, written straight to the registry's tables."""

from __future__ import annotations

import datetime as dt

from lianxin.core import idnumber
from lianxin.registry.models import Household, Membership, Person, Relationship


def make_id(region: str, birth: dt.date, seq: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + idnumber.check_digit(first17)


def resident(
    *,
    site,
    name: str,
    birth: dt.date,
    seq: int,
    sex: str = "M",
    grid=None,
    household_no: str = "",
    phone: str = "",
) -> Person:
    number = make_id(site.county.code, birth, seq)
    person = Person(
        id_number=number,
        id_hash=idnumber.search_hash(number),
        name=name,
        sex=sex,
        birth_date=birth,
        division=site.village,
        grid=grid or site.grid,
        phone=phone,
        phone_hash=idnumber.search_hash(phone) if phone else "",
    )
    person.save()
    household = Household(
        number=household_no or f"H{site.village.code[-4:]}-{seq:04d}",
        division=site.village,
        grid=grid or site.grid,
        head=person,
    )
    household.save()
    Membership(
        household=household,
        person=person,
        relationship=Relationship.HEAD,
        started_on=dt.date(2020, 1, 1),
    ).save()
    return person
