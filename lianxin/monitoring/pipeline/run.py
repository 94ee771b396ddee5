# ruff: noqa: S608 -- SQL here is built from constants, template column names and quote_literal() values.
"""`run_pipeline`: roster files in, alerts.csv and review.csv out (contracts/monitoring.md)."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import normalise as n
from .engines import DuckDBEngine, Engine, SparkEngine, quote_literal
from .errors import PipelineError, RosterMissingError
from .linkage import LinkerWarmUp, link_exact, link_probabilistic
from .params import RuleParams
from .rosters import ROSTER_COLUMNS, ROSTER_TITLES, RosterFile, find_roster_sources, stage_roster
from .rules import RULE_CODES, alerts_sql, applicable_rules, facts_sql, subjects_sql

EngineName = Literal["duckdb", "spark"]
LinkMode = Literal["pipeline", "exact_raw"]
ROSTER_ORDER: tuple[str, ...] = tuple(ROSTER_COLUMNS)
UID_STRIDE = 10_000_000_000
ALERT_HEADER = ("id_number", "rule", "detail")
REVIEW_HEADER = (
    "file",
    "row",
    "id_number",
    "name",
    "birth_date",
    "reason",
    "candidate_id_number",
    "match_probability",
)


@dataclass(frozen=True)
class Alert:
    id_number: str
    rule: str
    detail: str


@dataclass(frozen=True)
class RosterLinkStats:
    """How the rows of one roster were linked."""

    rows: int
    exact: int
    probabilistic: int
    review: int


@dataclass(frozen=True)
class PipelineResult:
    """What a run produced: the files, and counts for the summary and the platform."""

    alerts_path: Path
    review_path: Path
    engine: str
    as_of: dt.date
    rosters_present: tuple[str, ...]
    rosters_missing: tuple[str, ...]
    rules_skipped: tuple[str, ...]
    rows_per_roster: dict[str, int]
    link_stats: dict[str, RosterLinkStats]
    exact_matches: int
    probabilistic_matches: int
    review_rows: int
    alerts_per_rule: dict[str, int]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)  # file name → reader's decisions
    warnings: list[str] = field(default_factory=list)

    @property
    def alerts_total(self) -> int:
        return sum(self.alerts_per_rule.values())

    def iter_alerts(self) -> Iterator[Alert]:
        """Stream the alerts back from alerts.csv (never all in memory at once)."""
        with self.alerts_path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield Alert(row["id_number"], row["rule"], row["detail"])

    def iter_review(self) -> Iterator[dict[str, str]]:
        """Stream the rows put up for manual review from review.csv."""
        with self.review_path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)


def _empty_raw(roster: str) -> str:
    columns = ", ".join(f"CAST(NULL AS STRING) AS {c}" for c in ROSTER_COLUMNS[roster])
    return f"SELECT {columns} WHERE 1 = 0"


def _normalise_residents(engine: Engine, mode: LinkMode) -> None:
    """`res`: one row per resident with normalised ID, name, birth date and household, the ID
    as typed (`id_raw`), and the sex as typed (normalised only for the few residents Splink
    compares: linkage.py).

    Residents' ID numbers are not checksum-tested here: a roster row only links exactly
    to a resident whose ID equals its own valid one.
    """
    birth = n.sql_date_parse(engine, "birth_date", "birth_t")
    household = n.sql_text(engine, "household_no")
    inner = f"{n.sql_date_text(engine, 'birth_date')} AS birth_t"
    if mode == "exact_raw":
        engine.materialise_numbered(
            "res",
            f"SELECT id_number AS id_raw, {birth} AS birth_date, "
            f"{household} AS household_no FROM (SELECT *, {inner} FROM raw_residents) a",
            {"resident_key": 0},
        )
        return
    engine.materialise_numbered(
        "res",
        f"""SELECT CASE WHEN id_raw = id_norm AND id_norm <> '' THEN NULL ELSE id_raw END AS id_typed,
  id_norm, coalesce(birth_parsed, id_birth) AS birth_date, id_birth, name_norm, sex_raw,
  household_no
