"""What staff type on a Chinese keyboard, read the same as ASCII (issue #12).

A Chinese input method gives full-width digits (１２３), a full-width point and minus (．－),
full-width separators (，；、) and the ideographic space (U+3000). Numbers and lists of values
are read through the helpers here, in forms (`IntegerField`, `DecimalField`, `MultiValueField`),
views and services; free text (a reason, a story) is never normalised, so its "，" stays.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

# Separators between the values of a multi-value input: ASCII and full-width comma and
# semicolon, the enumeration comma 、, any whitespace (the ideographic space included), newlines.
SEPARATORS = re.compile(r"[,，;；、\s\u3000]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def halfwidth(value: Any) -> str:
    """``value`` as text with full-width letters, digits and signs turned into ASCII (NFKC),
    the ideographic space into a space, trimmed. For numbers, codes and keys, not prose."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def number_text(value: Any) -> str:
    """A typed number as ``int()`` / ``Decimal()`` read it: half-width, inner spaces and the
    thousands separators of "1,234.50" / "１，２３４．５０" dropped, "。" as a decimal point."""
    text = halfwidth(value).replace("。", ".").replace(" ", "")
    return _THOUSANDS.sub("", text)


def parse_int(value: Any) -> int | None:
    """The integer typed, or None when it is empty or not an integer."""
    text = number_text(value)
    if not re.fullmatch(r"[+-]?\d+", text):
        return None
    return int(text)


def parse_decimal(value: Any) -> Decimal | None:
    """The decimal number typed, or None when it is empty or not a finite number."""
    text = number_text(value)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None


def yuan_to_fen(value: Any) -> int | None:
    """An amount in yuan ("80", "８０．５", "1,200.00") as integer fen, rounded half up;
    None when empty or not an amount."""
    amount = parse_decimal(value)
    if amount is None:
        return None
    return int((amount * 100).quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


def split_values(value: Any) -> list[str]:
    """The values of a multi-value input, in order, without blanks and repeats: "药店，粮油店；
    卫生室" and "药店, 粮油店 卫生室" give the same three. A list is split item by item."""
    items: Iterable[Any] = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        for part in SEPARATORS.split(str(item or "")):
            part = unicodedata.normalize("NFKC", part).strip()
            if part and part not in out:
                out.append(part)
    return out


class IntegerField(forms.IntegerField):
    """``forms.IntegerField`` that reads full-width digits, sign and thousands separators. A text
    input with a numeric keypad: a browser's ``type=number`` drops full-width digits silently."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value: Any) -> int | None:
        return super().to_python(number_text(value) if isinstance(value, str) else value)


class DecimalField(forms.DecimalField):
    """``forms.DecimalField`` that reads full-width digits, point, sign and separators (a text
    input with a decimal keypad, as ``IntegerField``)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    # django-stubs declare DecimalField a subclass of IntegerField without its own to_python, so
    # they expect int; Django's DecimalField.to_python returns a Decimal.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        return super().to_python(number_text(value) if isinstance(value, str) else value)


class MultiValueField(forms.CharField):
    """A text input holding several values, separated by any of SEPARATORS; cleans to a list."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return split_values(value)

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value: Any) -> None:
        for item in value:
            super().run_validators(item)
