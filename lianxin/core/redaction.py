"""Redaction of phone and ID numbers in text published to the public (SECURITY.md PUB-01).

A number is any run of at least seven digit-like characters — ASCII or full-width digits,
Chinese numerals (〇零一二三四五六七八九, 壹贰叁肆伍陆柒捌玖, 幺, 两) — that may be broken by up
to three separators between digits (spaces, dashes, dots, slashes, brackets, full-width forms),
with an optional final X of an ID number. ``139-0951-2345``, ``640104 19350304 9024``,
``１３９０９５１２３４５`` and ``一三九零九五一二三四五`` all become ``***``. A plain calendar date
(``2026-11-22``) is left as it is.
"""

from __future__ import annotations

import re

_DIGIT = "0-9０-９〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖幺两"
_SEP = r"\s\-－—–‐_.．·•/／()（）\u3000"
NUMBER_RUN = re.compile(
    rf"[{_DIGIT}](?:[{_SEP}]{{0,3}}[{_DIGIT}]){{6,}}(?:[{_SEP}]{{0,3}}[xXｘＸ×])?"
)
_DATE = re.compile(r"^(19|20)\d\d[-./](0?[1-9]|1[0-2])[-./](0?[1-9]|[12]\d|3[01])$")
MARK = "***"


def _replace(match: re.Match[str]) -> str:
    text = match.group(0)
    if _DATE.match(text):
        return text
    return MARK


def redact(text: str | None) -> str:
    """``text`` with every phone- or ID-number-like run replaced by ``***``."""
    if not text:
        return ""
    return NUMBER_RUN.sub(_replace, str(text))


def digits_of(text: str) -> str:
    """The digits a human would read in ``text`` (for tests and checks): full-width and Chinese
    numerals become ASCII digits, everything else goes."""
    table = str.maketrans(
        "０１２３４５６７８９〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖幺两",
        "012345678900123456789123456789" + "12",
    )
    return "".join(ch for ch in text.translate(table) if ch.isdigit())


def _mask_personal(match: re.Match[str]) -> str:
    from . import idnumber, phone

    text = match.group(0)
    digits = digits_of(text)
    has_x = text.rstrip()[-1:] in ("x", "X", "ｘ", "Ｘ", "×")
    if len(digits) == 17 and has_x or len(digits) == 18:
        return idnumber.mask(digits + ("X" if has_x else ""), idnumber.MaskTier.CASE_WORKER)
    if len(digits) == 15 and text.isdigit():
        return idnumber.mask(digits, idnumber.MaskTier.CASE_WORKER)
    if len(digits) == 11 and digits.startswith("1"):
        return phone.mask(digits)
    return text


def mask_personal_numbers(text: str | None) -> str:
    """``text`` with every ID number (18 characters, or 15 digits written together) and mobile
    number (11 digits from 1) masked as staff screens mask them (ADR 0009: last three of an ID
    number; 139****2345); spaced, dashed and full-width forms too. Other numbers (household
    numbers, codes, amounts, dates) stay as they are. For files given back to staff, such as
    the error report of an import."""
    if not text:
        return "" if text is None else str(text)
    return NUMBER_RUN.sub(_mask_personal, str(text))