FROM (SELECT *, CASE WHEN birth_parsed IS NULL THEN {n.sql_id_birth_date(engine, "id_norm")} END
             AS id_birth
      FROM (SELECT id_number AS id_raw,
                   {n.sql_id_number(engine, "id_number")} AS id_norm,
                   {n.sql_name(engine, "name")} AS name_norm,
                   {birth} AS birth_parsed,
                   sex AS sex_raw,
                   {household} AS household_no
            FROM (SELECT *, {inner} FROM raw_residents) r) a) b""",
        {"resident_key": 0},
        # The ID as typed, kept only where it differs from the normalised one (a few rows):
        # at 7.2 M residents, 160 MB less for the engine to hold.
        {"id_raw": "CASE WHEN id_typed IS NULL AND id_norm <> '' THEN id_norm ELSE id_typed END"},
    )


def _roster_specific(engine: Engine, roster: str) -> dict[str, str]:
    """The fields of one department's roster the rules read: name → normalising SQL."""
    text = n.sql_text
    if roster == "civil_affairs":
        t = text(engine, "assistance_type")
        return {
            "assistance_type": f"CASE WHEN {t} LIKE '%边缘%' THEN '低保边缘' "
            f"WHEN {t} LIKE '%特困%' THEN '特困' WHEN {t} LIKE '%低保%' THEN '低保' ELSE {t} END",
            "household_no": text(engine, "household_no"),
        }
    if roster == "disability":
        certificate = n.sql_id_number(engine, "certificate_no")
        return {
            "disability_type": text(engine, "disability_type"),
            "grade": n.sql_integer(engine, "disability_grade"),
            "certificate_no": f"NULLIF({certificate}, '')",
        }
    if roster == "two_subsidies":
        s = f"lower(coalesce({text(engine, 'subsidy')}, ''))"
        return {
            "subsidy": f"CASE WHEN {s} LIKE '%living%' OR {s} LIKE '%生活%' THEN 'living' "
            f"WHEN {s} LIKE '%nursing%' OR {s} LIKE '%护理%' THEN 'nursing' END",
            "monthly_amount": n.sql_amount(engine, "monthly_amount"),
        }
    if roster == "deaths":
        return {"death_date": n.sql_date_parse(engine, "death_date", "death_t")}
    if roster == "medical":
        return {
            "amount": n.sql_amount(engine, "out_of_pocket_yuan"),
            "year": n.sql_integer(engine, "year"),
        }
    raise KeyError(roster)


def _normalise_roster(engine: Engine, roster: str, mode: LinkMode) -> None:
    """`n_<roster>`: a department roster with its row identity and normalised fields."""
    index = ROSTER_ORDER.index(roster)
    numbers = {"uid": index * UID_STRIDE, "row_no": 0}
    fields = {
        "id_raw": "id_number",
        "name_raw": "name",
        "birth_raw": "birth_date",
        **_roster_specific(engine, roster),
    }
    common = ", ".join(f"{sql} AS {name}" for name, sql in fields.items())
    texts = f"{n.sql_date_text(engine, 'birth_date')} AS birth_t"
    if roster == "deaths":
        texts += f", {n.sql_date_text(engine, 'death_date')} AS death_t"
    raw = f"(SELECT *, {texts} FROM raw_{roster}) t"
    if mode == "exact_raw":
        engine.materialise_numbered(f"n_{roster}", f"SELECT {common} FROM {raw}", numbers)
        return
    id_head, id_tail = n.sql_id_parts("id_norm")
    check_char = n.sql_id_check_char(
        engine, "id_norm", shaped="id_shaped", parts=("id_head9", "id_tail8")
    )
    engine.materialise_numbered(
        f"n_{roster}",
        f"""SELECT {", ".join(fields)}, id_norm, name_norm, birth_date, id_birth,
  coalesce(check_char = substr(id_norm, 18, 1) AND id_birth IS NOT NULL, FALSE) AS id_valid
FROM (SELECT a.*, {check_char} AS check_char,
             {n.sql_id_birth_date(engine, "id_norm", shaped="id_shaped")} AS id_birth
      FROM (SELECT a0.*, {n.sql_id_shaped(engine, "id_norm")} AS id_shaped,
                   {id_head} AS id_head9, {id_tail} AS id_tail8
            FROM (SELECT {common}, {n.sql_id_number(engine, "id_number")} AS id_norm,
                         {n.sql_name(engine, "name")} AS name_norm,
                         {n.sql_date_parse(engine, "birth_date", "birth_t")} AS birth_date
                  FROM {raw}) a0) a) b""",
        numbers,
    )


