"""Dates as people type them: 1980-01-02, 1980/1/2, 1980.1.2, 19800102, 1980年1月2日, Excel dates."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class DateError(ValueError):
    pass


def parse_date(value: object) -> dt.date | None:
    """A date from a cell or a form; None for empty. Raises DateError with a Chinese message."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 80000:  # an Excel serial date
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if " " in text and ":" in text:  # "1980-01-02 00:00:00"
        text = text.split(" ", 1)[0]
    match = _SEPARATED.match(text) or _COMPACT.match(text)
    if not match:
        raise DateError(f"无法识别的日期“{text}”，请写成 1980-01-02")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateError(f"日期“{text}”不存在") from exc
