# ruff: noqa: S608 -- SQL here is built from constants, template column names and quote_literal() values.
"""The seven comparison rules of contracts/monitoring.md, as SQL over the linked rosters.

Every rule reads one row per resident from `facts`, built from the link table
(`link(uid, resident_key)`) and the normalised rosters. Definitions used throughout:

- deceased: linked to a death record dated on or before the as-of date (or undated);
- certificate: linked to a row of the disability roster (any grade); grade 1–2 means
  the lowest grade on any of the person's certificates is 1 or 2;
- 低保/特困 household: some member of the person's household (residents.household_no)
  is linked to a civil-affairs row of type 低保 or 特困, or such a row carries the
  household's number;
- on a civil-affairs roster: the person is linked to a civil-affairs row of any type,
  or their household number appears on the civil-affairs roster;
- living alone: no other living member in the same household of the residents roster.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .engines import quote_literal
from .params import RuleParams, birthday_cutoff


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    needs: tuple[str, ...]


RULES: tuple[Rule, ...] = (
    Rule(
        "living_subsidy_missing",
        "应享未享：困难残疾人生活补贴",
        ("disability", "civil_affairs", "two_subsidies"),
    ),
    Rule(
        "nursing_subsidy_missing", "应享未享：重度残疾人护理补贴", ("disability", "two_subsidies")
    ),
    Rule(
        "living_subsidy_should_stop",
        "应退未退：困难残疾人生活补贴",
        ("two_subsidies", "disability", "civil_affairs"),
    ),
    Rule(
        "nursing_subsidy_should_stop",
        "应退未退：重度残疾人护理补贴",
        ("two_subsidies", "disability"),
    ),
    Rule("assistance_recipient_deceased", "救助对象已死亡", ("civil_affairs", "deaths")),
    Rule("large_medical_expense", "大额自付医疗费用且无救助", ("medical", "civil_affairs")),
    Rule("elderly_living_alone", "高龄独居老人", ()),
)
RULE_CODES: tuple[str, ...] = tuple(r.code for r in RULES)


def applicable_rules(present: set[str]) -> tuple[list[Rule], list[Rule]]:
    """Split the rules into those whose rosters are all present and those skipped."""
    run = [r for r in RULES if set(r.needs) <= present]
    skipped = [r for r in RULES if not set(r.needs) <= present]
    return run, skipped


def _date(value: dt.date) -> str:
    return f"DATE '{value.isoformat()}'"


def _str(expr: str) -> str:
    return f"CAST({expr} AS STRING)"


def subjects_sql(as_of: dt.date, params: RuleParams) -> str:
    """The residents the rules can concern: linked to a roster row, or old enough to be flagged
    as living alone; with what facts_sql reads of them. A table of its own, made first: in one
    statement with the facts, DuckDB joined every resident to each fact before keeping the
    subjects (1 M residents: 0.65 CPU-s for the facts)."""
    cutoff = birthday_cutoff(as_of, params.elderly_age)
    return f"""
SELECT x.resident_key, x.id_raw, x.birth_date, x.household_no,
       x.birth_date <= {_date(cutoff)} AS elderly
FROM res x
WHERE x.birth_date <= {_date(cutoff)} OR x.resident_key IN (SELECT resident_key FROM link)
"""


def facts_sql(as_of: dt.date, params: RuleParams) -> str:
    """One row per subject (subjects_sql, materialised as `subjects`) with everything the rules
    look at."""
    assisted = ", ".join(quote_literal(t) for t in params.assisted_household_types)
    year_filter = "" if params.medical_year is None else f" AND m.year = {int(params.medical_year)}"
    return f"""