def _read_file(
    engine: Engine, roster: str, staged: dict[str, RosterFile], mode: LinkMode, rows: dict[str, int]
) -> None:
    """One file read and normalised, its rows counted into `rows`. The file is read by the
    normalising statement itself (DuckDB: a view over the file; Spark: a frame dropped once
    normalised, which at 7.2 M residents it would otherwise hold)."""
    if roster in staged:
        engine.load_roster(f"raw_{roster}", staged[roster])
    else:
        engine.materialise(f"raw_{roster}", _empty_raw(roster))
    if roster == "residents":
        _normalise_residents(engine, mode)
    else:
        _normalise_roster(engine, roster, mode)
    engine.drop(f"raw_{roster}")
    if roster in staged:
        rows[roster] = engine.count("res" if roster == "residents" else f"n_{roster}")


def _stack_rows(engine: Engine, rosters: list[str], mode: LinkMode) -> None:
    """`roster_rows`: the rows of every department's roster, one view over the normalised
    rosters (a copy held 200 MB more at 7.2 M residents)."""
    columns = "uid, row_no, id_raw, name_raw, birth_raw"
    if mode == "pipeline":
        columns += (
            ", id_norm, id_valid, id_birth, birth_date, name_norm, CAST(NULL AS STRING) AS sex_raw"
        )
    parts = [f"SELECT {columns}, '{r}' AS source FROM n_{r}" for r in rosters]
    engine.view("roster_rows", " UNION ALL ".join(parts))


def _link(
    engine: Engine, mode: LinkMode, params: RuleParams, warm: LinkerWarmUp | None = None
) -> None:
    """`link(uid, resident_key, method)` and `review(...)` for every roster row."""
    if mode == "exact_raw":
        engine.materialise(
            "link",
            "SELECT r.uid, min(x.resident_key) AS resident_key, 'exact' AS method "
            "FROM roster_rows r JOIN res x ON x.id_raw = r.id_raw GROUP BY r.uid",
        )
        engine.materialise(
            "review",
            "SELECT r.*, '身份证号与户籍名册不完全一致' AS reason, CAST(NULL AS STRING) AS "
            "candidate_id_number, CAST(NULL AS STRING) AS match_probability "
            "FROM roster_rows r LEFT JOIN link l ON l.uid = r.uid WHERE l.uid IS NULL",
        )
        return
    link_exact(engine)
    link_probabilistic(engine, params.link, warm)
    engine.materialise(
        "link",
        "SELECT uid, resident_key, 'exact' AS method FROM link_exact UNION ALL "
        "SELECT uid, resident_key, 'probabilistic' AS method FROM link_prob",
    )
    threshold = params.link.match_threshold
    probability = "CAST(CAST(round(b.match_probability, 4) AS DECIMAL(6,4)) AS STRING)"
    engine.materialise(
        "review",
        f"""SELECT r.uid, r.source, r.row_no, r.id_raw, r.name_raw, r.birth_raw,
  CASE r.id_status WHEN 'missing' THEN '身份证号缺失'
    WHEN 'invalid' THEN '身份证号无效（校验码或出生日期不符合 GB 11643）'
    WHEN 'birth_mismatch' THEN '身份证号中的出生日期与所填出生日期不一致'
    WHEN 'duplicate' THEN '该身份证号在户籍名册中出现多次'
    ELSE '身份证号不在户籍名册中' END || '；' ||
  CASE WHEN b.uid IS NULL THEN '按姓名、出生日期和身份证号未找到相近的居民'
    WHEN b.match_probability < {threshold!r} THEN '最相近的居民匹配概率仅为 ' || {probability}
      || '，低于阈值 {threshold}'
    ELSE '有多名居民同样相符，无法确定是哪一位' END AS reason,
  x.id_raw AS candidate_id_number,
  CASE WHEN b.uid IS NOT NULL THEN {probability} END AS match_probability
FROM residual r
LEFT JOIN link_prob p ON p.uid = r.uid
LEFT JOIN best_pairs b ON b.uid = r.uid
LEFT JOIN res x ON x.resident_key = b.resident_key
WHERE p.uid IS NULL""",
    )


