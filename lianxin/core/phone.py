"""Telephone numbers: mainland mobile numbers and landlines, normalised and masked."""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_STRIP = re.compile(r"[\s\-()（）\u3000]+")


class PhoneError(ValueError):
    pass


def normalise(value: object) -> str:
    """Digits only; drops +86/0086 and separators. Raises PhoneError with a Chinese message."""
    if value is None:
        return ""
    text = _STRIP.sub("", unicodedata.normalize("NFKC", str(value)))
    if not text:
        return ""
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if _MOBILE.match(text) or _LANDLINE.match(text):
        return text
    raise PhoneError("电话号码格式不正确，应为11位手机号或带区号的固定电话")


def mask(number: str) -> str:
    if not number:
        return ""
    if len(number) == 11 and number.startswith("1"):
        return number[:3] + "****" + number[-4:]
    return number[:4] + "*" * (len(number) - 6) + number[-2:]