WITH dead AS (
  SELECT l.resident_key, min(d.death_date) AS death_date
  FROM link l JOIN n_deaths d ON d.uid = l.uid
  WHERE d.death_date IS NULL OR d.death_date <= {_date(as_of)}
  GROUP BY l.resident_key
), cert AS (
  SELECT l.resident_key, min(c.grade) AS min_grade, min(c.certificate_no) AS certificate_no,
         min(c.disability_type) AS disability_type
  FROM link l JOIN n_disability c ON c.uid = l.uid
  GROUP BY l.resident_key
), civ AS (
  SELECT l.resident_key, min(c.assistance_type) AS assistance_type
  FROM link l JOIN n_civil_affairs c ON c.uid = l.uid
  GROUP BY l.resident_key
), civ_household_rows AS (
  SELECT x.household_no, c.assistance_type
  FROM link l JOIN n_civil_affairs c ON c.uid = l.uid
  JOIN subjects x ON x.resident_key = l.resident_key
  UNION ALL
  SELECT c.household_no, c.assistance_type FROM n_civil_affairs c
), assisted_household AS (
  SELECT household_no, min(assistance_type) AS assistance_type FROM civ_household_rows
  WHERE household_no IS NOT NULL AND assistance_type IN ({assisted})
  GROUP BY household_no
), any_civ_household AS (
  SELECT DISTINCT household_no FROM civ_household_rows WHERE household_no IS NOT NULL
), sub AS (
  SELECT l.resident_key,
         max(CASE WHEN s.subsidy = 'living' THEN 1 ELSE 0 END) AS gets_living,
         max(CASE WHEN s.subsidy = 'living' THEN s.monthly_amount END) AS living_amount,
         max(CASE WHEN s.subsidy = 'nursing' THEN 1 ELSE 0 END) AS gets_nursing,
         max(CASE WHEN s.subsidy = 'nursing' THEN s.monthly_amount END) AS nursing_amount
  FROM link l JOIN n_two_subsidies s ON s.uid = l.uid
  GROUP BY l.resident_key
), med_year AS (
  SELECT l.resident_key, m.year, sum(m.amount) AS total
  FROM link l JOIN n_medical m ON m.uid = l.uid
  WHERE m.amount IS NOT NULL{year_filter}
  GROUP BY l.resident_key, m.year
), med AS (
  SELECT resident_key, year, total FROM (
    SELECT resident_key, year, total,
           row_number() OVER (PARTITION BY resident_key ORDER BY total DESC, year DESC) AS rank_no
    FROM med_year) t
  WHERE rank_no = 1
), alive_household AS (
  SELECT x.household_no, count(*) AS alive_members
  FROM res x LEFT JOIN dead d ON d.resident_key = x.resident_key
  WHERE d.resident_key IS NULL
    AND x.household_no IN (SELECT household_no FROM subjects
                           WHERE elderly AND household_no IS NOT NULL)
  GROUP BY x.household_no
)
SELECT x.resident_key, x.id_raw, x.birth_date, x.household_no,
       d.resident_key IS NOT NULL AS deceased, d.death_date,
       c.resident_key IS NOT NULL AS has_certificate, c.min_grade, c.certificate_no,
       c.disability_type,
       v.resident_key IS NOT NULL AS on_civil_roster, v.assistance_type,
       h.household_no IS NOT NULL AS assisted_household, h.assistance_type AS household_type,
       (v.resident_key IS NOT NULL OR a.household_no IS NOT NULL) AS civil_covered,
       coalesce(s.gets_living, 0) = 1 AS gets_living, s.living_amount,
       coalesce(s.gets_nursing, 0) = 1 AS gets_nursing, s.nursing_amount,
       m.year AS medical_year, m.total AS medical_total,
       ah.alive_members