def _write_scores(db: Engine, staged: dict[str, RosterFile], path: Path) -> None:
    header = ("file", "row", "resident_id_number", "match_weight", "match_probability")
    if db.count("residual") == 0:
        db.write_csv(
            "SELECT CAST(NULL AS STRING) AS file, 0 AS row, CAST(NULL AS STRING) AS x, "
            "0.0 AS w, 0.0 AS p WHERE 1 = 0",
            path,
            header,
        )
        return
    file_case = " ".join(
        f"WHEN {quote_literal(r)} THEN {quote_literal(f.source_path.name)}"
        for r, f in staged.items()
    )
    db.write_csv(
        f"SELECT CASE r.source {file_case} END AS file, r.row_no + 1 AS row, "
        "x.id_raw AS resident_id_number, s.match_weight, s.match_probability "
        "FROM scored_pairs s JOIN roster_rows r ON r.uid = s.uid "
        "JOIN res x ON x.resident_key = s.resident_key ORDER BY s.uid, s.resident_key",
        path,
        header,
    )


def _make_engine(
    engine: EngineName, staging: Path, spark_session: Any, threads: int | None, memory: str | None
) -> Engine:
    if engine == "duckdb":
        return DuckDBEngine(temp_dir=staging, threads=threads, memory_limit=memory)
    if engine == "spark":
        return SparkEngine(spark_session=spark_session)
    raise PipelineError(f"未知的引擎 {engine!r}，可选 duckdb 或 spark。")


