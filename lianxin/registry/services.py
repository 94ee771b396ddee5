"""Every change a worker makes to the registry. Keyword-only, typed, ``actor`` first, one
transaction each, audited; each event names the household (as target, or ``household`` in
``changes``) so the household's history lists it (selectors.household_history)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from pypinyin import lazy_pinyin

from lianxin.areas.models import Building, Division, Grid, Level
from lianxin.core import audit, idnumber, limits, phone
from lianxin.core.areascoped import area_refresh
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.roles import AREA_STAFF_ROLES, REVEAL_ROLES, Role
from lianxin.core.scoping import scope_of

from .models import (
    DISABILITY_TYPE_DIGIT,
    AssistanceStatus,
    AssistanceType,
    Disability,
    DisabilityType,
    DuplicateCandidate,
    DuplicateStatus,
    Household,
    HouseholdType,
    Membership,
    Person,
    PersonStatus,
    Relationship,
    Tag,
    VulnerabilityTag,
)

# 低保, 特困 and 低保边缘 exclude each other: a household is in one category at a time.
EXCLUSIVE_ASSISTANCE = frozenset(
    {AssistanceType.MINIMUM_LIVING, AssistanceType.EXTREME_POVERTY, AssistanceType.NEAR_MINIMUM}
)
WRITER_ROLES = AREA_STAFF_ROLES | {Role.GRID_WORKER}


@dataclass(frozen=True)
class MemberInput:
    """One member as a form, the API or the import gives it."""

    name: str
    id_number: str
    relationship: str
    ethnicity: str = ""
    phone: str = ""


@lru_cache(maxsize=20000)
def _char_pinyin(char: str) -> str:
    return "".join(lazy_pinyin(char)).lower()


def name_pinyin(name: str) -> str:
    """Tone-less pinyin of a name, the key of homophones (王梅 = 王玫 → wangmei). Character by
    character (cached), so that the same name always gives the same key, fast on imports."""
    return "".join(_char_pinyin(c) for c in name.strip() if not c.isspace())[:120]


def today() -> dt.date:
    return timezone.localdate()


# --- access ---------------------------------------------------------------------------------


def _require_writer(actor: Any) -> None:
    if actor is None:  # the system (command line import, demo)
        return
    if not scope_of(actor).has_role(*WRITER_ROLES):
        raise AccessDenied("您的角色不能修改居民信息")


def _require_place(actor: Any, division: Division, grid: Grid | None) -> None:
    """The actor may write in this community (area staff of it) or this grid (its grid worker)."""
    if actor is None:
        return
    _require_writer(actor)
    scope = scope_of(actor)
    if any(division.code.startswith(p) for p in scope.area_prefixes()):
        return
    if grid is not None and grid.pk in scope.grid_ids():
        return
    raise AccessDenied("该社区(村)或网格不在您的管辖范围内")


def _require_household(actor: Any, household: Household, *, active: bool = True) -> None:
    """The actor may change this household (sees it, writer role) and it is not closed."""
    if actor is not None:
        if not Household.objects.for_user(actor).filter(pk=household.pk).exists():
            raise AccessDenied("该住户不在您的管辖范围内")
        _require_writer(actor)
    if active and not household.is_active:
        raise InvalidTransition("该住户已注销，不能再办理")


def _household_event(
    *, actor: Any, household: Household, action: str, changes: dict[str, Any] | None = None
) -> None:
    audit.record(actor=actor, action=action, target=household, changes=changes or {})


def _join(household: Household, person: Person, relationship: str, on: dt.date) -> None:
    """``person`` joins ``household`` (as its head when the relationship says so)."""
    Membership.objects.create(
        household=household, person=person, relationship=relationship, started_on=on
    )
    if relationship == Relationship.HEAD:
        household.head = person


def _set_head(household: Household, head: Person | None, *, active: bool) -> None:
    household.head = head
    household.is_active = active
    household.save(update_fields=["head", "is_active", "updated_at"])


def _person_event(
    *, actor: Any, person: Person, action: str, changes: dict[str, Any] | None = None
) -> None:
    """An event about a person: targeted at his current household when he has one (with the
    person named in ``changes``), otherwise at the person."""
    payload = {"person": person.pk, "person_name": person.name, **(changes or {})}
    household = current_household(person)
    if household is not None:
        audit.record(actor=actor, action=action, target=household, changes=payload)
    else:
        audit.record(actor=actor, action=action, target=person, changes=payload)


def current_membership(person: Person) -> Membership | None:
    return (
        Membership.objects.filter(person=person, ended_on__isnull=True)
        .select_related("household")
        .first()
    )


def current_household(person: Person) -> Household | None:
    membership = current_membership(person)
    return membership.household if membership else None


# --- persons --------------------------------------------------------------------------------


def _parse_member(member: MemberInput) -> tuple[idnumber.IdNumber, str]:
    name = (member.name or "").strip()
    if not name:
        raise ApplicationError("请填写姓名")
    try:
        parsed = idnumber.parse(member.id_number)
    except idnumber.IdNumberError as exc:
        raise ApplicationError(f"{name}：{exc}") from exc
    if member.relationship not in Relationship.values:
        raise ApplicationError(f"{name}：与户主关系“{member.relationship}”无效")
    try:
        phone_number = phone.normalise(member.phone)
    except phone.PhoneError as exc:
        raise ApplicationError(f"{name}：{exc}") from exc
    return parsed, phone_number


def _place_person(person: Person, household: Household) -> None:
    person.division_id = household.division_id
    person.area_code = household.area_code
    person.grid_id = household.grid_id
    person.building_id = household.building_id
    person.address = household.address


NEUTRAL_ID_TAKEN = "该身份证号已登记，请联系上级核实"


def _relocate(person: Person, household: Household) -> None:
    """Move a saved person to a household's place; everything scoped below the person (tags,
    disability, duplicates, and other apps' person-scoped rows) follows in this transaction."""
    _place_person(person, household)
    person.save()
    area_refresh(person)


