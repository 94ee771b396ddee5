"""Importing a household file into the registry (shared/contracts/imports.md).

``households_import`` reads and checks the file (registry.importing), compares every row with
the database (matched by the keyed hash of the ID number; households by 户编号) and, unless it
is a dry run or any row is bad, writes the differences in ONE transaction with bulk inserts and
updates, audited. Importing the same file again finds nothing to change and says so; a killed
import leaves nothing behind (the transaction never committed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from lianxin.areas.models import Division, Grid, Level
from lianxin.areas.selectors import region_of_id_code
from lianxin.core import audit, idnumber
from lianxin.core.errors import AccessDenied, InvalidTransition
from lianxin.core.fields import encrypt
from lianxin.core.roles import AREA_STAFF_ROLES
from lianxin.core.scoping import scope_of
from lianxin.core.tasks import enqueue_on_commit

from . import importing
from .importing import ParsedRow, RowError, UnusableFile
from .models import (
    AssistanceStatus,
    AssistanceType,
    Disability,
    Household,
    HouseholdType,
    ImportJob,
    ImportStatus,
    Membership,
    Person,
    PersonStatus,
    Relationship,
    Tag,
    VulnerabilityTag,
)
from .services import certificate_number, duplicates_detect, name_pinyin

CHUNK = 500
T = TypeVar("T")

__all__ = ["ImportResult", "UnusableFile", "households_import"]


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


def households_import(
    *,
    actor: Any,
    path: Path,
    dry_run: bool = False,
    source_name: str = "",
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Import a household file. Raises UnusableFile (exit 2) for a file that cannot be used;
    returns the result with row errors (nothing written), or what was (or would be) written.
    A staff actor may import only into his own area; ``actor=None`` is the command line."""
    max_bytes = int(settings.LIANXIN_IMPORT_MAX_BYTES)
    if actor is not None and not scope_of(actor).has_role(*AREA_STAFF_ROLES):
        raise AccessDenied("只有社区及以上工作人员可以导入住户信息")
    checked = importing.read_file(
        path,
        max_bytes=max_bytes,
        region_known=_region_known,
        progress=(lambda n: progress("checking", n, 0)) if progress else None,
    )
    result = ImportResult(
        data_rows=checked.data_rows,
        header_row=checked.header_row,
        errors=checked.errors,
        warnings=checked.warnings,
        dry_run=dry_run,
    )
    rows = checked.rows
    if dry_run or result.errors:
        plan = _plan(actor=actor, rows=rows, result=result)
        result.errors.sort(key=lambda e: e.row)
        _conclude(result, plan_ok=not result.errors)
        return result
    with transaction.atomic():
        plan = _plan(actor=actor, rows=rows, result=result)
        if result.errors:
            result.errors.sort(key=lambda e: e.row)
            _conclude(result, plan_ok=False)
            return result
        if result.has_changes:
            _apply(
                actor=actor,
                plan=plan,
                rows=rows,
                source_name=source_name or path.name,
                progress=progress,
            )
            result.written = True
        _conclude(result, plan_ok=True)
    return result


