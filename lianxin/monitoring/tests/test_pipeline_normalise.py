"""Property tests: the SQL normalisers agree with the Python reference (stdnum-based)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from lianxin.monitoring.pipeline import normalise as n
from lianxin.monitoring.pipeline.engines import DuckDBEngine, quote_literal

FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
SPACES = st.sampled_from(["", " ", "  ", "\t", "\u3000", "\u00a0"])


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBEngine]:
    db = DuckDBEngine(temp_dir=Path(tmp_path_factory.mktemp("duckdb")), threads=1)
    yield db
    db.close()


def sql_value(engine: DuckDBEngine, expression: str, value: str | None) -> object:
    literal = "CAST(NULL AS STRING)" if value is None else quote_literal(value)
    return engine.rows(f"SELECT {expression} FROM (SELECT {literal} AS v) t")[0][0]


def sql_date(engine: DuckDBEngine, value: str | None) -> object:
    """The pipeline's two-step date parsing (clean the text once, then parse)."""
    literal = "CAST(NULL AS STRING)" if value is None else quote_literal(value)
    parse = n.sql_date_parse(engine, "v", "t")
    clean = n.sql_date_text(engine, "v")
    return engine.rows(
        f"SELECT {parse} FROM (SELECT v, {clean} AS t FROM (SELECT {literal} AS v) a) b"
    )[0][0]


def sql_id(engine: DuckDBEngine, value: str) -> tuple[str, bool, dt.date | None]:
    norm = n.sql_id_number(engine, "v")
    head, tail = n.sql_id_parts("i")
    check = n.sql_id_check_char(engine, "i", parts=("h", "t"))  # as the pipeline computes it
    birth = n.sql_id_birth_date(engine, "i")
    row = engine.rows(
        f"SELECT i, coalesce({check} = substr(i, 18, 1) AND {birth} IS NOT NULL, FALSE), {birth} "
        f"FROM (SELECT i, {head} AS h, {tail} AS t FROM "
        f"(SELECT {norm} AS i FROM (SELECT {quote_literal(value)} AS v) t0) u0) u"
    )[0]
    return row[0], row[1], row[2]


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    """Valid 18-character ID numbers (any region code, birth 1900–2025)."""
    region = draw(st.from_regex(r"[1-6][0-9]{5}", fullmatch=True))
    birth = draw(st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)))
    seq = draw(st.integers(0, 999))
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def noisy(draw: st.DrawFn, value: str) -> str:
    """The ID as a clerk might type it: full-width, lower-case x, surrounding spaces."""
    if draw(st.booleans()):
        value = value.translate(FULLWIDTH)
    if draw(st.booleans()):
        value = value.replace("X", "x").replace("Ｘ", "ｘ")
    return draw(SPACES) + value + draw(SPACES)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_noisy_valid_id_normalises_to_itself_in_python_and_sql(engine, data):
    clean = data.draw(id_numbers())
    typed = data.draw(noisy(clean))
    assert n.normalise_id_number(typed) == clean
    assert n.id_number_is_valid(clean)
    assert sql_id(engine, typed) == (clean, True, ric.get_birth_date(clean))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(clean=id_numbers(), position=st.integers(0, 16), shift=st.integers(1, 9))
def test_one_wrong_digit_always_fails_the_checksum(engine, clean, position, shift):
    digit = str((int(clean[position]) + shift) % 10)
    typo = clean[:position] + digit + clean[position + 1 :]
    assert not n.id_number_is_valid(typo)
    assert sql_id(engine, typo)[1] is False


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet="0123456789Xx０１２３４５６７８９ｘＸ -\u3000", max_size=20))
def test_sql_and_python_agree_on_any_id_like_text(engine, text):
    clean = n.normalise_id_number(text)
    assert sql_id(engine, text) == (clean, n.id_number_is_valid(clean), n.id_birth_date(clean))


@st.composite
def typed_dates(draw: st.DrawFn) -> tuple[str, dt.date]:
    """A date in one of the accepted forms, with the date it stands for."""
    day = draw(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)))
    form = draw(st.sampled_from(["iso", "slash", "dot", "compact", "chinese", "serial", "time"]))
    text = {
        "iso": day.isoformat(),
        "slash": f"{day.year}/{day.month}/{day.day}",
        "dot": f"{day.year}.{day.month}.{day.day}",
        "compact": f"{day:%Y%m%d}",
        "chinese": f"{day.year}年{day.month}月{day.day}日",
        "serial": str((day - n.EXCEL_EPOCH).days),
        "time": f"{day.isoformat()} 00:00:00",
    }[form]
    if form == "serial" and (day - n.EXCEL_EPOCH).days < 1000:
        text = day.isoformat()
    if draw(st.booleans()):
        text = text.translate(FULLWIDTH)
    return draw(SPACES) + text + draw(SPACES), day


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=typed_dates())
def test_dates_in_every_accepted_form_parse_in_python_and_sql(engine, case):
    text, day = case
    assert n.parse_roster_date(text) == day
    assert sql_date(engine, text) == day


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.one_of(st.none(), st.text(alphabet="0123456789０１２-/.年月日 :T\u3000", max_size=14))
)
def test_sql_and_python_agree_on_any_date_like_text(engine, text):
    assert sql_date(engine, text) == n.parse_roster_date(text)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(alphabet="王李张伟玮明 \u3000\t·", max_size=8))
def test_sql_and_python_agree_on_names(engine, name):
    expected = n.normalise_name(name) or None
    assert sql_value(engine, n.sql_name(engine, "v"), name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1980-01-02", dt.date(1980, 1, 2)),
        ("1980/1/2", dt.date(1980, 1, 2)),
        ("1980.1.2", dt.date(1980, 1, 2)),
        ("19800102", dt.date(1980, 1, 2)),
        ("1980年1月2日", dt.date(1980, 1, 2)),
        ("29222", dt.date(1980, 1, 2)),
        ("29222.0", dt.date(1980, 1, 2)),
        ("1980-02-30", None),
        ("0980-01-02", None),
        ("不详", None),
        ("", None),
    ],
)
def test_date_examples(engine, text, expected):
    assert n.parse_roster_date(text) == expected
    assert sql_date(engine, text) == expected


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("2", 2),
        ("007", 7),
        ("2.0", 2),
        ("二级", 2),
        ("2级", 2),
        (" 3", 3),
        ("２０２４年", 2024),
        ("四", 4),
        ("", None),
        ("不详", None),
        (None, None),
    ],
)
def test_whole_numbers_typed_every_way(engine, typed, number):
    assert sql_value(engine, n.sql_integer(engine, "v"), typed) == number
