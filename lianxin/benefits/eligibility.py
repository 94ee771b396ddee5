# ruff: noqa: S608 -- DuckDB SQL here is built from validated rule values (ints, known choices).
"""Eligibility rules as data, and the same rule on two engines.

A rule is ``{"all": [condition, ...]}`` (every condition must hold), each condition one of::

    {"kind": "tag", "any_of": ["残疾"]}                 # an active vulnerability tag
    {"kind": "disability", "grades": [1, 2], "types": ["肢体"]}   # an active certificate
    {"kind": "assistance", "any_of": ["低保", "特困"]}   # the household's running assistance
    {"kind": "age", "min": 16, "max": 59}              # age on the as-of date (either bound)
    {"kind": "income_per_head", "max_fen": 79000}      # the household's monthly income per head
                                                        # (from the care investigation)

The person must also be alive and not merged into another record. ``person_q`` turns a rule
into a Django ``Q`` over ``registry.Person`` (the database, for one community); ``duckdb_sql``
turns it into a DuckDB query over exported tables (region scale). Tests check that both give
the same persons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, F, OuterRef, Q

from lianxin.registry.models import (
    AssistanceType,
    Disability,
    DisabilityType,
    Membership,
    PersonStatus,
    Tag,
    VulnerabilityTag,
)

KINDS = {
    "tag": "困难标签",
    "disability": "残疾类别/等级",
    "assistance": "救助状态",
    "age": "年龄",
    "income_per_head": "家庭月人均收入",
}


def validate_rule(rule: Any) -> list[str]:
    """Chinese messages for what is wrong with a rule (empty when it is usable)."""
    if rule in (None, {}):
        return []
    if not isinstance(rule, dict) or not isinstance(rule.get("all"), list):
        return ['资格条件格式应为 {"all": [条件…]}']
    errors: list[str] = []
    for index, cond in enumerate(rule["all"], start=1):
        kind = cond.get("kind") if isinstance(cond, dict) else None
        where = f"第{index}个条件"
        if kind not in KINDS:
            errors.append(f"{where}类型未知：{kind}")
            continue
        if kind == "tag":
            values = cond.get("any_of") or []
            if not values or any(v not in Tag.values for v in values):
                errors.append(f"{where}（困难标签）须列出有效标签")
        elif kind == "assistance":
            values = cond.get("any_of") or []
            if not values or any(v not in AssistanceType.values for v in values):
                errors.append(f"{where}（救助状态）须列出有效救助类型")
        elif kind == "disability":
            grades = cond.get("grades") or []
            types = cond.get("types") or []
            if any(g not in (1, 2, 3, 4) for g in grades) or any(
                t not in DisabilityType.values for t in types
            ):
                errors.append(f"{where}（残疾）等级须为1–4，类别须为有效残疾类别")
        elif kind == "age":
            lo, hi = cond.get("min"), cond.get("max")
            if lo is None and hi is None:
                errors.append(f"{where}（年龄）须填写下限或上限")
            if any(
                v is not None and (not isinstance(v, int) or not 0 <= v <= 150) for v in (lo, hi)
            ):
                errors.append(f"{where}（年龄）须为0–150的整数")
        elif kind == "income_per_head":
            value = cond.get("max_fen")
            if not isinstance(value, int) or value < 0:
                errors.append(f"{where}（收入）须填写不小于0的整数（分）")
    return errors


def describe_rule(rule: Any) -> list[str]:
    parts: list[str] = []
    for cond in (rule or {}).get("all", []):
        kind = cond.get("kind")
        if kind == "tag":
            parts.append("标签：" + "或".join(cond["any_of"]))
        elif kind == "disability":
            text = "持残疾人证"
            if cond.get("grades"):
                text += "（" + "、".join(f"{g}级" for g in cond["grades"]) + "）"
            if cond.get("types"):
                text += "，类别：" + "、".join(cond["types"])
            parts.append(text)
        elif kind == "assistance":
            parts.append("家庭享受" + "或".join(cond["any_of"]))
        elif kind == "age":
            lo, hi = cond.get("min"), cond.get("max")
            parts.append(f"年龄{lo if lo is not None else ''}–{hi if hi is not None else ''}周岁")
        elif kind == "income_per_head":
            parts.append(f"家庭月人均收入不高于{cond['max_fen'] / 100:.2f}元")
    return parts


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def person_q(rule: Any, as_of: dt.date) -> Q:
    """The rule as a filter over ``registry.Person`` (alive, not merged)."""
    q = Q(status=PersonStatus.ALIVE, merged_into__isnull=True)
    for cond in (rule or {}).get("all", []):
        kind = cond["kind"]
        if kind == "tag":
            q &= Q(
                Exists(
                    VulnerabilityTag.objects.filter(
                        person=OuterRef("pk"), tag__in=cond["any_of"], valid_from__lte=as_of
                    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
                )
            )
        elif kind == "disability":
            certs = Disability.objects.filter(person=OuterRef("pk"), is_active=True)
            if cond.get("grades"):
                certs = certs.filter(grade__in=cond["grades"])
            if cond.get("types"):
                certs = certs.filter(disability_type__in=cond["types"])
            q &= Q(Exists(certs))
        elif kind == "assistance":
            # one filter() call: the type, start and end conditions hold for the same row
            running = Q(household__assistance__ended_on__isnull=True) | Q(
                household__assistance__ended_on__gt=as_of
            )
            q &= Q(
                Exists(
                    Membership.objects.filter(
                        running,
                        person=OuterRef("pk"),
                        ended_on__isnull=True,
                        household__assistance__assistance_type__in=cond["any_of"],
                        household__assistance__started_on__lte=as_of,
                    )
                )
            )
        elif kind == "age":
            if cond.get("min") is not None:
                q &= Q(birth_date__lte=_years_before(as_of, cond["min"]))
            if cond.get("max") is not None:
                q &= Q(birth_date__gt=_years_before(as_of, cond["max"] + 1))
        elif kind == "income_per_head":
            from lianxin.care.models import Investigation

            q &= Q(
                Exists(
                    Investigation.objects.filter(
                        case__household__memberships__person=OuterRef("pk"),
                        case__household__memberships__ended_on__isnull=True,
                        monthly_income_fen__isnull=False,
                        case__person_count__gt=0,
                        monthly_income_fen__lte=F("case__person_count") * cond["max_fen"],
                    )
                )
            )
    return q


# --- DuckDB ----------------------------------------------------------------------------------
#
# Tables (any source: parquet written by a region export, or loaded from the database):
#   persons(id, household_id, area_code, birth_date DATE, status, merged BOOLEAN)
#   tags(person_id, tag, valid_from DATE, valid_to DATE)
#   disabilities(person_id, disability_type, grade, is_active BOOLEAN)
#   assistance(household_id, assistance_type, started_on DATE, ended_on DATE)
#   incomes(household_id, income_fen, person_count)
#   entitlements(id, policy_id, person_id, household_id, status)


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in(values: list[Any]) -> str:
    return ", ".join(_lit(v) if isinstance(v, str) else str(int(v)) for v in values)


def duckdb_where(rule: Any, as_of: dt.date) -> str:
    """The rule as a WHERE clause over ``persons p`` (same meaning as ``person_q``)."""
    day = f"DATE '{as_of.isoformat()}'"
    parts = ["p.status = 'alive'", "NOT p.merged"]
    for cond in (rule or {}).get("all", []):
        kind = cond["kind"]
        if kind == "tag":
            parts.append(
                "EXISTS (SELECT 1 FROM tags t WHERE t.person_id = p.id "
                f"AND t.tag IN ({_in(cond['any_of'])}) AND t.valid_from <= {day} "
                f"AND (t.valid_to IS NULL OR t.valid_to > {day}))"
            )
        elif kind == "disability":
            extra = ""
            if cond.get("grades"):
                extra += f" AND d.grade IN ({_in(cond['grades'])})"
            if cond.get("types"):
                extra += f" AND d.disability_type IN ({_in(cond['types'])})"
            parts.append(
                f"EXISTS (SELECT 1 FROM disabilities d WHERE d.person_id = p.id AND d.is_active{extra})"
            )
        elif kind == "assistance":
            parts.append(
                "EXISTS (SELECT 1 FROM assistance a WHERE a.household_id = p.household_id "
                f"AND a.assistance_type IN ({_in(cond['any_of'])}) AND a.started_on <= {day} "
                f"AND (a.ended_on IS NULL OR a.ended_on > {day}))"
            )
        elif kind == "age":
            if cond.get("min") is not None:
                parts.append(
                    f"p.birth_date <= DATE '{_years_before(as_of, cond['min']).isoformat()}'"
                )
            if cond.get("max") is not None:
                parts.append(
                    f"p.birth_date > DATE '{_years_before(as_of, cond['max'] + 1).isoformat()}'"
                )
        elif kind == "income_per_head":
            parts.append(
                "EXISTS (SELECT 1 FROM incomes i WHERE i.household_id = p.household_id "
                f"AND i.person_count > 0 AND i.income_fen <= i.person_count * {int(cond['max_fen'])})"
            )
    return " AND ".join(parts)


def duckdb_sql(rule: Any, as_of: dt.date, *, policy_id: int, area_code: str) -> dict[str, str]:
    """Two queries: persons who qualify and have no running entitlement under the policy
    (``missing``), and active entitlements whose person no longer qualifies (``stale``)."""
    where = duckdb_where(rule, as_of)
    area = _lit(area_code + "%")
    qualifies = f"SELECT p.id FROM persons p WHERE p.area_code LIKE {area} AND {where}"
    return {
        "missing": (
            f"SELECT q.id FROM ({qualifies}) q WHERE NOT EXISTS (SELECT 1 FROM entitlements e "
            f"WHERE e.policy_id = {int(policy_id)} AND e.person_id = q.id AND e.status <> 'ended') ORDER BY q.id"
        ),
        "stale": (
            f"SELECT e.id FROM entitlements e JOIN persons p ON p.id = e.person_id "
            f"WHERE e.policy_id = {int(policy_id)} AND e.status = 'active' AND p.area_code LIKE {area} "
            f"AND NOT ({where}) ORDER BY e.id"
        ),
    }


def duckdb_run(
    con: Any, rule: Any, as_of: dt.date, *, policy_id: int, area_code: str
) -> dict[str, list[int]]:
    queries = duckdb_sql(rule, as_of, policy_id=policy_id, area_code=area_code)
    return {name: [row[0] for row in con.execute(sql).fetchall()] for name, sql in queries.items()}


def _many(con: Any, sql: str, rows: list[Any]) -> None:
    if rows:
        con.executemany(sql, rows)


def duckdb_from_database(area_code: str) -> Any:
    """An in-memory DuckDB with the tables above, loaded from the database for one area (tests
    and small areas; at region scale the tables come from a parquet export)."""
    import duckdb

    from lianxin.registry.models import AssistanceStatus, Person

    from .models import Entitlement

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE persons(id BIGINT, household_id BIGINT, area_code VARCHAR, birth_date DATE, status VARCHAR, merged BOOLEAN);"
        "CREATE TABLE tags(person_id BIGINT, tag VARCHAR, valid_from DATE, valid_to DATE);"
        "CREATE TABLE disabilities(person_id BIGINT, disability_type VARCHAR, grade INTEGER, is_active BOOLEAN);"
        "CREATE TABLE assistance(household_id BIGINT, assistance_type VARCHAR, started_on DATE, ended_on DATE);"
        "CREATE TABLE incomes(household_id BIGINT, income_fen BIGINT, person_count INTEGER);"
        "CREATE TABLE entitlements(id BIGINT, policy_id BIGINT, person_id BIGINT, household_id BIGINT, status VARCHAR);"
    )
    households = dict(
        Membership.objects.filter(
            ended_on__isnull=True, person__area_code__startswith=area_code
        ).values_list("person_id", "household_id")
    )
    persons = Person.objects.filter(area_code__startswith=area_code)
    _many(
        con,
        "INSERT INTO persons VALUES (?, ?, ?, ?, ?, ?)",
        [
            (p, households.get(p), a, b, s, m is not None)
            for p, a, b, s, m in persons.values_list(
                "pk", "area_code", "birth_date", "status", "merged_into_id"
            )
        ],
    )
    ids = persons.values("pk")
    _many(
        con,
        "INSERT INTO tags VALUES (?, ?, ?, ?)",
        list(
            VulnerabilityTag.objects.filter(person__in=ids).values_list(
                "person_id", "tag", "valid_from", "valid_to"
            )
        ),
    )
    _many(
        con,
        "INSERT INTO disabilities VALUES (?, ?, ?, ?)",
        list(
            Disability.objects.filter(person__in=ids).values_list(
                "person_id", "disability_type", "grade", "is_active"
            )
        ),
    )
    _many(
        con,
        "INSERT INTO assistance VALUES (?, ?, ?, ?)",
        list(
            AssistanceStatus.objects.filter(area_code__startswith=area_code).values_list(
                "household_id", "assistance_type", "started_on", "ended_on"
            )
        ),
    )
    from lianxin.care.models import Investigation

    _many(
        con,
        "INSERT INTO incomes VALUES (?, ?, ?)",
        list(
            Investigation.objects.filter(
                case__area_code__startswith=area_code, monthly_income_fen__isnull=False
            ).values_list("case__household_id", "monthly_income_fen", "case__person_count")
        ),
    )
    _many(
        con,
        "INSERT INTO entitlements VALUES (?, ?, ?, ?, ?)",
        list(
            Entitlement.objects.filter(area_code__startswith=area_code).values_list(
                "pk", "policy_id", "person_id", "household_id", "status"
            )
        ),
    )
    return con
