"""The candidate counter of PII-01 (tests/security/candidates.py) against brute force, and the
presentation of ADR 0009 against the 10,000 threshold."""

from __future__ import annotations

import datetime as dt

from lianxin.core import idnumber
from lianxin.core.idnumber import MaskTier
from tests.security.candidates import (
    THRESHOLD,
    Shown,
    candidate_count,
    ningxia_region_codes,
    shown_in,
)
from tests.security.seed import check_digit, make_id

TODAY = dt.date(2026, 12, 1)
NUMBER = make_id("640104", dt.date(1935, 3, 4), 902)


def test_region_codes_current_and_historical():
    codes = ningxia_region_codes()
    assert len(codes) == 50
    assert "640104" in codes  # current 兴庆区
    assert "640102" in codes  # abolished 银川市城区


def test_count_matches_brute_force_on_a_small_case():
    shown = Shown(
        visible=Shown.visible_of("*" * 14 + NUMBER[-4:]),
        birth_date=dt.date(1935, 3, 4),
        sex="F" if int(NUMBER[16]) % 2 == 0 else "M",
        region="640104",
    )
    # region, date and sequence are all known: exactly the one number
    assert candidate_count(shown, today=TODAY) == 1
    year_only = Shown(visible=shown.visible, birth_year=1935, region="640104")
    brute = sum(
        1
        for day in range(365)
        if (d := dt.date(1935, 1, 1) + dt.timedelta(days=day))
        and check_digit(f"640104{d:%Y%m%d}{NUMBER[14:17]}") == NUMBER[17]
    )
    assert candidate_count(year_only, today=TODAY) == brute


def test_the_old_masks_fall_below_the_threshold():
    """The masks before ADR 0009: 6+4 beside the birth date is one number; 1+1 beside
    registered area, birth date and sex about 45."""
    old_case = Shown(
        visible=Shown.visible_of(NUMBER[:6] + "*" * 8 + NUMBER[-4:]), birth_date=dt.date(1935, 3, 4)
    )
    assert candidate_count(old_case, today=TODAY) == 1
    old_staff = Shown(
        visible=Shown.visible_of(NUMBER[0] + "*" * 16 + NUMBER[-1]),
        birth_date=dt.date(1935, 3, 4),
        sex="F" if int(NUMBER[16]) % 2 == 0 else "M",
        region="640104",
    )
    assert candidate_count(old_staff, today=TODAY) < 100


def test_the_presentation_of_adr_0009_leaves_10000_candidates():
    for tier in (MaskTier.CASE_WORKER, MaskTier.STAFF):
        for birth in (dt.date(1935, 3, 4), dt.date(2000, 2, 29), dt.date(1990, 12, 31)):
            for sequence in (0, 7, 902, 999):
                number = make_id("640521", birth, sequence)
                body = f"{idnumber.mask(number, tier)} 出生年份 {birth.year} 性别 女"
                shown = shown_in(body, number, birth, "640521", today=TODAY)
                assert shown is not None
                assert candidate_count(shown, today=TODAY) >= THRESHOLD, (tier, birth, sequence)


def test_the_reader_sees_dates_ages_and_region():
    birth = dt.date(1935, 3, 4)
    masked = idnumber.mask(NUMBER, MaskTier.CASE_WORKER)
    assert shown_in("nothing", NUMBER, birth, "640104", today=TODAY) is None
    shown = shown_in(f"{masked} 1935-03-04 640104", NUMBER, birth, "640104", today=TODAY)
    assert (shown.birth_date, shown.region) == (birth, "640104")
    assert candidate_count(shown, today=TODAY) < THRESHOLD
    aged = shown_in(f"{masked} 91岁", NUMBER, birth, "640104", today=TODAY)
    assert aged.age == 91
    # a 12-digit village code holding the region is not the registered-area code
    assert shown_in(f"{masked} 640104001001", NUMBER, birth, "640104", today=TODAY).region is None
