"""Full-width input read as ASCII (core.inputs): numbers and multi-value inputs, property-based
where the input space is large."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from lianxin.core import inputs

FULL = str.maketrans("0123456789.-,", "０１２３４５６７８９．－，")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("１２", 12), ("－３", -3), ("１，２００", 1200), (" ４２ ", 42), ("", None), ("12a", None)],
)
def test_parse_int(typed, expected):
    assert inputs.parse_int(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("２５．８０", 2580),
        ("25。8", 2580),
        ("1,200.5", 120050),
        ("８０", 8000),
        ("0.005", 1),
        ("", None),
        ("二十", None),
        ("1,5", None),
    ],
)
def test_yuan_to_fen(typed, expected):
    assert inputs.yuan_to_fen(typed) == expected


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_full_width_integers_read_as_typed_in_ascii(n):
    assert inputs.parse_int(str(n).translate(FULL)) == n
    assert inputs.parse_int(f"{n:,}".translate(FULL)) == n


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_full_width_decimals_read_as_typed_in_ascii(d):
    assert inputs.parse_decimal(str(d).translate(FULL)) == d


@pytest.mark.parametrize(
    "typed",
    [
        "药店,粮油店,卫生室",
        "药店，粮油店，卫生室",
        "药店；粮油店;卫生室",
        "药店、粮油店\u3000卫生室",
        " 药店 , 粮油店\n卫生室，，药店 ",
        ["药店，粮油店", "卫生室"],
    ],
)
def test_split_values_same_three_whatever_the_separator(typed):
    assert inputs.split_values(typed) == ["药店", "粮油店", "卫生室"]


@given(st.lists(st.text(alphabet="甲乙丙丁abc12", min_size=1, max_size=5), max_size=6))
def test_split_values_round_trips_any_separator(values):
    unique = list(dict.fromkeys(values))
    for sep in (",", "，", "；", "、", "\u3000", " "):
        assert inputs.split_values(sep.join(values)) == unique


class _Form(forms.Form):
    count = inputs.IntegerField(min_value=1)
    amount = inputs.DecimalField(max_digits=8, decimal_places=2)
    kinds = inputs.MultiValueField(max_length=4)


def test_form_fields_read_full_width():
    form = _Form({"count": "１２", "amount": "２５．８０", "kinds": "药店，粮油店"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "count": 12,
        "amount": Decimal("25.80"),
        "kinds": ["药店", "粮油店"],
    }


def test_form_fields_refuse_what_is_not_a_number_in_chinese():
    form = _Form({"count": "十二", "amount": "两元", "kinds": "药店，很长很长的名字"})
    assert not form.is_valid()
    assert set(form.errors) == {"count", "amount", "kinds"}
    assert form.errors["count"] == ["输入整数。"]
    assert "count" not in form.cleaned_data


def test_number_fields_render_as_text_with_a_keypad():
    html = str(_Form()["count"])
    assert 'inputmode="numeric"' in html
    assert 'type="text"' in html
