"""The streaming .xlsx writer (core.xlsxstream): what openpyxl reads back from it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lianxin.core import xlsxstream


def _book(rows, headers=("姓名", "身份证号", "金额")):
    out = io.BytesIO()
    count = xlsxstream.write(out, title="测试台账[1]", headers=list(headers), rows=iter(rows))
    out.seek(0)
    return count, load_workbook(out)


def test_title_headers_styles_and_values_read_back():
    count, book = _book(
        [
            ["=HYPERLINK(1)", "+1", Decimal("84.50")],
            ["a<b>&c\x01\x0bd", None, 3],
            ["-2", "@x", dt.date(2026, 1, 2)],
            [True, "", 1.5],
        ]
    )
    ws = book.active
    assert count == 4
    assert ws.title == "测试台账1"
    assert ws.freeze_panes == "A3"
    assert ws["A1"].value == "测试台账[1]"
    assert ws["A1"].font.b
    assert [c.value for c in ws[2]] == ["姓名", "身份证号", "金额"]
    assert ws["A2"].fill.fgColor.rgb == "FFB7282E"
    assert ws["A2"].font.color.rgb == "FFFFFFFF"
    assert ws.column_dimensions["B"].width == 18
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows == [
        ("=HYPERLINK(1)", "+1", 84.5),
        ("a<b>&cd", None, 3),
        ("-2", "@x", "2026-01-02"),
        (True, None, 1.5),
    ]
    # EXP-01: text is text, never a formula
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws["A3"].data_type == "s"


def test_long_text_is_cut_and_wide_rows_get_columns():
    count, book = _book([["x" * 40_000, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                          17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]])  # fmt: skip
    ws = book.active
    assert len(ws["A3"].value) == xlsxstream.MAX_CELL_TEXT
    assert ws["AB3"].value == 27
    assert [xlsxstream.column_letter(i) for i in (0, 25, 26, 701, 702)] == [
        "A", "Z", "AA", "ZZ", "AAA",
    ]  # fmt: skip


def test_too_many_rows_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(xlsxstream, "MAX_ROWS", 5)
    with pytest.raises(ValueError, match="行数上限"):
        xlsxstream.write(io.BytesIO(), title="t", headers=["a"], rows=iter([[1]] * 10))


def test_spooled_is_rewound_and_counts():
    handle, count = xlsxstream.spooled(title="t", headers=["a"], rows=iter([[1], [2]]))
    assert count == 2
    assert handle.read(2) == b"PK"
