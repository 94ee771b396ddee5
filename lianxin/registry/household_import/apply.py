"""``households_import``: read and check (read.py), plan (plan.py) and, unless it is a dry run
or any row is bad, write the differences in ONE transaction with bulk inserts and updates,
audited. Importing the same file again finds nothing to change; a killed import leaves nothing
behind (the transaction never committed)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from lianxin.areas.models import Grid
from lianxin.core import audit
from lianxin.core.errors import AccessDenied
from lianxin.core.fields import encrypt
from lianxin.core.roles import AREA_STAFF_ROLES
from lianxin.core.scoping import scope_of

from ..models import (
    AssistanceStatus,
    Disability,
    Household,
    Membership,
    Person,
    PersonStatus,
    Relationship,
    VulnerabilityTag,
)
from ..services import certificate_number, duplicates_detect, name_pinyin
from .columns import ParsedRow
from .plan import (
    CHUNK,
    ImportResult,
    MaskedIdResolver,
    PlaceResolver,
    _chunks,
    _dictionary,
    _Plan,
    _plan,
    _region_known,
    _user,
)
from .read import read_file


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
    checked = read_file(
        path,
        max_bytes=max_bytes,
        region_known=_region_known,
        progress=(lambda n: progress("checking", n, 0)) if progress else None,
        dictionary=_dictionary(),
        resolve_place=PlaceResolver(actor),
        resolve_masked_id=MaskedIdResolver(actor),
        name=source_name or path.name,
    )
    result = ImportResult(
        data_rows=checked.data_rows,
        header_row=checked.header_row,
        notes=checked.notes,
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


def _insert(
    model: type[Any], columns: list[str], rows: Iterable[list[Any]], batch: int = 2000
) -> int:
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
