import datetime as dt

from lianxin.core.workdays import SHANGHAI, add_working_days, is_working_day


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=SHANGHAI)


def test_friday_plus_one_working_day_is_monday():
    assert add_working_days(at(2025, 3, 7), 1) == at(2025, 3, 10)


def test_national_day_holiday_is_skipped():
    # 2025-09-30 (Tue) + 1 working day: 10-01..10-08 are the National Day holiday
    assert add_working_days(at(2025, 9, 30), 1) == at(2025, 10, 9)


def test_make_up_working_day_counts():
    # 2025-09-28 (Sunday) was a make-up working day before National Day
    assert is_working_day(dt.date(2025, 9, 28)) is True
    assert add_working_days(at(2025, 9, 26), 1) == at(2025, 9, 28)


def test_seven_working_days_over_spring_festival():
    # Spring Festival 2025: 01-28..02-04 off, 01-26 (Sun) and 02-08 (Sat) worked:
    # 01-26, 01-27, 02-05, 02-06, 02-07, 02-08, 02-10
    assert add_working_days(at(2025, 1, 24), 7) == at(2025, 2, 10)
