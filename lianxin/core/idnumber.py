"""Resident ID numbers (居民身份证号, GB 11643-1999).

Normalisation turns what people type into the canonical 18 characters: full-width digits and
letters become ASCII, a lower-case ``x`` becomes ``X``, spaces and dashes go. Validation uses
python-stdnum's check-digit and birth-date helpers, *not* ``stdnum.cn.ric.validate``, whose
region table rejects valid Ningxia numbers (640104 兴庆区 and others). The region code is the
place of first registration and is often an abolished code: it is looked up by the caller in
the divisions (with historical codes) and at most warned about, never rejected.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from stdnum.cn import ric

_STRIP = re.compile(r"[\s\-_\u3000]+")
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


class IdNumberError(ValueError):
    """The value is not a resident ID number; the message is Chinese and says why."""


def normalise(value: object) -> str:
    """Canonical form: ASCII digits, upper-case X, no spaces. Does not validate."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _STRIP.sub("", text).upper()
    if text.endswith(".0") and text[:-2].isdigit():  # an Excel number cell
        text = text[:-2]
    return text


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    region_code: str

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


def parse(value: object) -> IdNumber:
    """Normalise and check an ID number: 18 characters, a real birth date, the GB 11643 check digit."""
    number = normalise(value)
    if not number:
        raise IdNumberError("身份证号为空")
    if len(number) != 18:
        raise IdNumberError(f"身份证号应为18位，实际为{len(number)}位")
    if not ID_PATTERN.match(number):
        raise IdNumberError("身份证号只能由数字和末位X组成")
    try:
        birth = ric.get_birth_date(number)
    except ValueError as exc:  # stdnum raises InvalidComponent (a ValueError) for bad dates
        raise IdNumberError("身份证号中的出生日期无效") from exc
    if birth > dt.datetime.now(tz=dt.UTC).date() or birth.year < 1880:
        raise IdNumberError("身份证号中的出生日期无效")
    if check_digit(number[:17]) != number[17]:
        raise IdNumberError("身份证号校验位错误")
    sex = "M" if int(number[16]) % 2 else "F"
    return IdNumber(number=number, birth_date=birth, sex=sex, region_code=number[:6])


def check_digit(first17: str) -> str:
    """The GB 11643 check digit of the first 17 digits. (stdnum's ``calc_check_digit`` expects
    the number *with* a check digit and drops its last character: passing 17 digits to it
    silently ignores the 17th digit.)"""
    return ric.calc_check_digit(first17[:17] + "0")


def is_valid(value: object) -> bool:
    try:
        parse(value)
    except IdNumberError:
        return False
    return True


class MaskTier(enum.StrEnum):
    """Who sees how much of an ID number (SECURITY.md PII-01, ADR 0009). A masked number is
    shown beside the birth *year* (or an age, never both, never the date), the sex, and never
    the registered-area code: together they leave >= 10,000 candidate numbers."""

    FULL = "full"  # an audited reveal by a permitted role
    CASE_WORKER = "case_worker"  # the person's own grid worker and community: last 3
    STAFF = "staff"  # other staff: last 1
    NONE = "none"  # volunteers, enterprises, partners: nothing


SHOWN_DIGITS = {MaskTier.CASE_WORKER: 3, MaskTier.STAFF: 1}


def mask(number: str, tier: MaskTier) -> str:
    """The masked form: asterisks and the last 3 (own worker) or last 1 (other staff)
    characters. The region code and the birth date are never shown (ADR 0009)."""
    if not number:
        return ""
    if tier is MaskTier.FULL:
        return number
    shown = SHOWN_DIGITS.get(tier)
    if shown is None:
        return "（不可见）"
    return "*" * (len(number) - shown) + number[-shown:]


def birth_year(birth_date: dt.date | None) -> int | None:
    """What is shown of a birth date beside a masked ID number: the year only (ADR 0009)."""
    return birth_date.year if birth_date else None


def is_minor_by_year(birth_date: dt.date | None, today: dt.date) -> bool:
    """未成年人 by birth year (under 18 at some day of this calendar year), so that the badge
    tells no more than the birth year shown beside it (ADR 0009)."""
    return birth_date is not None and today.year - birth_date.year < 18


def registered_area_label(code: str) -> str:
    """The registered area beside a masked number: inside or outside Ningxia, never the code
    (with the code, year and last 3 digits a number narrows to ~330 candidates; ADR 0009)."""
    if not code:
        return ""
    return "宁夏区内" if code.startswith("64") else "宁夏区外"


def search_hash(number: str) -> str:
    """Keyed hash (HMAC-SHA256) of a normalised number, for exact search without plaintext."""
    key = settings.SEARCH_HASH_KEY.encode()
    return hmac.new(key, normalise(number).encode(), hashlib.sha256).hexdigest()
