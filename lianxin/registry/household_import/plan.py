"""Planning a household import: every checked row compared with the database (persons by the
keyed hash of the ID number, households by 户编号, places by name); row errors for the rules
that need the database; what would change, counted."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lianxin.areas.models import Division, Grid, Level
from lianxin.areas.selectors import region_of_id_code
from lianxin.core import idnumber
from lianxin.core.scoping import scope_of

from ..models import (
    AssistanceStatus,
    AssistanceType,
    Disability,
    Household,
    HouseholdType,
    Membership,
    Person,
    PersonStatus,
    Relationship,
    Tag,
    VulnerabilityTag,
)
from .columns import ParsedRow, RowError, mask_for_report

CHUNK = 500
T = TypeVar("T")


@dataclass
class ImportResult:
    data_rows: int = 0
    header_row: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    written: bool = False
    dry_run: bool = False
    message: str = ""
    notes: list[str] = field(default_factory=list)  # what the reader decided (表头在第3行…)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def has_changes(self) -> bool:
        return any(v for k, v in self.counts.items() if not k.endswith("unchanged"))

    def summary(self) -> list[tuple[str, Any]]:
        c = self.counts
        return [
            ("结果", self.message),
            ("读取情况", "；".join(self.notes)),
            ("数据行数", self.data_rows),
            ("有错误的行", self.error_rows),
            ("错误数", len(self.errors)),
            ("警告数", len(self.warnings)),
            ("新增住户", c["households_created"]),
            ("更新住户", c["households_updated"]),
            ("未变住户", c["households_unchanged"]),
            ("新增居民", c["persons_created"]),
            ("更新居民", c["persons_updated"]),
            ("未变居民", c["persons_unchanged"]),
            ("成员关系变化", c["memberships_changed"]),
            ("新增标签", c["tags_created"]),
            ("新增/更新残疾信息", c["disabilities_created"]),
            ("新增救助状态", c["assistance_created"]),
            ("新建网格", c["grids_created"]),
        ]


def _chunks(items: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _region_known(code: str) -> bool:
    return region_of_id_code(code)[1]


def _dictionary() -> Any:
    from lianxin.core.spreadsheet.names import current_dictionary

    return current_dictionary()


_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "社区", "村")
_TOWNSHIP_SUFFIXES = ("街道办事处", "街道", "镇", "乡")


def _base(name: str, suffixes: tuple[str, ...]) -> str:
    name = name.replace(" ", "")
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


class MaskedIdResolver:
    """An exported row's masked ID number → the stored number of the member of that household
    with that name, among the households the uploader may see (the whole region for the
    command line), so that an edited ledger export imports again without overwriting the ID
    number (#12). The visible characters of the mask must agree with the stored number."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self._members: dict[str, list[tuple[str, str]]] = {}

    def members(self, household_no: str) -> list[tuple[str, str]]:
        if household_no not in self._members:
            households = (
                Household.objects.for_user(self.actor)
                if self.actor is not None
                else Household.objects.all()
            )
            self._members[household_no] = [
                (m.person.name, m.person.id_number or "")
                for m in Membership.objects.filter(
                    ended_on__isnull=True,
                    household__in=households.filter(number=household_no).values("pk"),
                ).select_related("person")
            ]
        return self._members[household_no]

    def __call__(self, household_no: str, name: str, masked: str) -> tuple[str, str]:
        fits = [
            number
            for member_name, number in self.members(household_no)
            if member_name == name and number and _mask_fits(masked, number)
        ]
        if len(fits) == 1:
            return fits[0], ""
        return "", "身份证号已脱敏，且未能在本户现有成员中按姓名对应；新增成员请填写完整的身份证号"


def _mask_fits(masked: str, number: str) -> bool:
    masked = masked.strip().upper()
    if "不可见" in masked:
        return True
    return len(masked) == len(number) and all(
        m == "*" or m == n for m, n in zip(masked, number.upper(), strict=True)
    )


class PlaceResolver:
    """Place names → the village/community code, among the divisions of the uploader's area
    (the whole region for the command line). Ambiguous or unknown names are not guessed: the
    row says which name and why, so the file can name the township or carry the code."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self._villages: list[tuple[str, str, str, str]] | None = (
            None  # code, name, base, township base
        )

    def villages(self) -> list[tuple[str, str, str, str]]:
        if self._villages is None:
            from django.db.models import Q

            prefixes = scope_of(self.actor).area_prefixes() if self.actor is not None else ("",)
            query = Q()
            for prefix in prefixes:
                query |= Q(code__startswith=prefix)
            rows: list[Division] = (
                list(Division.objects.filter(query, level=Level.VILLAGE).select_related("parent"))
                if prefixes
                else []
            )
            self._villages = [
                (d.code, d.short_name, _base(d.short_name, _VILLAGE_SUFFIXES),
                 _base(d.parent.short_name, _TOWNSHIP_SUFFIXES) if d.parent is not None else "")
                for d in rows
            ]  # fmt: skip
        return self._villages

    def __call__(self, texts: dict[str, str]) -> tuple[str, str]:
        village, township = texts.get("village", ""), texts.get("township", "")
        free = " ".join(filter(None, [texts.get("place", ""), texts.get("address", "")]))
        shown = village or free or township
        villages = self.villages()
        if village:
            wanted = _base(village, _VILLAGE_SUFFIXES)
            found = [v for v in villages if v[2] == wanted or v[1] == village]
        else:
            found = [v for v in villages if len(v[2]) >= 2 and v[2] in free]
        if township or free:
            context = _base(township, _TOWNSHIP_SUFFIXES) if township else ""
            narrowed = [
                v
                for v in found
                if (context and v[3] == context) or (not context and v[3] and v[3] in free)
            ]
            if narrowed or context:
                found = narrowed
        if len(found) == 1:
            return found[0][0], ""
        if not found:
            return "", f"“{shown}”不是您管辖区域内的社区(村)，请核对地名或填写区划代码"
        names = "、".join(v[1] for v in found[:3])
        return "", f"“{shown}”对应多个社区(村)（{names}），请写明所属乡镇或填写区划代码"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


_KNOWN_FIELDS = (
    "pk", "id_hash", "name", "ethnicity", "phone_hash", "area_code", "grid_id", "address", "status",
    "merged_into_id",
)  # fmt: skip
ASSISTANCE_TYPES = frozenset(AssistanceType.values)


@dataclass(slots=True)
class _Known:
    """A person already on file, as far as the import compares him."""

    pk: int
    id_hash: str
    name: str
    ethnicity: str
    phone_hash: str
    area_code: str
    grid_id: int | None
    address: str
    status: str
    merged_into_id: int | None


@dataclass(slots=True)
class _NewPerson:
    pk: int
    id_number: str
    id_hash: str
    name: str
    sex: str
    birth_date: dt.date
    ethnicity: str
    phone: str
    phone_hash: str
    area_code: str
    grid: Grid | None
    address: str


@dataclass
class _Plan:
    grids_new: dict[tuple[str, str], Grid] = field(default_factory=dict)
    grids: dict[tuple[str, str], Grid] = field(default_factory=dict)
    households_new: dict[str, Household] = field(default_factory=dict)
    households_changed: list[tuple[Household, dict[str, Any]]] = field(default_factory=list)
    households: dict[str, Household] = field(default_factory=dict)
    persons_new: dict[str, _NewPerson] = field(default_factory=dict)  # by id number
    # (person, changes, phone as written, household)
    persons_changed: list[tuple[_Known, dict[str, Any], str, Household]] = field(
        default_factory=list
    )
    persons: dict[str, _Known | _NewPerson] = field(default_factory=dict)
    memberships_end: list[tuple[int, int, int, int | None]] = field(
        default_factory=list
    )  # (id, household, person, head)
    memberships_relationship: list[tuple[int, str]] = field(default_factory=list)
    memberships_new: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # (id, household_no, rel)
    disabilities_new: list[tuple[str, str, int]] = field(default_factory=list)
    disabilities_end: list[int] = field(default_factory=list)
    tags_new: list[tuple[str, str, str]] = field(default_factory=list)  # (id, tag, evidence)
    assistance_new: list[tuple[str, str]] = field(default_factory=list)  # (household_no, type)


def _plan(*, actor: Any, rows: list[ParsedRow], result: ImportResult) -> _Plan:
    """Compare the rows with the database; adds row errors for rules that need it."""
    plan = _Plan()
    counts = result.counts
    prefixes = scope_of(actor).area_prefixes() if actor is not None else ("",)

    def in_scope(code: str) -> bool:
        return any(code.startswith(p) for p in prefixes)

    # divisions
    codes = sorted({r.division_code for r in rows})
    villages: dict[str, Division] = {}
    for chunk in _chunks(codes):
        villages.update(
            {d.code: d for d in Division.objects.filter(code__in=chunk, level=Level.VILLAGE)}
        )
    bad_rows: set[int] = set()
    for r in rows:
        if r.division_code not in villages:
            result.errors.append(
                RowError(r.row, "区划代码", r.division_code, "区划代码不存在或不是社区(村)级")
            )
            bad_rows.add(r.row)
        elif not in_scope(r.division_code):
            result.errors.append(
                RowError(r.row, "区划代码", r.division_code, "该社区(村)不在您的管辖范围内")
            )
            bad_rows.add(r.row)
    # grids
    wanted_grids = {
        (r.division_code, r.grid) for r in rows if r.grid and r.division_code in villages
    }
    for chunk in _chunks(sorted({c for c, _ in wanted_grids})):
        for g in Grid.objects.filter(division_id__in=chunk):
            plan.grids[(g.division_id, g.name)] = g
    grid: Grid | None
    for grid_key in sorted(wanted_grids):
        if grid_key not in plan.grids:
            grid = Grid(division_id=grid_key[0], area_code=grid_key[0], name=grid_key[1])
            plan.grids_new[grid_key] = grid
            plan.grids[grid_key] = grid
    counts["grids_created"] = len(plan.grids_new)
    # households
    first_of: dict[str, ParsedRow] = {}
    address_of: dict[str, str] = {}
    for r in rows:
        first_of.setdefault(r.household_no, r)
        if r.address and r.household_no not in address_of:
            address_of[r.household_no] = r.address
    existing_households: dict[str, Household] = {}
    for chunk in _chunks(sorted(first_of)):
        existing_households.update(
            {h.number: h for h in Household.objects.filter(number__in=chunk)}
        )
    household: Household | None
    for number, r in first_of.items():
        if r.row in bad_rows:
            continue
        grid = plan.grids.get((r.division_code, r.grid)) if r.grid else None
        address = address_of.get(number, "")
        existing = existing_households.get(number)
        if existing is None:
            division = villages[r.division_code]
            household = Household(
                number=number,
                division_id=r.division_code,
                area_code=r.division_code,
                grid=grid,
                address=address,
                household_type=HouseholdType.RURAL
                if division.short_name.endswith("村")
                else HouseholdType.URBAN,
                created_by=_user(actor),
            )
            plan.households_new[number] = household
            plan.households[number] = household
            continue
        if not in_scope(existing.area_code):
            result.errors.append(
                RowError(r.row, "户编号", number, "该户编号已被其他地区的住户使用")
            )
            continue
        changes: dict[str, Any] = {}
        if existing.division_id != r.division_code:
            changes["division"] = [existing.division_id, r.division_code]
            existing.division_id = existing.area_code = r.division_code
        if r.grid and existing.grid_id != (grid.pk if grid else None):
            changes["grid"] = [existing.grid_id, r.grid]
            existing.grid = grid
        if address and existing.address != address:
            changes["address"] = [existing.address, address]
            existing.address = address
        if changes:
            plan.households_changed.append((existing, changes))
            counts["households_updated"] += 1
        else:
            counts["households_unchanged"] += 1
        plan.households[number] = existing
    counts["households_created"] = len(plan.households_new)
    # persons
    hashes = {idnumber.search_hash(r.id_number): r for r in rows}
    existing_persons: dict[str, _Known] = {}
    known: _Known | None
    for chunk in _chunks(sorted(hashes)):
        for values in Person.objects.filter(id_hash__in=chunk).values_list(*_KNOWN_FIELDS):
            known = _Known(*values)
            existing_persons[known.id_hash] = known
    existing_ids = [p.pk for p in existing_persons.values()]
    memberships: dict[int, tuple[int, int, str, str, int | None]] = {}
    disabilities: dict[int, tuple[int, str, int]] = {}
    active_tags: set[tuple[int, str]] = set()
    for pks in _chunks(existing_ids):
        for pid, mid, hid, number, relationship, head_id in Membership.objects.filter(
            person_id__in=pks, ended_on__isnull=True
        ).values_list(
            "person_id",
            "id",
            "household_id",
            "household__number",
            "relationship",
            "household__head_id",
        ):
            memberships[pid] = (mid, hid, number, relationship, head_id)
        for pid, did, kind, grade in Disability.objects.filter(
            person_id__in=pks, is_active=True
        ).values_list("person_id", "id", "disability_type", "grade"):
            disabilities[pid] = (did, kind, grade)
        active_tags.update(
            VulnerabilityTag.objects.filter(person_id__in=pks, valid_to__isnull=True).values_list(
                "person_id", "tag"
            )
        )
    household_pks = [h.pk for h in plan.households.values() if h.pk]
    active_assistance: set[tuple[int, str]] = set()
    for pks in _chunks(household_pks):
        active_assistance.update(
            AssistanceStatus.objects.filter(
                household_id__in=pks, ended_on__isnull=True
            ).values_list("household_id", "assistance_type")
        )
    assistance_wanted: set[tuple[str, str]] = set()
    for key, r in hashes.items():
        household = plan.households.get(r.household_no)
        if household is None:
            continue
        grid = plan.grids.get((r.division_code, r.grid)) if r.grid else household.grid
        known = existing_persons.get(key)
        phone_hash = idnumber.search_hash(r.phone) if r.phone else ""
        masked = mask_for_report("id_number", r.id_number)
        if known is not None and known.merged_into_id:
            result.errors.append(
                RowError(r.row, "身份证号", masked, "该居民已合并至另一条记录，请核实")
            )
            continue
        if known is not None and not in_scope(known.area_code):
            result.errors.append(
                RowError(
                    r.row,
                    "身份证号",
                    masked,
                    "该居民登记在您管辖范围以外的地区，请由原地区迁出后再导入",
                )
            )
            continue
        person: _Known | _NewPerson
        if known is None:
            person = _NewPerson(
                pk=0,
                id_number=r.id_number,
                id_hash=key,
                name=r.name,
                sex=r.sex,
                birth_date=r.birth_date,
                ethnicity=r.ethnicity,
                phone=r.phone,
                phone_hash=phone_hash,
                area_code=r.division_code,
                grid=grid,
                address=household.address,
            )
            plan.persons_new[r.id_number] = person
            plan.memberships_new.append((r.id_number, r.household_no, r.relationship))
            counts["memberships_changed"] += 1
        else:
            person = known
            if known.status != PersonStatus.ALIVE:
                result.warnings.append(
                    RowError(
                        r.row,
                        "姓名",
                        r.name,
                        f"该居民在系统中的状态为“{PersonStatus(known.status).label}”，本次不改变其状态",
                        True,
                    )
                )
            grid_value: Any = (
                grid.pk if grid is not None and grid.pk else (None if grid is None else grid)
            )
            wanted = {
                "name": r.name,
                "ethnicity": r.ethnicity or known.ethnicity,
                "phone_hash": phone_hash or known.phone_hash,
                "area_code": r.division_code,
                "grid_id": grid_value,
                "address": household.address or known.address,
            }
            changes = {k: v for k, v in wanted.items() if getattr(known, k) != v}
            if changes:
                plan.persons_changed.append((known, changes, r.phone, household))
                counts["persons_updated"] += 1
            else:
                counts["persons_unchanged"] += 1
            membership = memberships.get(known.pk)
            if membership is not None and membership[2] == r.household_no:
                if membership[3] != r.relationship:
                    plan.memberships_relationship.append((membership[0], r.relationship))
                    counts["memberships_changed"] += 1
            else:
                if membership is not None:
                    plan.memberships_end.append(
                        (membership[0], membership[1], known.pk, membership[4])
                    )
                plan.memberships_new.append((r.id_number, r.household_no, r.relationship))
                counts["memberships_changed"] += 1
        plan.persons[r.id_number] = person
        # disability
        if r.disability_type and r.disability_grade:
            current = disabilities.get(person.pk) if person.pk else None
            if current is None or (current[1], current[2]) != (
                r.disability_type,
                r.disability_grade,
            ):
                plan.disabilities_new.append((r.id_number, r.disability_type, r.disability_grade))
                if current is not None:
                    plan.disabilities_end.append(current[0])
        # tags (and the household's assistance for 低保/特困/低保边缘/支出型困难)
        wanted_tags = list(r.tags)
        if r.disability_type and Tag.DISABILITY not in wanted_tags:
            wanted_tags.append(Tag.DISABILITY)
        for tag in wanted_tags:
            if not person.pk or (person.pk, tag) not in active_tags:
                plan.tags_new.append((r.id_number, tag, "导入台账"))
            if tag in ASSISTANCE_TYPES and (
                not household.pk or (household.pk, tag) not in active_assistance
            ):
                assistance_wanted.add((r.household_no, tag))
    plan.assistance_new = sorted(assistance_wanted)
    counts["persons_created"] = len(plan.persons_new)
    counts["tags_created"] = len(plan.tags_new)
    counts["disabilities_created"] = len(plan.disabilities_new)
    counts["assistance_created"] = len(plan.assistance_new)
    # heads
    head_of = {r.household_no: r.id_number for r in rows if r.relationship == Relationship.HEAD}
    changed_pks = {h.pk for h, _ in plan.households_changed}
    for number, household in plan.households.items():
        if household.pk and number in head_of:
            head = plan.persons.get(head_of[number])
            if (
                head is not None
                and head.pk != household.head_id
                and household.pk not in changed_pks
            ):
                plan.households_changed.append(
                    (household, {"head": [household.head_id, head.name]})
                )
                counts["households_updated"] += 1
                counts["households_unchanged"] -= 1
    return plan
