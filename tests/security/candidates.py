"""How many ID numbers fit what is shown together about one person (SECURITY.md PII-01,
ADR 0009), computed independently of the code under test.

An ID number is region (6) + birth date (8) + sequence (3, the last one odd for men) + check
digit (GB 11643, a weighted sum mod 11 of the first 17). What is shown narrows each part: the
visible characters of a masked number, a birth date, year or age, the sex, the registered-area
code. Every Ningxia region code, current and historical (``lianxin/areas/data``), counts as
known to the attacker. The count is exact: the weighted sums of the three parts are counted
mod 11 and convolved, and a visible check digit keeps the matching residue only.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
THRESHOLD = 10_000
DATA = Path(__file__).resolve().parents[2] / "lianxin" / "areas" / "data"
EARLIEST = dt.date(1880, 1, 1)


@lru_cache(maxsize=1)
def ningxia_region_codes() -> tuple[str, ...]:
    """Every six-digit Ningxia code, current (divisions) and historical (abolished)."""
    codes: set[str] = set()
    for name in ("ningxia_divisions.csv", "historical_codes.csv"):
        with (DATA / name).open(encoding="utf-8") as fh:
            codes |= {row["code"] for row in csv.DictReader(fh) if len(row["code"]) == 6}
    return tuple(sorted(codes))


@dataclass(frozen=True)
class Shown:
    """What one output shows together about one person. ``masked`` is the masked number (may
    be several forms merged: position -> character); the rest is None when not shown."""

    visible: tuple[tuple[int, str], ...] = ()
    birth_date: dt.date | None = None
    birth_year: int | None = None
    age: int | None = None
    as_of: dt.date | None = None
    sex: str | None = None  # "M"/"F"
    region: str | None = None  # the registered-area code, if shown

    @staticmethod
    def visible_of(*masked: str) -> tuple[tuple[int, str], ...]:
        known: dict[int, str] = {}
        for text in masked:
            if len(text) != 18:
                continue
            known.update({i: ch for i, ch in enumerate(text.upper()) if ch.isdigit() or ch == "X"})
        return tuple(sorted(known.items()))


def _dist(values: list[str], offset: int) -> Counter[int]:
    out: Counter[int] = Counter()
    for v in values:
        out[sum(int(d) * WEIGHTS[offset + i] for i, d in enumerate(v)) % 11] += 1
    return out


def _fits(value: str, offset: int, visible: dict[int, str]) -> bool:
    return all(visible.get(offset + i, ch) == ch for i, ch in enumerate(value))


@lru_cache(maxsize=4096)
def _date_dist(lo: dt.date, hi: dt.date, visible: tuple[tuple[int, str], ...]) -> Counter[int]:
    known = {k: v for k, v in visible if 6 <= k < 14}
    values = []
    day = lo
    while day <= hi:
        text = f"{day:%Y%m%d}"
        if _fits(text, 6, known):
            values.append(text)
        day += dt.timedelta(days=1)
    return _dist(values, 6)


def _birth_window(shown: Shown, today: dt.date) -> tuple[dt.date, dt.date]:
    lo, hi = EARLIEST, today
    if shown.birth_date is not None:
        lo, hi = max(lo, shown.birth_date), min(hi, shown.birth_date)
    if shown.birth_year is not None:
        lo, hi = (
            max(lo, dt.date(shown.birth_year, 1, 1)),
            min(hi, dt.date(shown.birth_year, 12, 31)),
        )
    if shown.age is not None:
        day = shown.as_of or today
        # born after day - (age+1) years, on or before day - age years
        latest = _minus_years(day, shown.age)
        earliest = _minus_years(day, shown.age + 1) + dt.timedelta(days=1)
        lo, hi = max(lo, earliest), min(hi, latest)
    return lo, hi


def _minus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def candidate_count(shown: Shown, *, today: dt.date | None = None) -> int:
    """The number of valid ID numbers consistent with everything in ``shown``."""
    today = today or dt.date.today()
    visible = dict(shown.visible)
    regions = [shown.region] if shown.region else list(ningxia_region_codes())
    regions = [r for r in regions if _fits(r, 0, visible)]
    lo, hi = _birth_window(shown, today)
    if lo > hi or not regions:
        return 0
    dates = _date_dist(lo, hi, tuple((k, v) for k, v in shown.visible if 6 <= k < 14))
    sequences = [
        f"{n:03d}"
        for n in range(1000)
        if _fits(f"{n:03d}", 14, visible)
        and (shown.sex is None or (n % 2 == 1) == (shown.sex == "M"))
    ]
    total: Counter[int] = Counter()
    for part in (_dist(regions, 0), dates, _dist(sequences, 14)):
        if not total:
            total = part
            continue
        merged: Counter[int] = Counter()
        for a, x in total.items():
            for b, y in part.items():
                merged[(a + b) % 11] += x * y
        total = merged
    if 17 in visible:
        return sum(n for residue, n in total.items() if CHECK[residue] == visible[17])
    return sum(total.values())


# --- reading what an output shows about one person ----------------------------------------

_MASK_TOKEN = re.compile(r"(?<![0-9A-Za-z*＊])[0-9Xx*＊]{18}(?![0-9A-Za-z*＊])")


def masks_of(body: str, number: str) -> list[str]:
    """The masked forms of ``number`` in ``body`` (18 characters, at least one asterisk, every
    visible character equal to the number's)."""
    found = []
    for token in _MASK_TOKEN.findall(body):
        token = token.replace("＊", "*").upper()
        if (
            "*" in token
            and all(c == "*" or c == n for c, n in zip(token, number, strict=True))
            and any(c != "*" for c in token)
        ):
            found.append(token)
    return found


def _date_forms(day: dt.date) -> list[str]:
    return [
        f"{day:%Y-%m-%d}",
        f"{day:%Y%m%d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day:%Y/%m/%d}",
        f"{day.year}-{day.month}-{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y.%m.%d}",
    ]


def shown_in(
    body: str, number: str, birth: dt.date, region: str, *, today: dt.date
) -> Shown | None:
    """Everything ``body`` shows that narrows ``number`` (conservatively: the whole body counts
    as shown together), or None when no masked form of the number is in it. The sex is always
    taken as shown."""
    masks = masks_of(body, number)
    if not masks:
        return None
    birth_date = birth if any(form in body for form in _date_forms(birth)) else None
    year = birth.year if re.search(rf"(?<!\d){birth.year}(?!\d)", body) else None
    age_value = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    age = age_value if re.search(rf"(?<!\d){age_value}\s*岁", body) else None
    shown_region = region if re.search(rf"(?<![0-9]){region}(?![0-9])", body) else None
    sex = "M" if int(number[16]) % 2 else "F"
    return Shown(
        visible=Shown.visible_of(*masks),
        birth_date=birth_date,
        birth_year=year,
        age=age,
        as_of=today,
        sex=sex,
        region=shown_region,
    )