FROM subjects x
LEFT JOIN dead d ON d.resident_key = x.resident_key
LEFT JOIN cert c ON c.resident_key = x.resident_key
LEFT JOIN civ v ON v.resident_key = x.resident_key
LEFT JOIN assisted_household h ON h.household_no = x.household_no
LEFT JOIN any_civ_household a ON a.household_no = x.household_no
LEFT JOIN sub s ON s.resident_key = x.resident_key
LEFT JOIN med m ON m.resident_key = x.resident_key
LEFT JOIN alive_household ah ON ah.household_no = x.household_no
"""


def _money(expr: str) -> str:
    return _str(f"CAST({expr} AS DECIMAL(18,2))")


def _certificate_text() -> str:
    grade = f"coalesce({_str('min_grade')} || '级', '等级不详')"
    return f"'持残疾人证（' || coalesce(certificate_no, '证号不详') || '，' || {grade} || '）'"


def rule_sql(rule: str, as_of: dt.date, params: RuleParams) -> str:
    """SELECT id_number, rule, detail for one rule over `facts`."""
    death = "'已于 ' || coalesce(" + _str("death_date") + ", '日期不详') || ' 死亡'"
    household = "'家庭享受' || household_type"
    alive = "NOT deceased"
    if rule == "living_subsidy_missing":
        where = f"{alive} AND has_certificate AND assisted_household AND NOT gets_living"
        detail = f"{_certificate_text()} || '，' || {household} || '，但未领取困难残疾人生活补贴'"
    elif rule == "nursing_subsidy_missing":
        where = f"{alive} AND min_grade IN (1, 2) AND NOT gets_nursing"
        detail = f"{_certificate_text()} || '，但未领取重度残疾人护理补贴'"
    elif rule == "living_subsidy_should_stop":
        where = "gets_living AND (deceased OR NOT has_certificate OR NOT assisted_household)"
        reasons = (
            f"concat_ws('，', CASE WHEN deceased THEN {death} END, "
            "CASE WHEN NOT has_certificate THEN '残疾人证名册中无此人' END, "
            "CASE WHEN NOT assisted_household THEN '家庭不在低保/特困名册中' END)"
        )
        amount = f"coalesce({_money('living_amount')}, '金额不详')"
        detail = f"'领取困难残疾人生活补贴（每月 ' || {amount} || ' 元），但' || {reasons}"
    elif rule == "nursing_subsidy_should_stop":
        where = "gets_nursing AND (deceased OR coalesce(min_grade, 9) NOT IN (1, 2))"
        reasons = (
            f"concat_ws('，', CASE WHEN deceased THEN {death} END, "
            "CASE WHEN NOT has_certificate THEN '残疾人证名册中无此人' "
            f"WHEN coalesce(min_grade, 9) NOT IN (1, 2) THEN '残疾等级为' || "
            f"coalesce({_str('min_grade')} || '级', '不详') || '，非一、二级' END)"
        )
        amount = f"coalesce({_money('nursing_amount')}, '金额不详')"
        detail = f"'领取重度残疾人护理补贴（每月 ' || {amount} || ' 元），但' || {reasons}"
    elif rule == "assistance_recipient_deceased":
        where = "on_civil_roster AND deceased"
        detail = f"'在民政救助名册中（' || assistance_type || '），但死亡名册记录其' || {death}"
    elif rule == "large_medical_expense":
        threshold = f"CAST({params.large_medical_expense_yuan} AS DECIMAL(18,2))"
        where = f"{alive} AND medical_total >= {threshold} AND NOT civil_covered"
        detail = (
            f"coalesce({_str('medical_year')} || '年', '') || '个人自付医疗费用 ' || "
            f"{_money('medical_total')} || ' 元，不在任何民政救助名册中'"
        )
    elif rule == "elderly_living_alone":
        cutoff = birthday_cutoff(as_of, params.elderly_age)
        where = (
            f"{alive} AND birth_date <= {_date(cutoff)} AND household_no IS NOT NULL "
            "AND alive_members = 1"
        )
        age = (
            f"({as_of.year} - year(birth_date) - CASE WHEN month(birth_date) > {as_of.month} "
            f"OR (month(birth_date) = {as_of.month} AND day(birth_date) > {as_of.day}) "
            "THEN 1 ELSE 0 END)"
        )
        detail = f"'{as_of.isoformat()} 时年满 ' || {_str(age)} || ' 岁，户内（户号 ' || household_no || '）无其他在世成员'"
    else:
        raise KeyError(rule)
    return (
        f"SELECT id_raw AS id_number, '{rule}' AS rule, {detail} AS detail FROM facts WHERE {where}"
    )


def alerts_sql(rules: list[Rule], as_of: dt.date, params: RuleParams) -> str:
    """All alerts, one row per resident (ID as written) and rule."""
    if not rules:
        return (
            "SELECT CAST(NULL AS STRING) AS id_number, CAST(NULL AS STRING) AS rule, "
            "CAST(NULL AS STRING) AS detail WHERE 1 = 0"
        )
    parts = " UNION ALL ".join(rule_sql(r.code, as_of, params) for r in rules)
    return (
        "SELECT id_number, rule, min(detail) AS detail FROM "
        f"({parts}) a WHERE id_number IS NOT NULL GROUP BY id_number, rule"
    )
