# ruff: noqa: S608 -- SQL here is built from constants, template column names and quote_literal() values.
"""Linking roster rows to residents: exact ID pass, then Splink on the residue.

Pass 1 (exact): a row whose normalised ID number is valid (GB 11643 checksum and a real
birth date), is held by exactly one resident, and agrees with the row's own birth date
(when the row gives one) is linked to that resident.

Pass 2 (probabilistic, Splink): every other row — ID missing, mistyped, inconsistent
with its birth date, unknown or duplicated — is scored against the residents that share
a blocking key (birth date + surname, birth date + given name, or the ID's head or
tail). Names are compared exactly, as toneless pinyin (homophones such as 伟/玮), and
as pinyin within two letters; ID numbers exactly, one digit off, or with two adjacent
digits swapped; sex (from the ID) and birth date exactly. The model's m/u
probabilities are fixed (below), not trained, so a given pair gets the same score on
every engine and in every run. A row is linked only when its best candidate reaches
the match-probability threshold *and* beats the runner-up by a clear margin; any
other row goes to review.csv, never guessed.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from .engines import Engine
from .normalise import sql_sex
from .params import LinkParams

# Readings of surnames that differ from the character's common reading.
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou",
    "查": "zha", "盖": "ge", "乐": "yue", "覃": "qin", "缪": "miao", "翟": "zhai",
    "种": "chong", "秘": "bi", "折": "she", "召": "shao", "尉": "yu", "员": "yun",
    "繁": "po", "洗": "xian", "黑": "he", "句": "gou", "万俟": "moqi", "长": "chang",
    "重": "chong", "沈": "shen", "贾": "jia", "柏": "bai", "藏": "zang", "颉": "xie",
}  # fmt: skip

PINYIN_POSITIONS = 6


def _ratio(m: float, u: float) -> dict[str, float]:
    return {"m_probability": m, "u_probability": u}


def _transposed(left: str, right: str, length: int = 18) -> str:
    """SQL: `left` equals `right` with two adjacent characters swapped: one of the 17 strings
    so spelt from `right` (a third as many terms as comparing the pieces one by one, which was
    most of the time Splink took to read the model: 0.16 of 0.19 CPU-s)."""
    swaps = ", ".join(
        f"substr({right}, 1, {i - 1}) || substr({right}, {i + 1}, 1) || substr({right}, {i}, 1) "
        f"|| substr({right}, {i + 2})"
        for i in range(1, length)
    )
    return f"(length({left}) = {length} AND length({right}) = {length} AND {left} IN ({swaps}))"


def splink_settings(params: LinkParams) -> dict[str, Any]:
    """The fixed Fellegi–Sunter model: comparisons with hand-set m and u probabilities.

    Written in SQL both DuckDB and Spark evaluate identically: Chinese names are only
    compared for equality; string distances run on ASCII (pinyin, digits), where bytes
    and characters coincide.
    """
    null_level = {"sql_condition": "", "label_for_charts": "缺失", "is_null_level": True}

    def null(column: str) -> dict[str, Any]:
        return {**null_level, "sql_condition": f"{column}_l IS NULL OR {column}_r IS NULL"}

    name = {
        "output_column_name": "name",
        "comparison_description": "姓名",
        "comparison_levels": [
            null("name"),
            {
                "sql_condition": "name_l = name_r",
                "label_for_charts": "姓名相同",
                **_ratio(0.90, 0.001),
            },
            {
                "sql_condition": "name_pinyin_l = name_pinyin_r",
                "label_for_charts": "同音（拼音相同）",
                **_ratio(0.06, 0.001),
            },
            {
                "sql_condition": "levenshtein(name_pinyin_l, name_pinyin_r) <= 2",
                "label_for_charts": "拼音相差不超过两个字母",
                **_ratio(0.02, 0.02),
            },
            {"sql_condition": "ELSE", "label_for_charts": "不同", **_ratio(0.02, 0.978)},
        ],
    }
    id_number = {
        "output_column_name": "id_number",
        "comparison_description": "身份证号",
        "comparison_levels": [
            null("id_number"),
            {
                "sql_condition": "id_number_l = id_number_r",
                "label_for_charts": "相同",
                **_ratio(0.30, 1e-7),
            },
            {
                "sql_condition": "length(id_number_l) = 18 AND length(id_number_r) = 18 "
                "AND levenshtein(id_number_l, id_number_r) = 1",
                "label_for_charts": "一位不同",
                **_ratio(0.30, 1e-6),
            },
            {
                "sql_condition": _transposed("id_number_l", "id_number_r"),
                "label_for_charts": "相邻两位颠倒",
                **_ratio(0.10, 1e-6),
            },
            {"sql_condition": "ELSE", "label_for_charts": "不同", **_ratio(0.30, 0.999)},
        ],
    }
    birth_date = {
        "output_column_name": "birth_date",
        "comparison_description": "出生日期",
        "comparison_levels": [
            null("birth_date"),
            {
                "sql_condition": "birth_date_l = birth_date_r",
                "label_for_charts": "相同",
                **_ratio(0.98, 0.00003),
            },
            {"sql_condition": "ELSE", "label_for_charts": "不同", **_ratio(0.02, 0.99997)},
        ],
    }
    sex = {
        "output_column_name": "sex",
        "comparison_description": "性别",
        "comparison_levels": [
            null("sex"),
            {"sql_condition": "sex_l = sex_r", "label_for_charts": "相同", **_ratio(0.98, 0.5)},
            {"sql_condition": "ELSE", "label_for_charts": "不同", **_ratio(0.02, 0.5)},
        ],
    }
    return {
        "link_type": "link_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": params.prior_match_probability,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": "l.birth_date = r.birth_date AND l.surname = r.surname"},
            {"blocking_rule": "l.birth_date = r.birth_date AND l.given_name = r.given_name"},
            {"blocking_rule": "l.id_head = r.id_head"},
            {"blocking_rule": "l.id_tail = r.id_tail"},
        ],
        "comparisons": [name, id_number, birth_date, sex],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }


@dataclass(frozen=True)
class LinkCounts:
    exact: int
    probabilistic: int
    review: int


def _candidate_columns(engine: Engine, alias: str) -> str:
    """Columns Splink compares, derived from a normalised row (residents or rosters)."""
    sex_from_id = (
        f"CASE WHEN {engine.regex_match(f'{alias}.id_norm', '^[0-9]{17}')} THEN "
        f"CASE WHEN CAST(substr({alias}.id_norm, 17, 1) AS INT) % 2 = 1 THEN 'M' ELSE 'F' END END"
    )
    full = f"length({alias}.id_norm) = 18"
    return (
        f"{alias}.name_norm AS name, "
        f"substr({alias}.name_norm, 1, 1) AS surname, "
        f"NULLIF(substr({alias}.name_norm, 2), '') AS given_name, "
        f"coalesce({alias}.birth_date, {alias}.id_birth) AS birth_date, "
        f"NULLIF({alias}.id_norm, '') AS id_number, "
        f"CASE WHEN {full} THEN substr({alias}.id_norm, 1, 14) END AS id_head, "
        f"CASE WHEN {full} THEN substr({alias}.id_norm, 11, 8) END AS id_tail, "
        f"coalesce({sql_sex(engine, f'{alias}.sex_raw')}, {sex_from_id}) AS sex"
    )


def link_exact(engine: Engine) -> None:
    """Pass 1: `link_exact(uid, resident_key)` and `residual` (every other roster row).

    Enforces: a row links exactly only when its ID is valid, held by one resident, and
    agrees with the birth date the row gives.

    `residual.id_status` says why a row was not linked exactly: missing, invalid
    (checksum or date), birth_mismatch, duplicate (held by several residents), not_found.
    """
    engine.materialise(
        "exact_pairs",
        "SELECT r.uid, min(x.resident_key) AS resident_key, count(*) AS holders "
        "FROM roster_rows r JOIN res x ON x.id_norm = r.id_norm "
        "WHERE r.id_valid GROUP BY r.uid",
    )
    engine.materialise(
        "link_exact",
        "SELECT e.uid, e.resident_key FROM exact_pairs e JOIN roster_rows r ON r.uid = e.uid "
        "WHERE e.holders = 1 AND (r.birth_date IS NULL OR r.birth_date = r.id_birth)",
    )
    engine.materialise(
        "residual",
        "SELECT r.*, CASE WHEN r.id_norm = '' THEN 'missing' "
        "WHEN NOT r.id_valid THEN 'invalid' "
        "WHEN r.birth_date IS NOT NULL AND r.birth_date <> r.id_birth THEN 'birth_mismatch' "
        "WHEN e.holders > 1 THEN 'duplicate' ELSE 'not_found' END AS id_status "
        "FROM roster_rows r LEFT JOIN link_exact k ON k.uid = r.uid "
        "LEFT JOIN exact_pairs e ON e.uid = r.uid "
        "WHERE k.uid IS NULL",
    )


def _pinyin_sql(alias: str) -> str:
    """Toneless pinyin of a normalised name by joining each character to `char_pinyin`."""
    parts = [f"coalesce(sp.py, p1.py, substr({alias}.name, 1, 1))"]
    for i in range(2, PINYIN_POSITIONS + 1):
        parts.append(f"coalesce(p{i}.py, substr({alias}.name, {i}, 1))")
    parts.append(f"substr({alias}.name, {PINYIN_POSITIONS + 1})")
    return " || ".join(parts)


def _pinyin_joins(alias: str) -> str:
    joins = [f"LEFT JOIN surname_pinyin sp ON sp.ch = substr({alias}.name, 1, 1)"]
    for i in range(1, PINYIN_POSITIONS + 1):
        joins.append(f"LEFT JOIN char_pinyin p{i} ON p{i}.ch = substr({alias}.name, {i}, 1)")
    return " ".join(joins)


def build_pinyin_tables(engine: Engine, names_sql: str) -> None:
    """`char_pinyin(ch, py)` for every character in the names of `names_sql`, and
    `surname_pinyin(ch, py)` for surnames read differently (曾 zeng, 单 shan …).

    Only the distinct characters go through pypinyin (a few thousand), not the names;
    pypinyin is imported here, when a run has rows to score, not by every run.
    """
    from pypinyin import lazy_pinyin

    positions = " UNION ".join(
        f"SELECT DISTINCT substr(name, {i}, 1) AS ch FROM ({names_sql}) n"
        for i in range(1, PINYIN_POSITIONS + 1)
    )
    chars = [
        row[0] for row in engine.rows(f"SELECT DISTINCT ch FROM ({positions}) c WHERE ch <> ''")
    ]
    pairs = []
    for ch in sorted(c for c in chars if c):
        reading = lazy_pinyin(ch)[0].lower()
        if reading != ch and reading.isascii():
            pairs.append((ch, reading))
    engine.load_pairs("char_pinyin", ("ch", "py"), pairs)
    engine.load_pairs(
        "surname_pinyin", ("ch", "py"), [(k, v) for k, v in SURNAME_READINGS.items() if len(k) == 1]
    )


def prepare_candidates(engine: Engine) -> None:
    """Splink inputs: `cand_rows` (residual rows) and `cand_residents` (residents that
    share at least one blocking key with a residual row), both with pinyin."""
    engine.materialise(
        "cand_rows_base",
        f"SELECT r.uid AS unique_id, {_candidate_columns(engine, 'r')} FROM residual r",
    )
    # Residents sharing a blocking key with a residual row, found straight from `res`
    # (the keys computed on the fly exactly as _candidate_columns derives them).
    full = "length(x.id_norm) = 18"
    # The two birth-date keys in one join (one pass over the residents instead of two: 1 M
    # residents, 0.14 → 0.08 s; the same at 7.2 M).
    engine.materialise(
        "cand_res_keys",
        "SELECT x.resident_key AS unique_id FROM res x JOIN cand_rows_base r "
        "ON r.birth_date = x.birth_date AND (r.surname = substr(x.name_norm, 1, 1) "
        "OR r.given_name = NULLIF(substr(x.name_norm, 2), '')) "
        "UNION SELECT x.resident_key FROM res x JOIN cand_rows_base r "
        f"ON r.id_head = CASE WHEN {full} THEN substr(x.id_norm, 1, 14) END "
        "UNION SELECT x.resident_key FROM res x JOIN cand_rows_base r "
        f"ON r.id_tail = CASE WHEN {full} THEN substr(x.id_norm, 11, 8) END",
    )
    engine.materialise(
        "cand_res_small",
        f"SELECT x.resident_key AS unique_id, {_candidate_columns(engine, 'x')} "
        "FROM res x JOIN cand_res_keys k ON k.unique_id = x.resident_key",
    )
    build_pinyin_tables(
        engine, "SELECT name FROM cand_rows_base UNION ALL SELECT name FROM cand_res_small"
    )
    columns = "name, surname, given_name, birth_date, id_number, id_head, id_tail, sex"
    for source, target in (("cand_rows_base", "cand_rows"), ("cand_res_small", "cand_residents")):
        engine.materialise(
            target,
            f"SELECT c.unique_id, {', '.join('c.' + x for x in columns.split(', '))}, "
            f"{_pinyin_sql('c')} AS name_pinyin FROM {source} c {_pinyin_joins('c')}",
        )
        engine.drop(source)
    engine.drop("cand_res_keys")


CANDIDATE_COLUMNS = (
    ("unique_id", "BIGINT"),
    *((c, "STRING") for c in ("name", "surname", "given_name")),
    ("birth_date", "DATE"),
    *((c, "STRING") for c in ("id_number", "id_head", "id_tail", "sex", "name_pinyin")),
)


def _linker(db_api: Any, params: LinkParams) -> Any:
    """Splink's Linker over `cand_rows` and `cand_residents` (registered by name: it reads
    whatever the tables hold when predict() runs)."""
    from splink import Linker

    rows = db_api.register("cand_rows", dataset_display_name="roster_rows")
    residents = db_api.register("cand_residents", dataset_display_name="residents")
    return Linker([rows, residents], splink_settings(params), log_level=logging.WARNING)


class LinkerWarmUp:
    """Builds the Linker in a thread while the engine reads and normalises the files.

    Importing pypinyin and Splink and parsing the model's SQL (sqlglot) cost about 0.8 CPU-s
    whatever the size of the run (a third of a 1 M-resident comparison); the engine spends
    those seconds in DuckDB, which lets go of Python's lock while it works, so the two
    overlap. The candidate tables are created empty with their final columns for the Linker
    to read; prepare_candidates replaces them with the rows. DuckDB only: the thread talks
    to the database through a connection of its own (a cursor)."""

    def __init__(self, engine: Engine, params: LinkParams) -> None:
        empty = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in CANDIDATE_COLUMNS)
        for table in ("cand_rows", "cand_residents"):
            engine.materialise(table, f"SELECT {empty} WHERE 1 = 0")
        self._api = engine.splink_api(own_connection=True)
        self._params = params
        self._result: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._build, name="linker-warm-up", daemon=True)
        self._thread.start()

    def _build(self) -> None:
        try:
            from pypinyin import lazy_pinyin

            lazy_pinyin("连")  # loads the dictionary build_pinyin_tables reads
            self._result = _linker(self._api, self._params)
        except BaseException as error:  # handed to the caller, who builds it again
            self._error = error

    def linker(self) -> Any:
        """The Linker, once built (None if building it failed: the caller builds its own)."""
        self._thread.join()
        if self._error is not None:
            logging.getLogger(__name__).warning("linker warm-up failed: %r", self._error)
            return None
        return self._result

    def close(self) -> None:
        """Wait for the thread and release its connection (before the engine closes)."""
        self._thread.join()
        self._api = self._result = None


def score_pairs(engine: Engine, params: LinkParams, warm: LinkerWarmUp | None = None) -> str:
    """Run Splink's predict() on the candidates; returns the physical table of scores
    with columns unique_id_l (roster row), unique_id_r (resident), match_weight,
    match_probability."""
    linker = warm.linker() if warm is not None else None
    if linker is None:
        linker = _linker(engine.splink_api(), params)
    predictions = linker.inference.predict(warning_mode="never")
    engine.materialise(
        "scored_pairs",
        "SELECT CASE WHEN source_dataset_l = 'roster_rows' THEN unique_id_l ELSE unique_id_r END "
        "AS uid, CASE WHEN source_dataset_l = 'roster_rows' THEN unique_id_r ELSE unique_id_l END "
        f"AS resident_key, match_weight, match_probability FROM {predictions.physical_name}",
    )
    predictions.drop_table_from_database_and_remove_from_cache()
    return "scored_pairs"


def link_probabilistic(
    engine: Engine, params: LinkParams, warm: LinkerWarmUp | None = None
) -> None:
    """Pass 2: `link_prob(uid, resident_key, match_probability)` and `review_rows`.

    Accepts a row's best candidate only when its match probability reaches
    `params.match_threshold` and its match weight beats the runner-up's by at least
    `params.ambiguity_margin` bits; otherwise the row is put up for review.
    """
    if engine.count("residual") == 0:
        engine.materialise(
            "link_prob",
            "SELECT uid, CAST(NULL AS BIGINT) AS resident_key, CAST(NULL AS DOUBLE) AS "
            "match_probability FROM residual WHERE 1 = 0",
        )
        engine.materialise(
            "best_pairs",
            "SELECT uid, CAST(NULL AS BIGINT) AS resident_key, CAST(NULL AS DOUBLE) AS match_weight, "
            "CAST(NULL AS DOUBLE) AS match_probability, CAST(NULL AS DOUBLE) AS second_weight, "
            "CAST(0 AS BIGINT) AS candidates FROM residual WHERE 1 = 0",
        )
        return
    prepare_candidates(engine)
    score_pairs(engine, params, warm)
    engine.materialise(
        "best_pairs",
        "SELECT uid, resident_key, match_weight, match_probability, second_weight, candidates "
        "FROM (SELECT uid, resident_key, match_weight, match_probability, "
        "row_number() OVER (PARTITION BY uid ORDER BY match_weight DESC, resident_key) AS rank_no, "
        "lead(match_weight) OVER (PARTITION BY uid ORDER BY match_weight DESC, resident_key) "
        "AS second_weight, "
        "count(*) OVER (PARTITION BY uid) AS candidates FROM scored_pairs) ranked "
        "WHERE rank_no = 1",
    )
    engine.materialise(
        "link_prob",
        "SELECT uid, resident_key, match_probability FROM best_pairs "
        f"WHERE match_probability >= {params.match_threshold!r} AND (second_weight IS NULL "
        f"OR match_weight - second_weight >= {params.ambiguity_margin!r})",
    )