def _conclude(result: ImportResult, *, plan_ok: bool) -> None:
    if result.errors:
        result.message = f"有{result.error_rows}行数据有误，未写入任何数据；请修改后重新导入"
    elif not result.has_changes:
        result.message = "文件内容与系统中一致，没有需要写入的变化"
    elif result.dry_run:
        result.message = "检查通过（试导入，未写入）"
    else:
        result.message = "导入完成"


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
    for key in sorted(wanted_grids):
        if key not in plan.grids:
            grid = Grid(division_id=key[0], area_code=key[0], name=key[1])
            plan.grids_new[key] = grid
            plan.grids[key] = grid
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
    for chunk in _chunks(sorted(hashes)):
        for values in Person.objects.filter(id_hash__in=chunk).values_list(*_KNOWN_FIELDS):
            known = _Known(*values)
            existing_persons[known.id_hash] = known
    existing_ids = [p.pk for p in existing_persons.values()]
    memberships: dict[int, tuple[int, int, str, str, int | None]] = {}
    disabilities: dict[int, tuple[int, str, int]] = {}
    active_tags: set[tuple[int, str]] = set()
    for chunk in _chunks(existing_ids):
        for pid, mid, hid, number, relationship, head_id in Membership.objects.filter(
            person_id__in=chunk, ended_on__isnull=True
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
            person_id__in=chunk, is_active=True
        ).values_list("person_id", "id", "disability_type", "grade"):
            disabilities[pid] = (did, kind, grade)
        active_tags.update(
            VulnerabilityTag.objects.filter(person_id__in=chunk, valid_to__isnull=True).values_list(
                "person_id", "tag"
            )
        )
    household_pks = [h.pk for h in plan.households.values() if h.pk]
    active_assistance: set[tuple[int, str]] = set()
    for chunk in _chunks(household_pks):
        active_assistance.update(
            AssistanceStatus.objects.filter(
                household_id__in=chunk, ended_on__isnull=True
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
        masked = importing.mask_for_report("id_number", r.id_number)
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


def _reserve_ids(model: type[Any], n: int) -> list[int]:
    """Primary keys for ``n`` new rows, taken inside the import's transaction: the sequence on
    PostgreSQL, max(id)+1… on SQLite (whose writer lock the transaction holds)."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + n))


def _insert(model: type[Any], columns: list[str], rows: Iterable[list[Any]], batch: int = 2000) -> int:
    """Plain INSERTs of prepared rows: COPY on PostgreSQL, executemany elsewhere. The bulk path
    of the import, without the ORM's per-object compilation. Values must be in database form."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        pending: list[list[Any]] = []
        for row in rows:
            pending.append(row)
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count


def _apply(
    *,
    actor: Any,
    plan: _Plan,
    rows: list[ParsedRow],
    source_name: str,
    progress: Callable[[str, int, int], None] | None,
) -> None:
    user = _user(actor)
    user_id = user.pk if user else None
    today = timezone.localdate()
    now = timezone.now()
    ops = connection.ops
    db_now = ops.adapt_datetimefield_value(now)
    db_today = ops.adapt_datefield_value(today)
    total = len(rows)

    def tick(done: int) -> None:
        if progress:
            progress("importing", done, total)

    if plan.grids_new:
        Grid.objects.bulk_create(list(plan.grids_new.values()), batch_size=CHUNK)
    # persons first (households point at their head)
    new_persons = list(plan.persons_new.values())
    for person, pk in zip(new_persons, _reserve_ids(Person, len(new_persons)), strict=True):
        person.pk = pk
    _insert(
        Person,
        ["id", "created_at", "updated_at", "created_by_id", "updated_by_id", "id_number", "id_hash", "name",
         "name_pinyin", "sex", "birth_date", "ethnicity", "phone", "phone_hash", "registered_area_code",
         "division_id", "area_code", "grid_id", "building_id", "address", "latitude", "longitude", "status",
         "status_date", "merged_into_id"],
        (
            [p.pk, db_now, db_now, user_id, None, encrypt(p.id_number), p.id_hash, p.name, name_pinyin(p.name),
             p.sex, ops.adapt_datefield_value(p.birth_date), p.ethnicity, encrypt(p.phone) if p.phone else "",
             p.phone_hash, p.id_number[:6], p.area_code, p.area_code, p.grid.pk if p.grid else None, None,
             p.address, None, None, PersonStatus.ALIVE, None, None]
            for p in new_persons
        ),
    )  # fmt: skip
    tick(total // 2)
    # households
    head_of = {r.household_no: r.id_number for r in rows if r.relationship == Relationship.HEAD}
    new_households = list(plan.households_new.values())
    for household, pk in zip(
        new_households, _reserve_ids(Household, len(new_households)), strict=True
    ):
        household.pk = household.id = pk
        head = plan.persons.get(head_of.get(household.number, ""))
        household.head_id = head.pk if head else None
    _insert(
        Household,
        ["id", "created_at", "updated_at", "created_by_id", "updated_by_id", "number", "household_type",
         "division_id", "area_code", "grid_id", "building_id", "address", "head_id", "is_active"],
        (
            [h.pk, db_now, db_now, user_id, None, h.number, h.household_type, h.division_id, h.area_code,
             h.grid.pk if h.grid else None, None, h.address, h.head_id, True]
            for h in new_households
        ),
    )  # fmt: skip
    for household, changes in plan.households_changed:
        fields: dict[str, Any] = {"updated_by_id": user_id, "updated_at": now}
        if "division" in changes:
            fields.update(division_id=household.division_id, area_code=household.area_code)
        if "grid" in changes:
            fields["grid_id"] = household.grid.pk if household.grid else None
        if "address" in changes:
            fields["address"] = household.address
        head = plan.persons.get(head_of.get(household.number, ""))
        if head is not None and head.pk != household.head_id:
            fields["head_id"] = head.pk
            household.head_id = head.pk
        Household.objects.filter(pk=household.pk).update(**fields)
    # updated persons (few): one UPDATE each, audited below
    for known, changes, phone_number, _household in plan.persons_changed:
        fields = {k: v for k, v in changes.items() if k != "grid_id"}
        if "grid_id" in changes:
            grid = changes["grid_id"]
            fields["grid_id"] = grid.pk if isinstance(grid, Grid) else grid
        if "area_code" in changes:
            fields["division_id"] = changes["area_code"]
        if "phone_hash" in changes:
            fields["phone"] = phone_number
        if "name" in changes:
            fields["name_pinyin"] = name_pinyin(changes["name"])
        Person.objects.filter(pk=known.pk).update(updated_by_id=user_id, updated_at=now, **fields)
    # memberships
    for chunk in _chunks([m[0] for m in plan.memberships_end]):
        Membership.objects.filter(pk__in=chunk).update(ended_on=today, updated_at=now)
    left_heads = [hid for (_mid, hid, pid, head_id) in plan.memberships_end if head_id == pid]
    for chunk in _chunks(left_heads):
        Household.objects.filter(pk__in=chunk).exclude(number__in=list(plan.households)).update(
            head=None
        )
    for membership_id, relationship in plan.memberships_relationship:
        Membership.objects.filter(pk=membership_id).update(
            relationship=relationship, updated_at=now
        )
    _insert(
        Membership,
        ["created_at", "updated_at", "created_by_id", "household_id", "person_id", "relationship",
         "started_on", "ended_on", "area_code"],
        (
            [db_now, db_now, user_id, plan.households[number].pk, plan.persons[id_number].pk, relationship,
             db_today, None, plan.households[number].area_code]
            for id_number, number, relationship in plan.memberships_new
        ),
    )  # fmt: skip
    tick(total * 7 // 10)
    # disability, tags, assistance
    for chunk in _chunks(plan.disabilities_end):
        Disability.objects.filter(pk__in=chunk).update(is_active=False, updated_at=now)
    _insert(
        Disability,
        ["created_at", "updated_at", "created_by_id", "person_id", "certificate_number", "disability_type",
         "grade", "issued_on", "valid_until", "is_active", "area_code"],
        (
            [db_now, db_now, user_id, plan.persons[id_number].pk,
             encrypt(certificate_number(id_number, kind, grade)), kind, grade, None, None, True,
             plan.persons[id_number].area_code]
            for id_number, kind, grade in plan.disabilities_new
        ),
    )  # fmt: skip
    evidence = f"导入台账：{source_name}"[:500]
    _insert(
        VulnerabilityTag,
        ["created_at", "updated_at", "created_by_id", "person_id", "tag", "source", "evidence", "valid_from",
         "valid_to", "removal_reason", "area_code"],
        (
            [db_now, db_now, user_id, plan.persons[id_number].pk, tag, "台账导入", evidence, db_today, None, "",
             plan.persons[id_number].area_code]
            for id_number, tag, _evidence in plan.tags_new
        ),
    )  # fmt: skip
    _insert(
        AssistanceStatus,
        ["created_at", "updated_at", "created_by_id", "household_id", "assistance_type", "started_on",
         "ended_on", "source", "area_code"],
        (
            [db_now, db_now, user_id, plan.households[number].pk, kind, db_today, None, "台账导入",
             plan.households[number].area_code]
            for number, kind in plan.assistance_new
        ),
    )  # fmt: skip
    tick(total * 9 // 10)
    # the audit trail: one event per household touched, one per person updated, one summary
    audit.record_many(_audit_entries(actor=actor, plan=plan, rows=rows, source_name=source_name))
    first_new = min((p.pk for p in new_persons), default=None)
    if first_new is not None:
        duplicates_detect(persons=Person.objects.filter(pk__gte=first_new).only("pk"))
    tick(total)


def _audit_entries(
    *, actor: Any, plan: _Plan, rows: list[ParsedRow], source_name: str
) -> Iterable[dict[str, Any]]:
    members: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r.id_number in plan.persons_new:
            members[r.household_no].append(f"{r.name}（{r.relationship}）")
    for number, household in plan.households_new.items():
        yield {
            "actor": actor,
            "action": "registry.household.import",
            "target": household,
            "changes": {"file": source_name, "members": members.get(number, [])},
        }
    for household, changes in plan.households_changed:
        yield {
            "actor": actor,
            "action": "registry.household.import_update",
            "target": household,
            "changes": {"file": source_name, "changes": changes},
        }
    for number, household in plan.households.items():
        if number not in plan.households_new and members.get(number):
            yield {
                "actor": actor,
                "action": "registry.member.import",
                "target": household,
                "changes": {"file": source_name, "members": members[number]},
            }
    for person, changes, _phone, household in plan.persons_changed:
        sensitive = {"phone_hash": "phone"}
        shown = {
            sensitive.get(k, k): (
                ["***", "***"]
                if k in sensitive
                else [_plain(getattr(person, k)), _plain(v.pk if isinstance(v, Grid) else v)]
            )
            for k, v in changes.items()
        }
        yield {
            "actor": actor,
            "action": "registry.person.import_update",
            "target": household if household.pk else None,
            "target_repr": person.name,
            "changes": {
                "file": source_name,
                "person": person.pk,
                "person_name": person.name,
                "changes": shown,
            },
        }
    yield {
        "actor": actor,
        "action": "registry.import.apply",
        "target": None,
        "target_repr": source_name,
        "changes": {
            "file": source_name,
            "rows": len(rows),
            "households_created": len(plan.households_new),
            "persons_created": len(plan.persons_new),
            "persons_updated": len(plan.persons_changed),
        },
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- uploads through the staff UI (background tasks) -----------------------------------------

REPORT_JSON_LIMIT = 1000


def _progress_key(job_id: int) -> str:
    return f"registry:import:{job_id}"


def import_progress(job: ImportJob) -> tuple[str, int, int]:
    """(phase, done, total) of a running job: the cache while inside the write transaction,
    the job's own columns otherwise."""
    value = cache.get(_progress_key(job.pk))
    if value:
        return value
    return (job.status, job.rows_done, job.rows_total)


def _report_json(result: ImportResult) -> dict[str, Any]:
    def rows(items: list[RowError]) -> list[list[Any]]:
        return [[e.row, e.column, e.value, e.reason] for e in items[:REPORT_JSON_LIMIT]]

    return {
        "summary": [[k, v] for k, v in result.summary()],
        "counts": dict(result.counts),
        "errors": rows(result.errors),
        "error_count": len(result.errors),
        "error_rows": result.error_rows,
        "warnings": rows(result.warnings),
        "warning_count": len(result.warnings),
        "has_changes": result.has_changes,
        "written": result.written,
    }


def import_job_create(
    *, actor: Any, file_name: str, chunks: Iterable[bytes], size: int
) -> ImportJob:
    """Store an upload and queue its check. A file over LIANXIN_IMPORT_MAX_BYTES is refused
    before it is stored; the area of the job is the uploader's (for who may see it)."""
    if not scope_of(actor).has_role(*AREA_STAFF_ROLES):
        raise AccessDenied("只有社区及以上工作人员可以导入住户信息")
    max_bytes = int(settings.LIANXIN_IMPORT_MAX_BYTES)
    prefixes = scope_of(actor).area_prefixes()
    job = ImportJob(
        file_name=Path(file_name).name[:200] or "upload",
        size=size,
        area_code=prefixes[0] if prefixes else "",
        created_by=actor,
    )
    if size > max_bytes:
        job.status = ImportStatus.REFUSED
        job.message = f"文件大小{size / 1048576:.1f}MB，超过上限{max_bytes // 1048576}MB"
        job.save()
        audit.record(
            actor=actor,
            action="registry.import.refuse",
            target=job,
            changes={"reason": job.message},
        )
        return job
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = (
        Path(file_name).suffix.lower()[:6]
        if Path(file_name).suffix.lower() in (".xlsx", ".csv")
        else ".bin"
    )
    stored = folder / f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    written = 0
    with stored.open("wb") as fh:
        for chunk in chunks:
            written += len(chunk)
            if written > max_bytes:
                break
            digest.update(chunk)
            fh.write(chunk)
    if written > max_bytes:
        stored.unlink(missing_ok=True)
        job.status = ImportStatus.REFUSED
        job.message = f"文件超过上限{max_bytes // 1048576}MB"
        job.save()
        return job
    job.stored_path = str(stored)
    job.sha256 = digest.hexdigest()
    job.size = written
    with transaction.atomic():
        job.save()
        audit.record(
            actor=actor,
            action="registry.import.upload",
            target=job,
            changes={"file": job.file_name, "size": written, "sha256": job.sha256},
        )
        from .tasks import check_import_job

        enqueue_on_commit(check_import_job, job.pk)
    return job


def _job_progress(job_id: int) -> Callable[[str, int, int], None]:
    def report(phase: str, done: int, total: int) -> None:
        cache.set(_progress_key(job_id), (phase, done, total), timeout=3600)
        if phase == "checking":
            ImportJob.objects.filter(pk=job_id).update(rows_done=done)

    return report


def import_job_check(*, job_id: int) -> ImportJob:
    """Check an uploaded file (a dry run): the preview with row errors, or a refusal."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.UPLOADED:
        return job
    ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.CHECKING)
    try:
        result = households_import(
            actor=job.created_by,
            path=Path(job.stored_path),
            dry_run=True,
            source_name=job.file_name,
            progress=_job_progress(job_id),
        )
    except UnusableFile as exc:
        job.status, job.message = ImportStatus.REFUSED, f"文件不可用：{exc.message}"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "message", "finished_at", "updated_at"])
        Path(job.stored_path).unlink(missing_ok=True)
        return job
    job.status = ImportStatus.CHECKED
    job.rows_total = job.rows_done = result.data_rows
    job.message = result.message
    job.report = _report_json(result)
    job.save(update_fields=["status", "rows_total", "rows_done", "message", "report", "updated_at"])
    cache.delete(_progress_key(job_id))
    return job


def import_job_confirm(*, actor: Any, job: ImportJob) -> ImportJob:
    """Confirm a checked file without errors and with changes: it is written in the background."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.CHECKED:
            raise InvalidTransition("该文件当前不能确认导入")
        if job.report.get("error_count"):
            raise InvalidTransition("文件中有错误行，不能导入；请修改后重新上传")
        if not job.report.get("has_changes"):
            raise InvalidTransition("文件内容与系统中一致，没有需要写入的变化")
        job.status = ImportStatus.IMPORTING
        job.rows_done = 0
        job.updated_by = actor
        job.save(update_fields=["status", "rows_done", "updated_by", "updated_at"])
        audit.record(
            actor=actor,
            action="registry.import.confirm",
            target=job,
            changes={"file": job.file_name, "sha256": job.sha256, "rows": job.rows_total},
        )
        from .tasks import run_import_job

        enqueue_on_commit(run_import_job, job.pk)
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Write a confirmed file (one transaction). The file is checked again: what changed in the
    meantime is reported as it is now."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportStatus.IMPORTING:
        return job
    try:
        result = households_import(
            actor=job.created_by,
            path=Path(job.stored_path),
            source_name=job.file_name,
            progress=_job_progress(job_id),
        )
    except UnusableFile as exc:
        result = None
        job.status, job.message = ImportStatus.FAILED, f"文件不可用：{exc.message}"
    if result is not None:
        job.status = ImportStatus.DONE if not result.errors else ImportStatus.FAILED
        job.message = result.message
        job.report = _report_json(result)
        job.rows_done = job.rows_total = result.data_rows
    job.finished_at = timezone.now()
    if job.status != ImportStatus.DONE:
        audit.record(
            actor=job.created_by,
            action="registry.import.fail",
            target=job,
            changes={"file": job.file_name, "message": job.message},
            result="failed",
        )
    job.save(
        update_fields=[
            "status",
            "message",
            "report",
            "rows_done",
            "rows_total",
            "finished_at",
            "updated_at",
        ]
    )
    cache.delete(_progress_key(job_id))
    if job.status == ImportStatus.DONE:
        Path(job.stored_path).unlink(missing_ok=True)
    return job