def _person_for_member(
    *, actor: Any, member: MemberInput, household: Household
) -> tuple[Person, bool]:
    """The person with this ID number (same number = same person), created if new."""
    parsed, phone_number = _parse_member(member)
    person = Person.objects.filter(id_hash=idnumber.search_hash(parsed.number)).first()
    if person is not None:
        if person.merged_into_id:
            person = Person.objects.get(pk=person.merged_into_id)
        held = current_membership(person)
        if (
            getattr(actor, "pk", None)
            and not Person.objects.for_user(actor).filter(pk=person.pk).exists()
        ):
            # a person of another area: say nothing of where they live or who they are (ORA-01)
            raise Conflict(NEUTRAL_ID_TAKEN)
        if held is not None:
            raise Conflict(
                f"身份证号为{idnumber.mask(parsed.number, idnumber.MaskTier.STAFF)}的居民"
                f"已在住户{held.household.number}中，请使用“迁移成员”"
            )
        if person.status != PersonStatus.ALIVE:
            raise InvalidTransition(
                f"{person.name}的状态为“{person.get_status_display()}”，不能登记"
            )
        person.updated_by = actor if getattr(actor, "pk", None) else None
        _relocate(person, household)
        return person, False
    person = Person(
        id_number=parsed.number,
        id_hash=idnumber.search_hash(parsed.number),
        name=member.name.strip(),
        name_pinyin=name_pinyin(member.name),
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        ethnicity=member.ethnicity.strip(),
        phone=phone_number,
        phone_hash=idnumber.search_hash(phone_number) if phone_number else "",
        registered_area_code=parsed.region_code,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _place_person(person, household)
    person.save()
    return person, True


def duplicates_detect(*, persons: Iterable[Person]) -> int:
    """Queue probable duplicates of these persons: another current person with a different ID
    number, the same birth date, the same community and the same name or a homophone."""
    ids = [p.pk for p in persons]
    created = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        others = Person.objects.filter(
            birth_date=OuterRef("birth_date"),
            name_pinyin=OuterRef("name_pinyin"),
            area_code=OuterRef("area_code"),
            merged_into__isnull=True,
        ).exclude(pk=OuterRef("pk"))
        suspects = Person.objects.filter(pk__in=chunk, birth_date__isnull=False).filter(
            Exists(others)
        )
        for person in suspects.only("pk", "name", "birth_date", "name_pinyin", "area_code"):
            matches = (
                Person.objects.filter(
                    birth_date=person.birth_date,
                    name_pinyin=person.name_pinyin,
                    area_code=person.area_code,
                    merged_into__isnull=True,
                )
                .exclude(pk=person.pk)
                .only("pk", "name", "area_code")
            )
            for other in matches:
                first, second = sorted([person, other], key=lambda p: p.pk)
                if DuplicateCandidate.objects.filter(person=first, other=second).exists():
                    continue
                reason = (
                    "同名、同出生日期、同社区"
                    if first.name == second.name
                    else "同音姓名、同出生日期、同社区"
                )
                DuplicateCandidate.objects.create(person=first, other=second, reason=reason)
                created += 1
    return created


def person_update(
    *,
    actor: Any,
    person: Person,
    name: str | None = None,
    ethnicity: str | None = None,
    phone_number: str | None = None,
    address: str | None = None,
    building: Building | None = None,
) -> Person:
    """Correct a person's name, ethnicity, phone, address or building. The ID number, birth
    date and sex come from the ID and are not edited here. Audited with the changed fields."""
    with transaction.atomic():
        _require_place(actor, person.division, person.grid)
        fields = ["name", "ethnicity", "phone", "address", "building_id"]
        before = {f: getattr(person, f) for f in fields}
        if name is not None:
            if not name.strip():
                raise ApplicationError("姓名不能为空")
            person.name = name.strip()
            person.name_pinyin = name_pinyin(person.name)
        if ethnicity is not None:
            person.ethnicity = ethnicity.strip()
        if phone_number is not None:
            try:
                person.phone = phone.normalise(phone_number)
            except phone.PhoneError as exc:
                raise ApplicationError(str(exc)) from exc
            person.phone_hash = idnumber.search_hash(person.phone) if person.phone else ""
        if address is not None:
            person.address = address.strip()
        if building is not None:
            if building.grid_id != person.grid_id:
                raise ApplicationError("楼栋不在该居民所在网格")
            person.building = building
        changes = audit.diff(person, before, fields)
        if not changes:
            return person
        person.updated_by = actor if getattr(actor, "pk", None) else None
        person.save()
        _person_event(
            actor=actor,
            person=person,
            action="registry.person.update",
            changes={"changes": changes},
        )
        if "name" in changes:
            duplicates_detect(persons=[person])
    return person


# --- households -----------------------------------------------------------------------------


def _next_household_number(division: Division) -> str:
    prefix = f"{division.code}-"
    existing = set(
        Household.objects.filter(number__startswith=prefix).values_list("number", flat=True)[:5000]
    )
    n = len(existing) + 1
    while f"{prefix}{n:03d}" in existing:
        n += 1
    return f"{prefix}{n:03d}"


def household_register(
    *,
    actor: Any,
    division: Division,
    members: Sequence[MemberInput],
    grid: Grid | None = None,
    building: Building | None = None,
    address: str = "",
    number: str = "",
    household_type: str = "",
    started_on: dt.date | None = None,
) -> Household:
    """Register a household with its members in a community or village of the actor's area
    (or his grid). Exactly one member is the head (户主); an ID number appears once; a person
    already on file (same ID number) is reused, and refused if he still belongs to a household."""
    with transaction.atomic():
        if division.level != Level.VILLAGE:
            raise ApplicationError("住户必须登记在社区(村)")
        if grid is not None and grid.division_id != division.code:
            raise ApplicationError("网格不属于该社区(村)")
        if building is not None and (grid is None or building.grid_id != grid.pk):
            raise ApplicationError("楼栋不属于该网格")
        if actor is not None and grid is None:
            grid = Grid.objects.filter(
                pk__in=list(scope_of(actor).grid_ids()), division=division
            ).first()
        _require_place(actor, division, grid)
        if not members:
            raise ApplicationError("请至少登记一名家庭成员")
        heads = [m for m in members if m.relationship == Relationship.HEAD]
        if len(heads) != 1:
            raise ApplicationError("一户必须有且只有一名户主")
        numbers = [idnumber.normalise(m.id_number) for m in members]
        if len(set(numbers)) != len(numbers):
            raise ApplicationError("同一身份证号在本户中出现多次")
        number = (number or "").strip() or _next_household_number(division)
        if Household.objects.filter(number=number).exists():
            raise Conflict(f"户编号{number}已存在")
        household = Household.objects.create(
            number=number,
            division=division,
            grid=grid,
            building=building,
            address=address.strip(),
            household_type=household_type
            or (HouseholdType.RURAL if division.short_name.endswith("村") else HouseholdType.URBAN),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        on = started_on or today()
        new_persons = []
        names = []
        for member in members:
            person, created = _person_for_member(actor=actor, member=member, household=household)
            _join(household, person, member.relationship, on)
            if created:
                new_persons.append(person)
            names.append(f"{person.name}（{member.relationship}）")
        household.save(update_fields=["head"])
        _household_event(
            actor=actor,
            household=household,
            action="registry.household.register",
            changes={
                "members": names,
                "address": household.address,
                "grid": grid.name if grid else "",
            },
        )
        duplicates_detect(persons=new_persons)
    return household


def member_add(
    *, actor: Any, household: Household, member: MemberInput, started_on: dt.date | None = None
) -> Person:
    """Add a member to an active household; a second head is refused (use head_change)."""
    with transaction.atomic():
        _require_household(actor, household)
        if not household.is_active:
            raise InvalidTransition("该住户已注销，不能添加成员")
        if member.relationship == Relationship.HEAD and household.head_id is not None:
            raise ApplicationError("该户已有户主，请先添加成员再变更户主")
        person, created = _person_for_member(actor=actor, member=member, household=household)
        _join(household, person, member.relationship, started_on or today())
        if member.relationship == Relationship.HEAD:
            household.save(update_fields=["head"])
        added = {"person": person.pk, "person_name": person.name}
        added["relationship"] = member.relationship
        _household_event(
            actor=actor, household=household, action="registry.member.add", changes=added
        )
        if created:
            duplicates_detect(persons=[person])
    return person


def household_update(
    *, actor: Any, household: Household, address: str | None = None, grid: Grid | None = None
) -> Household:
    """Correct a household's address or grid (within its community). Its current members move
    with it: their grid, and their address where it was the household's. Audited."""
    with transaction.atomic():
        _require_household(actor, household)
        if grid is not None:
            if grid.division_id != household.division_id:
                raise ApplicationError("网格不属于该户所在的社区(村)")
            _require_place(actor, household.division, grid)
        before = {
            "address": household.address,
            "grid": household.grid.name if household.grid else "",
        }
        old_address = household.address
        if address is not None:
            household.address = address.strip()
        if grid is not None and grid.pk != household.grid_id:
            household.grid = grid
            household.building = None
        after = {
            "address": household.address,
            "grid": household.grid.name if household.grid else "",
        }
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if not changes:
            return household
        household.updated_by = actor if getattr(actor, "pk", None) else None
        household.save()
        for membership in household.memberships.filter(ended_on__isnull=True).select_related(
            "person"
        ):
            person = membership.person
            person.grid_id = household.grid_id
            person.building_id = household.building_id
            if person.address in ("", old_address):
                person.address = household.address
            person.save()
        _household_event(
            actor=actor,
            household=household,
            action="registry.household.update",
            changes={"changes": changes, **{k: v[1] for k, v in changes.items()}},
        )
    return household


def _end_membership(person: Person, on: dt.date) -> Membership | None:
    membership = current_membership(person)
    if membership is not None:
        membership.ended_on = on
        membership.save(update_fields=["ended_on", "updated_at"])
    return membership


def member_move(
    *,
    actor: Any,
    person: Person,
    to_household: Household,
    relationship: str,
    on: dt.date | None = None,
) -> Membership:
    """Move a member to another household (both in the actor's area). The head of a household
    with other members must hand over first (head_change)."""
    with transaction.atomic():
        on = on or today()
        if relationship not in Relationship.values or relationship == Relationship.HEAD:
            raise ApplicationError("请选择与新户主的关系（迁入成员不能直接成为户主）")
        _require_household(actor, to_household)
        membership = current_membership(person)
        if membership is None:
            raise InvalidTransition(f"{person.name}当前不属于任何住户")
        source = membership.household
        _require_household(actor, source)
        if source.pk == to_household.pk:
            raise ApplicationError("已在该住户中")
        if not to_household.is_active:
            raise InvalidTransition("目标住户已注销")
        if source.head_id == person.pk:
            if source.memberships.filter(ended_on__isnull=True).count() > 1:
                raise InvalidTransition("户主不能迁出，请先变更户主")
            source.head = None
            source.is_active = False
            source.save(update_fields=["head", "is_active", "updated_at"])
        membership.ended_on = on
        membership.save(update_fields=["ended_on", "updated_at"])
        new = Membership.objects.create(
            household=to_household, person=person, relationship=relationship, started_on=on
        )
        _relocate(person, to_household)
        changes = {
            "person": person.pk,
            "person_name": person.name,
            "from": source.number,
            "to": to_household.number,
            "relationship": relationship,
        }
        _household_event(
            actor=actor, household=source, action="registry.member.move_out", changes=changes
        )
        _household_event(
            actor=actor, household=to_household, action="registry.member.move_in", changes=changes
        )
    return new


def member_remove(
    *, actor: Any, person: Person, reason: str, on: dt.date | None = None
) -> Membership:
    """End a person's membership (e.g. wrongly registered, left the household). The head of a
    household with other members is refused: change the head first."""
    with transaction.atomic():
        if not reason.strip():
            raise ApplicationError("请填写移出原因")
        membership = current_membership(person)
        if membership is None:
            raise InvalidTransition(f"{person.name}当前不属于任何住户")
        household = membership.household
        _require_household(actor, household)
        if (
            household.head_id == person.pk
            and household.memberships.filter(ended_on__isnull=True).count() > 1
        ):
            raise InvalidTransition("不能移出户主，请先变更户主")
        membership.ended_on = on or today()
        membership.save(update_fields=["ended_on", "updated_at"])
        if household.head_id == person.pk:
            _set_head(household, None, active=False)
        _household_event(
            actor=actor,
            household=household,
            action="registry.member.remove",
            changes={"person": person.pk, "person_name": person.name, "reason": reason.strip()},
        )
    return membership


def head_change(
    *,
    actor: Any,
    household: Household,
    new_head: Person,
    old_head_relationship: str = Relationship.OTHER,
) -> Household:
    """Make a current member the head; the former head (if still a member) takes the given
    relationship to the new head."""
    with transaction.atomic():
        _require_household(actor, household)
        new_membership = household.memberships.filter(
            person=new_head, ended_on__isnull=True
        ).first()
        if new_membership is None:
            raise ApplicationError(f"{new_head.name}不是该户的现有成员")
        if household.head_id == new_head.pk:
            raise ApplicationError(f"{new_head.name}已是户主")
        if (
            old_head_relationship not in Relationship.values
            or old_head_relationship == Relationship.HEAD
        ):
            raise ApplicationError("请选择原户主与新户主的关系")
        old_head = household.head
        if old_head is not None:
            household.memberships.filter(person=old_head, ended_on__isnull=True).update(
                relationship=old_head_relationship
            )
        new_membership.relationship = Relationship.HEAD
        new_membership.save(update_fields=["relationship", "updated_at"])
        _set_head(household, new_head, active=True)
        _household_event(
            actor=actor,
            household=household,
            action="registry.household.head_change",
            changes={
                "from": old_head.name if old_head else "",
                "to": new_head.name,
                "person": new_head.pk,
            },
        )
    return household


def household_split(
    *,
    actor: Any,
    household: Household,
    persons: Sequence[Person],
    new_head: Person,
    number: str = "",
    address: str = "",
    on: dt.date | None = None,
) -> Household:
    """Split members off into a new household (分户) in the same community and grid. The current
    head stays; the new head must be one of the members split off."""
    with transaction.atomic():
        _require_household(actor, household)
        on = on or today()
        ids = {p.pk for p in persons}
        if not ids:
            raise ApplicationError("请选择要分出的成员")
        if new_head.pk not in ids:
            raise ApplicationError("新户主必须是分出的成员之一")
        if household.head_id in ids:
            raise InvalidTransition("原户主不能分出，请先变更户主")
        current = set(
            household.memberships.filter(ended_on__isnull=True).values_list("person_id", flat=True)
        )
        if not ids <= current:
            raise ApplicationError("只能分出该户的现有成员")
        number = number.strip() or _next_household_number(household.division)
        if Household.objects.filter(number=number).exists():
            raise Conflict(f"户编号{number}已存在")
        new = Household.objects.create(
            number=number,
            division=household.division,
            grid=household.grid,
            building=household.building,
            address=address.strip() or household.address,
            household_type=household.household_type,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        names = []
        for person in persons:
            household.memberships.filter(person=person, ended_on__isnull=True).update(ended_on=on)
            Membership.objects.create(
                household=new,
                person=person,
                relationship=Relationship.HEAD if person.pk == new_head.pk else Relationship.OTHER,
                started_on=on,
            )
            if new.address != person.address:
                person.address = new.address
                person.save()
            names.append(person.name)
        new.head = new_head
        new.save(update_fields=["head"])
        _members_moved(actor, "registry.household.split", household, new, names, household)
    return new


def _members_moved(
    actor: Any, action: str, source: Household, to: Household, names: list[str], kept: Household
) -> None:
    """One event on each household when members move from ``source`` to ``to`` (split, merge)."""
    changes = {"from": source.number, "to": to.number, "members": names, "household": kept.pk}
    for household in (source, to):
        _household_event(actor=actor, household=household, action=action, changes=changes)


def household_merge(
    *, actor: Any, source: Household, target: Household, on: dt.date | None = None
) -> Household:
    """Merge ``source`` into ``target`` (合户): its members join ``target`` (relationship 其他,
    to be corrected), its active assistance ends, and it is closed. Same community only."""
    with transaction.atomic():
        _require_household(actor, source)
        _require_household(actor, target)
        on = on or today()
        if source.pk == target.pk:
            raise ApplicationError("不能与自身合户")
        if not source.is_active or not target.is_active:
            raise InvalidTransition("已注销的住户不能合户")
        if source.division_id != target.division_id:
            raise ApplicationError("只能合并同一社区(村)的住户")
        names = []
        for membership in source.memberships.filter(ended_on__isnull=True).select_related("person"):
            membership.ended_on = on
            membership.save(update_fields=["ended_on", "updated_at"])
            Membership.objects.create(
                household=target,
                person=membership.person,
                relationship=Relationship.OTHER,
                started_on=on,
            )
            _relocate(membership.person, target)
            names.append(membership.person.name)
        source.assistance.filter(ended_on__isnull=True).update(ended_on=on)
        source.head = None
        source.is_active = False
        source.save(update_fields=["head", "is_active", "updated_at"])
        _members_moved(actor, "registry.household.merge", source, target, names, target)
    return target


def _leave(
    *, actor: Any, person: Person, status: str, on: dt.date, action: str, changes: dict[str, Any]
) -> Person:
    if person.status != PersonStatus.ALIVE:
        raise InvalidTransition(f"{person.name}的状态已是“{person.get_status_display()}”")
    if on > today():
        raise ApplicationError("日期不能晚于今天")
    membership = current_membership(person)
    if membership is not None:
        _require_household(actor, membership.household, active=False)
    else:
        _require_place(actor, person.division, person.grid)
    _person_event(actor=actor, person=person, action=action, changes=changes)
    person.status = status
    person.status_date = on
    person.updated_by = actor if getattr(actor, "pk", None) else None
    person.save()
    reason = "已故" if status == PersonStatus.DECEASED else "已迁出"
    VulnerabilityTag.objects.filter(person=person, valid_to__isnull=True).update(
        valid_to=on, removal_reason=reason
    )
    Disability.objects.filter(person=person, is_active=True).update(is_active=False)
    if membership is not None:
        membership.ended_on = on
        membership.save(update_fields=["ended_on", "updated_at"])
        household = membership.household
        remaining = household.memberships.filter(ended_on__isnull=True).count()
        if household.head_id == person.pk or remaining == 0:
            head = None if household.head_id == person.pk else household.head
            _set_head(household, head, active=remaining > 0)
    return person


def person_mark_deceased(*, actor: Any, person: Person, on: dt.date, evidence: str) -> Person:
    """Mark a resident deceased (with evidence such as a death certificate): his membership
    and tags end; a household losing its head waits for head_change (户主待变更)."""
    return _leave_noted(
        actor,
        person,
        on,
        PersonStatus.DECEASED,
        evidence=evidence.strip(),
        missing="请填写依据（如死亡证明、火化证明）",
    )


def person_mark_moved(*, actor: Any, person: Person, on: dt.date, destination: str) -> Person:
    """Mark a resident moved away (迁出) to a named place: his membership and tags end."""
    return _leave_noted(
        actor,
        person,
        on,
        PersonStatus.MOVED,
        destination=destination.strip(),
        missing="请填写迁往地",
    )


def _leave_noted(
    actor: Any, person: Person, on: dt.date, status: str, *, missing: str, **noted: str
) -> Person:
    """``_leave`` with the one required note (evidence, destination) in its audit row."""
    with transaction.atomic():
        if not all(noted.values()):
            raise ApplicationError(missing)
        return _leave(
            actor=actor,
            person=person,
            status=status,
            on=on,
            action=f"registry.person.{status}",
            changes={"on": on, **noted},
        )


# --- tags, disability, assistance -----------------------------------------------------------


def tag_add(
    *,
    actor: Any,
    person: Person,
    tag: str,
    evidence: str,
    source: str = "",
    valid_from: dt.date | None = None,
) -> VulnerabilityTag:
    """Tag a living resident with evidence (依据 is required); one active tag of a kind."""
    with transaction.atomic():
        if tag not in Tag.values:
            raise ApplicationError(f"未知的标签“{tag}”")
        if not evidence.strip():
            raise ApplicationError("请填写依据（如走访记录、证明材料）")
        if person.status != PersonStatus.ALIVE:
            raise InvalidTransition("只能给在册居民添加标签")
        _require_place(actor, person.division, person.grid)
        if VulnerabilityTag.objects.filter(person=person, tag=tag, valid_to__isnull=True).exists():
            raise Conflict(f"{person.name}已有有效的“{tag}”标签")
        row = VulnerabilityTag.objects.create(
            person=person,
            tag=tag,
            evidence=evidence.strip(),
            source=source.strip() or "网格走访",
            valid_from=valid_from or today(),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _person_event(
            actor=actor,
            person=person,
            action="registry.tag.add",
            changes={"tag": tag, "evidence": evidence.strip(), "source": row.source},
        )
    return row


def tag_remove(
    *, actor: Any, tag: VulnerabilityTag, reason: str, on: dt.date | None = None
) -> VulnerabilityTag:
    """End an active tag, with the reason."""
    with transaction.atomic():
        if not reason.strip():
            raise ApplicationError("请填写取消原因")
        if tag.valid_to is not None:
            raise InvalidTransition("该标签已失效")
        _require_place(actor, tag.person.division, tag.person.grid)
        tag.valid_to = on or today()
        tag.removal_reason = reason.strip()[:200]
        tag.save(update_fields=["valid_to", "removal_reason", "updated_at"])
        _person_event(
            actor=actor,
            person=tag.person,
            action="registry.tag.remove",
            changes={"tag": tag.tag, "reason": tag.removal_reason},
        )
    return tag


def certificate_number(id_number: str, disability_type: str, grade: int) -> str:
    """残疾人证号: the holder's ID number, the type digit and the grade digit (20 characters)."""
    return f"{id_number}{DISABILITY_TYPE_DIGIT[disability_type]}{grade}"


def disability_set(
    *,
    actor: Any,
    person: Person,
    disability_type: str,
    grade: int,
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Disability:
    """Record a person's disability certificate (type, grade 1–4); a previous active one is
    superseded; the 残疾 tag is added when missing."""
    with transaction.atomic():
        if disability_type not in DisabilityType.values:
            raise ApplicationError(f"未知的残疾类别“{disability_type}”")
        if person.status != PersonStatus.ALIVE:
            raise InvalidTransition("只能为在册居民记录残疾信息")
        if grade not in (1, 2, 3, 4):
            raise ApplicationError("残疾等级应为1至4级")
        _require_place(actor, person.division, person.grid)
        Disability.objects.filter(person=person, is_active=True).update(is_active=False)
        row = Disability.objects.create(
            person=person,
            disability_type=disability_type,
            grade=grade,
            certificate_number=certificate_number(person.id_number, disability_type, grade)
            if person.id_number
            else "",
            issued_on=issued_on,
            valid_until=valid_until,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if not VulnerabilityTag.objects.filter(
            person=person, tag=Tag.DISABILITY, valid_to__isnull=True
        ).exists():
            VulnerabilityTag.objects.create(
                person=person,
                tag=Tag.DISABILITY,
                source="残疾人证",
                evidence=f"{row.get_disability_type_display()}{row.get_grade_display()}",
                valid_from=issued_on or today(),
            )
        _person_event(
            actor=actor,
            person=person,
            action="registry.disability.set",
            changes={"type": disability_type, "grade": grade},
        )
    return row


def assistance_set(
    *,
    actor: Any,
    household: Household,
    assistance_type: str,
    started_on: dt.date,
    source: str = "",
) -> AssistanceStatus:
    """Record an assistance status of a household. 低保, 特困 and 低保边缘 exclude each other:
    a new one ends the previous one on the day before; the same type twice is refused."""
    with transaction.atomic():
        if assistance_type not in AssistanceType.values:
            raise ApplicationError(f"未知的救助类型“{assistance_type}”")
        _require_household(actor, household)
        active = household.assistance.filter(ended_on__isnull=True)
        if active.filter(assistance_type=assistance_type).exists():
            raise Conflict(f"该户已有有效的“{assistance_type}”")
        ended = []
        if assistance_type in EXCLUSIVE_ASSISTANCE:
            for row in active.filter(assistance_type__in=EXCLUSIVE_ASSISTANCE):
                row.ended_on = max(row.started_on, started_on - dt.timedelta(days=1))
                row.save(update_fields=["ended_on", "updated_at"])
                ended.append(row.assistance_type)
        row = AssistanceStatus.objects.create(
            household=household,
            assistance_type=assistance_type,
            started_on=started_on,
            source=source.strip(),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _household_event(
            actor=actor,
            household=household,
            action="registry.assistance.set",
            changes={"type": assistance_type, "started_on": started_on, "ended": ended},
        )
    return row


def assistance_end(
    *, actor: Any, assistance: AssistanceStatus, on: dt.date, reason: str
) -> AssistanceStatus:
    """End an active assistance status (e.g. 退出低保) with the reason."""
    with transaction.atomic():
        if assistance.ended_on is not None:
            raise InvalidTransition("该救助状态已终止")
        if not reason.strip():
            raise ApplicationError("请填写终止原因")
        if on < assistance.started_on:
            raise ApplicationError("终止日期不能早于起始日期")
        _require_household(actor, assistance.household, active=False)
        assistance.ended_on = on
        assistance.save(update_fields=["ended_on", "updated_at"])
        _household_event(
            actor=actor,
            household=assistance.household,
            action="registry.assistance.end",
            changes={"type": assistance.assistance_type, "on": on, "reason": reason.strip()},
        )
    return assistance


# --- duplicates -----------------------------------------------------------------------------


def duplicate_merge(*, actor: Any, candidate: DuplicateCandidate, keep: Person) -> Person:
    """Merge the other person of a probable duplicate into ``keep``: tags, disabilities and
    (if ``keep`` has none) the ID number and phone move over, his membership ends, and he is
    marked merged (Person.merged_into); both histories stay."""
    with transaction.atomic():
        if candidate.status != DuplicateStatus.OPEN:
            raise InvalidTransition("该疑似重复已处理")
        if keep.pk not in (candidate.person_id, candidate.other_id):
            raise ApplicationError("保留的居民必须是两者之一")
        drop = candidate.other if keep.pk == candidate.person_id else candidate.person
        _require_place(actor, keep.division, keep.grid)
        _require_place(actor, drop.division, drop.grid)
        active_kinds = set(
            VulnerabilityTag.objects.filter(person=keep, valid_to__isnull=True).values_list(
                "tag", flat=True
            )
        )
        for tag in VulnerabilityTag.objects.filter(person=drop, valid_to__isnull=True):
            if tag.tag in active_kinds:
                tag.valid_to = today()
                tag.removal_reason = "合并重复居民"
                tag.save(update_fields=["valid_to", "removal_reason", "updated_at"])
            else:
                VulnerabilityTag.objects.filter(pk=tag.pk).update(
                    person=keep, area_code=keep.area_code
                )
        if Disability.objects.filter(person=keep, is_active=True).exists():
            Disability.objects.filter(person=drop, is_active=True).update(is_active=False)
        else:
            Disability.objects.filter(person=drop).update(person=keep, area_code=keep.area_code)
        moved_fields = []
        if not keep.id_number and drop.id_number:
            keep.id_number, keep.id_hash = drop.id_number, drop.id_hash
            drop.id_hash = None
            drop.save(update_fields=["id_hash"])
            moved_fields.append("id_number")
        if not keep.phone and drop.phone:
            keep.phone, keep.phone_hash = drop.phone, drop.phone_hash
            moved_fields.append("phone")
        keep.save()
        drop_household = current_household(drop)
        if drop_household is not None:
            _end_membership(drop, today())
            if drop_household.head_id == drop.pk:
                drop_household.head = keep if current_household(keep) == drop_household else None
                drop_household.save(update_fields=["head", "updated_at"])
        drop.merged_into = keep
        drop.save(update_fields=["merged_into", "updated_at"])
        candidate.status = DuplicateStatus.MERGED
        candidate.resolved_at = timezone.now()
        candidate.updated_by = actor if getattr(actor, "pk", None) else None
        candidate.save(update_fields=["status", "resolved_at", "updated_by", "updated_at"])
        changes = {
            "kept": keep.pk,
            "kept_name": keep.name,
            "merged": drop.pk,
            "moved": moved_fields,
        }
        _person_event(actor=actor, person=keep, action="registry.person.merge", changes=changes)
        if drop_household is not None and drop_household != current_household(keep):
            _household_event(
                actor=actor,
                household=drop_household,
                action="registry.person.merge",
                changes=changes,
            )
    return keep


def duplicate_dismiss(
    *, actor: Any, candidate: DuplicateCandidate, note: str = ""
) -> DuplicateCandidate:
    """Mark a probable duplicate as two different people; it does not come back."""
    with transaction.atomic():
        if candidate.status != DuplicateStatus.OPEN:
            raise InvalidTransition("该疑似重复已处理")
        _require_place(actor, candidate.person.division, candidate.person.grid)
        candidate.status = DuplicateStatus.DISMISSED
        candidate.resolved_at = timezone.now()
        candidate.resolution_note = note.strip()[:200]
        candidate.updated_by = actor if getattr(actor, "pk", None) else None
        candidate.save(
            update_fields=["status", "resolved_at", "resolution_note", "updated_by", "updated_at"]
        )
        audit.record(
            actor=actor,
            action="registry.duplicate.dismiss",
            target=candidate,
            changes={
                "person": candidate.person_id,
                "other": candidate.other_id,
                "note": candidate.resolution_note,
            },
        )
    return candidate


# --- reveal ---------------------------------------------------------------------------------


def _reveal_limit() -> tuple[int, int]:
    """settings.LIANXIN_REVEAL_RATE such as "10/h" → (10, 3600)."""
    count, _, period = str(settings.LIANXIN_REVEAL_RATE).partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(period[:1] or "h", 3600)
    return int(count), seconds


def person_id_reveal(*, actor: Any, person: Person, reason: str) -> str:
    """The full ID number for a permitted role (PII-02): community, township and county staff
    of the person's area, with a reason (required); every reveal (and every refusal) is
    audited; at most LIANXIN_REVEAL_RATE per user in any sliding window of that period, held
    under concurrency by ``core.limits`` (a row lock, not a cache read-then-write)."""
    reason = (reason or "").strip()[:100]
    scope = scope_of(actor)
    allowed = any(
        g.role in REVEAL_ROLES and person.area_code.startswith(g.area_code) for g in scope.grants
    )

    def reveal_audit(result: str = "success", **extra: Any) -> None:
        changes = {"reason": reason, **extra}
        audit.record(
            actor=actor,
            action="registry.person.reveal_id",
            target=person,
            changes=changes,
            result=result,
        )

    if not allowed:
        reveal_audit("denied")
        raise AccessDenied("您的角色无权查看完整身份证号")
    if len(reason) < 2:
        reveal_audit("denied")
        raise ApplicationError("请填写查看完整身份证号的原因")
    limit, period = _reveal_limit()
    if not limits.consume(f"registry:reveal:{actor.pk}", limit=limit, period=period):
        reveal_audit("denied", limit=limit)
        raise AccessDenied(
            f"查看完整身份证号过于频繁（每{period // 60}分钟最多{limit}次），请稍后再试"
        )
    reveal_audit()
    return person.id_number
