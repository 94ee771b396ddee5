import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianxin.core import phone
from lianxin.core.dates import DateError, parse_date


@pytest.mark.parametrize(
    "typed",
    [
        "1980-01-02",
        "1980/1/2",
        "1980.1.2",
        "19800102",
        "1980年1月2日",
        "１９８０－０１－０２",
        29222,
        "1980-01-02 00:00:00",
    ],
)
def test_five_date_forms_and_excel_serials(typed):
    assert parse_date(typed) == dt.date(1980, 1, 2)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("1980-02-30", "日期“1980-02-30”不存在"), ("去年", "无法识别的日期“去年”，请写成 1980-01-02")],
)
def test_bad_dates_say_why(typed, message):
    with pytest.raises(DateError) as err:
        parse_date(typed)
    assert str(err.value) == message


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_every_form_round_trips(day):
    for text in (
        f"{day:%Y-%m-%d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day:%Y%m%d}",
        f"{day.year}年{day.month}月{day.day}日",
    ):
        assert parse_date(text) == day


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("138 0951 1234", "13809511234"),
        ("+86-13809511234", "13809511234"),
        ("0951-5012345", "09515012345"),
        ("１３８０９５１１２３４", "13809511234"),
    ],
)
def test_phone_numbers_normalise(typed, expected):
    assert phone.normalise(typed) == expected


@pytest.mark.parametrize("typed", ["12345", "2380951123", "1380951123x"])
def test_bad_phone_numbers_are_refused(typed):
    with pytest.raises(phone.PhoneError, match="电话号码格式不正确"):
        phone.normalise(typed)


@given(st.integers(min_value=13000000000, max_value=19999999999))
def test_mobile_numbers_round_trip_and_mask(n):
    number = str(n)
    if number[1] in "012":
        return
    assert phone.normalise(f"{number[:3]} {number[3:7]} {number[7:]}") == number
    masked = phone.mask(number)
    assert masked == number[:3] + "****" + number[-4:]