def run_pipeline(
    sources: Path,
    as_of: dt.date,
    out: Path,
    engine: EngineName = "duckdb",
    params: RuleParams | None = None,
    *,
    mode: LinkMode = "pipeline",
    spark_session: Any = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    scores_out: Path | None = None,
) -> PipelineResult:
    """Compare the rosters in `sources`, write `out` (alerts) and review.csv beside it.

    mode="exact_raw" is the VLOOKUP baseline used by the benchmarks: rows are linked
    only when their ID number is byte-for-byte the one in residents.
    scores_out: also write every pair Splink scored (roster file, row, resident ID,
    match weight and probability), for auditing a run and for engine parity checks.
    Raises PipelineError (Chinese message naming the file) when a roster cannot be used.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    params = params or RuleParams()
    sources, out = Path(sources), Path(out)
    review_path = out.parent / "review.csv"
    if out.resolve() == review_path.resolve():
        raise PipelineError("预警输出文件不能命名为 review.csv（该名称留给待人工核查的名单）。")
    warnings: list[str] = []
    found = find_roster_sources(sources, warnings)
    files = {roster: source.path for roster, source in found.items()}
    notes: dict[str, list[str]] = {}
    if "residents" not in files:
        raise RosterMissingError(
            f"目录 {sources} 中没有户籍人口名册（residents.csv 或 residents.xlsx），无法比对。"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lianxin-monitor-") as tmp:
        staging = Path(tmp)
        staged: dict[str, RosterFile] = {}
        for roster, source in found.items():
            staged[roster] = stage_roster(
                roster,
                source.path,
                staging,
                assistance_type=source.assistance_type,
                notes=notes.setdefault(source.path.name, []),
            )
        timings["stage"] = time.perf_counter() - started
        db = _make_engine(engine, staging, spark_session, threads, memory_limit)
        warm = LinkerWarmUp(db, params.link) if engine == "duckdb" and mode == "pipeline" else None
        try:
            counted: dict[str, int] = {}
            db.each(ROSTER_ORDER, lambda e, roster: _read_file(e, roster, staged, mode, counted))
            rows = {r: counted[r] for r in ROSTER_ORDER if r in counted}
            _stack_rows(db, [r for r in ROSTER_ORDER if r != "residents"], mode)
            timings["normalise"] = time.perf_counter() - started
            _link(db, mode, params, warm)
            timings["link"] = time.perf_counter() - started
            if scores_out is not None and mode == "pipeline":
                _write_scores(db, staged, Path(scores_out))
            run_rules, skipped = applicable_rules(set(staged))
            db.materialise("subjects", subjects_sql(as_of, params))
            db.materialise("facts", facts_sql(as_of, params))
            db.materialise("alerts", alerts_sql(run_rules, as_of, params))
            db.write_csv(
                "SELECT id_number, rule, detail FROM alerts ORDER BY id_number, rule, detail",
                out,
                ALERT_HEADER,
            )
            file_case = " ".join(
                f"WHEN {quote_literal(r)} THEN {quote_literal(f.source_path.name)}"
                for r, f in staged.items()
            )
            db.write_csv(
                f"SELECT CASE source {file_case} END AS file, row_no + 1 AS row, "
                "id_raw AS id_number, name_raw AS name, birth_raw AS birth_date, reason, "
                "candidate_id_number, match_probability FROM review ORDER BY uid",
                review_path,
                REVIEW_HEADER,
            )
            timings["rules"] = time.perf_counter() - started
            result = _collect(db, mode, rows, files, skipped, run_rules, out, review_path, as_of)
        finally:
            if warm is not None:
                warm.close()
            db.close()
    seconds = time.perf_counter() - started
    return PipelineResult(
        **result,
        engine=engine,
        seconds=seconds,
        timings=timings,
        notes={k: v for k, v in notes.items() if v},
        warnings=warnings,
    )


def _collect(
    db: Engine,
    mode: LinkMode,
    rows: dict[str, int],
    files: dict[str, Path],
    skipped: list[Any],
    run_rules: list[Any],
    out: Path,
    review_path: Path,
    as_of: dt.date,
) -> dict[str, Any]:
    link_rows = {
        (source, method): count
        for source, method, count in db.rows(
            "SELECT r.source, l.method, count(*) FROM link l JOIN roster_rows r ON r.uid = l.uid "
            "GROUP BY r.source, l.method"
        )
    }
    review_rows = dict(db.rows("SELECT source, count(*) FROM review GROUP BY source"))
    link_stats = {
        roster: RosterLinkStats(
            rows=rows[roster],
            exact=int(link_rows.get((roster, "exact"), 0)),
            probabilistic=int(link_rows.get((roster, "probabilistic"), 0)),
            review=int(review_rows.get(roster, 0)),
        )
        for roster in ROSTER_ORDER
        if roster in rows and roster != "residents"
    }
    per_rule = dict(db.rows("SELECT rule, count(*) FROM alerts GROUP BY rule"))
    return {
        "alerts_path": out,
        "review_path": review_path,
        "as_of": as_of,
        "rosters_present": tuple(r for r in ROSTER_ORDER if r in files),
        "rosters_missing": tuple(r for r in ROSTER_ORDER if r not in files),
        "rules_skipped": tuple(r.code for r in skipped),
        "rows_per_roster": rows,
        "link_stats": link_stats,
        "exact_matches": sum(s.exact for s in link_stats.values()),
        "probabilistic_matches": sum(s.probabilistic for s in link_stats.values()),
        "review_rows": sum(s.review for s in link_stats.values()),
        "alerts_per_rule": {
            code: int(per_rule.get(code, 0))
            for code in RULE_CODES
            if code in {r.code for r in run_rules}
        },
    }


def summary_lines(result: PipelineResult) -> list[str]:
    """A short Chinese summary of a run, for the command line."""
    lines = [
        f"比对日期 {result.as_of.isoformat()}，引擎 {result.engine}，用时 {result.seconds:.1f} 秒。"
    ]
    for roster, count in result.rows_per_roster.items():
        lines.append(f"  {ROSTER_TITLES[roster]}（{roster}）：{count} 行")
    for name, notes in result.notes.items():
        lines.append(f"  {name}：{'；'.join(notes)}")
    lines.extend(f"  注意：{w}" for w in result.warnings)
    for roster in result.rosters_missing:
        lines.append(f"  {ROSTER_TITLES[roster]}（{roster}）：未提供，相关规则跳过")
    lines.append(
        f"关联：身份证号精确匹配 {result.exact_matches} 行，概率匹配 {result.probabilistic_matches} 行，"
        f"待人工核查 {result.review_rows} 行（{result.review_path}）。"
    )
    lines.append(f"预警共 {result.alerts_total} 条（{result.alerts_path}）：")
    for code, count in result.alerts_per_rule.items():
        lines.append(f"  {code}：{count}")
    if result.rules_skipped:
        lines.append(f"因名册缺失而跳过的规则：{'、'.join(result.rules_skipped)}")
    return lines
