import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianxin.core import idnumber
from lianxin.core.idnumber import IdNumberError, MaskTier


def make(prefix17: str) -> str:
    return prefix17 + idnumber.check_digit(prefix17)


ANXIU = make("64010419800102001")  # 兴庆区, which stdnum's own validate() rejects


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_published_sample_numbers_are_valid(number):
    assert idnumber.parse(number).number == number


def test_ningxia_number_that_stdnum_validate_rejects_is_accepted():
    parsed = idnumber.parse(ANXIU)
    assert parsed.birth_date == dt.date(1980, 1, 2)
    assert parsed.region_code == "640104"
    assert parsed.sex == "M"


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: n.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),
        lambda n: f"  {n[:6]} {n[6:14]} {n[14:]} ",
        lambda n: n.lower(),
    ],
)
def test_typed_forms_normalise(typed):
    number = make("64052119751231002")
    assert idnumber.parse(typed(number)).number == number


def test_lower_case_x_is_upper_cased():
    prefix = next(
        p for p in (f"64010419900101{i:03d}" for i in range(1000)) if idnumber.check_digit(p) == "X"
    )
    assert idnumber.parse(prefix + "x").number == prefix + "X"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "身份证号为空"),
        ("6401041980010200", "身份证号应为18位，实际为16位"),
        ("64010419800102001A", "身份证号只能由数字和末位X组成"),
        ("640104198013020010", "身份证号中的出生日期无效"),
    ],
)
def test_bad_numbers_say_why(value, message):
    with pytest.raises(IdNumberError) as err:
        idnumber.parse(value)
    assert str(err.value) == message


def test_wrong_check_digit_is_refused():
    wrong = ANXIU[:17] + ("0" if ANXIU[17] != "0" else "1")
    with pytest.raises(IdNumberError, match="校验位错误"):
        idnumber.parse(wrong)


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31)),
    st.integers(min_value=0, max_value=999),
    st.sampled_from(["640104", "640521", "642221", "110101"]),
)
def test_every_valid_number_round_trips_through_full_width(birth, seq, region):
    number = make(f"{region}{birth:%Y%m%d}{seq:03d}")
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    parsed = idnumber.parse(full_width)
    assert parsed.number == number
    assert parsed.birth_date == birth
    assert parsed.sex == ("M" if seq % 2 else "F")


@given(st.text(max_size=30))
def test_parse_never_crashes_on_arbitrary_text(text):
    with contextlib.suppress(IdNumberError):
        idnumber.parse(text)


def test_masking_tiers():
    assert idnumber.mask(ANXIU, MaskTier.CASE_WORKER) == "*" * 15 + ANXIU[-3:]
    assert idnumber.mask(ANXIU, MaskTier.STAFF) == "*" * 17 + ANXIU[-1]
    assert idnumber.mask(ANXIU, MaskTier.NONE) == "（不可见）"
    assert idnumber.mask(ANXIU, MaskTier.FULL) == ANXIU


def test_search_hash_is_keyed_and_ignores_typing():
    assert idnumber.search_hash(ANXIU) == idnumber.search_hash(ANXIU.lower() + " ")
    assert len(idnumber.search_hash(ANXIU)) == 64
    assert ANXIU not in idnumber.search_hash(ANXIU)
