"""Reads of the registry for views, API, exports and other apps (hotline, care, monitoring)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lianxin.core import idnumber, phone
from lianxin.core.idnumber import MaskTier
from lianxin.core.models import AuditEvent
from lianxin.core.roles import NO_PII_ROLES, Role
from lianxin.core.scoping import get_for_user_or_404, scope_of

from .models import Household, Membership, Person


def household_get_for_user(*, user: Any, pk: int) -> Household:
    """One household the user may see; 404 for missing and not-yours alike."""
    return get_for_user_or_404(
        Household.objects.select_related("division", "grid", "building", "head"), user, pk=pk
    )


def person_get_for_user(*, user: Any, pk: int) -> Person:
    return get_for_user_or_404(
        Person.objects.select_related("division", "grid", "building"), user, pk=pk
    )


def person_find(*, user: Any, id_number: str = "", phone_number: str = "") -> QuerySet[Person]:
    """Persons the user may see, found by a full ID number or phone number (keyed hash, exact)."""
    qs = Person.objects.for_user(user).current()
    if id_number:
        return qs.filter(id_hash=idnumber.search_hash(id_number))
    if phone_number:
        try:
            normalised = phone.normalise(phone_number)
        except phone.PhoneError:
            return qs.none()
        return qs.filter(phone_hash=idnumber.search_hash(normalised))
    return qs.none()


def person_find_any_area(*, id_number: str = "", phone_number: str = "") -> Person | None:
    """The person with this exact ID or phone number anywhere, for linking a hotline caller or a
    roster row to the registry. Never shown to the caller of this function's user as such:
    callers display only what the user's own scope allows."""
    qs = Person.objects.current()
    if id_number:
        return qs.filter(id_hash=idnumber.search_hash(id_number)).first()
    if phone_number:
        try:
            normalised = phone.normalise(phone_number)
        except phone.PhoneError:
            return None
        return qs.filter(phone_hash=idnumber.search_hash(normalised)).first()
    return None


def current_household_of(person: Person) -> Household | None:
    membership = (
        Membership.objects.filter(person=person, ended_on__isnull=True)
        .select_related("household")
        .first()
    )
    return membership.household if membership else None


def household_members(household: Household) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(household=household, ended_on__isnull=True)
        .select_related("person")
        .order_by("pk")
    )


def id_mask_tier(*, user: Any, person: Person) -> MaskTier:
    """How much of this person's ID number the user sees (SECURITY.md PII-01): first 6 + last 4
    for the grid worker of the person's grid and staff of the person's own community; first 1 +
    last 1 for other staff; nothing for partners and volunteers."""
    scope = scope_of(user)
    if not scope.grants or scope.roles <= NO_PII_ROLES:
        return MaskTier.NONE
    if person.grid_id is not None and person.grid_id in scope.grid_ids():
        return MaskTier.CASE_WORKER
    if any(
        g.role == Role.COMMUNITY_STAFF and g.area_code == person.area_code for g in scope.grants
    ):
        return MaskTier.CASE_WORKER
    return MaskTier.STAFF


def masked_id_number(*, user: Any, person: Person) -> str:
    return idnumber.mask(person.id_number or "", id_mask_tier(user=user, person=person))


def masked_phone(*, user: Any, person: Person) -> str:
    if id_mask_tier(user=user, person=person) is MaskTier.NONE:
        return "（不可见）"
    return phone.mask(person.phone or "")


def household_history(*, household: Household) -> QuerySet[AuditEvent]:
    """The household's history: every audited change of it, its members, their tags,
    disability and assistance (services record them with the household as target)."""
    return AuditEvent.objects.filter(
        target_type=Household._meta.label, target_id=str(household.pk)
    ).order_by("-id")


def person_history(*, person: Person) -> QuerySet[AuditEvent]:
    """Changes naming this person: events targeted at him, and household events about him."""
    return (
        AuditEvent.objects.filter(
            Q(target_type=Person._meta.label, target_id=str(person.pk))
            | Q(target_type=Household._meta.label, changes__person=person.pk)
        )
        .exclude(action__startswith="view.")
        .order_by("-id")
    )
