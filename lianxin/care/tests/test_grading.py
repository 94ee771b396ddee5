"""The three-colour rules of lianxin.care.grading, one rule per case."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from lianxin.care.grading import compute_grade, in_heating_season

WINTER = dt.date(2026, 12, 10)
SUMMER = dt.date(2026, 7, 10)


def inv(**overrides):
    base = {
        "visited_on": WINTER,
        "resident_count": 2,
        "monthly_income_fen": 400_000,
        "has_severe_illness": False,
        "illness_assisted": False,
        "has_disabled_member": False,
        "child_out_of_school": False,
        "child_without_carer": False,
        "disabled_adult_without_carer": False,
        "elderly_alone": False,
        "heating": "adequate",
        "housing": "own_safe",
    }
    base.update(overrides)
    return SimpleNamespace(**base)


@pytest.mark.parametrize(
    ("overrides", "grade", "reasons"),
    [
        ({}, "blue", []),
        ({"child_without_carer": True}, "red", ["R1 儿童事实无人抚养"]),
        (
            {"disabled_adult_without_carer": True, "has_disabled_member": True},
            "red",
            ["R2 残疾成年人无人照料"],
        ),
        ({"heating": "none"}, "red", ["R3 采暖季无取暖"]),
        ({"heating": "none", "visited_on": SUMMER}, "blue", []),
        ({"housing": "dangerous"}, "red", ["R4 居住危房或无固定住所"]),
        (
            {"has_severe_illness": True, "monthly_income_fen": 100_000},
            "red",
            ["R5 重病未获救助且人均收入低于低保标准"],
        ),
        ({"has_severe_illness": True}, "yellow", ["Y1 重病未获医疗救助"]),
        ({"has_severe_illness": True, "illness_assisted": True}, "blue", []),
        ({"elderly_alone": True}, "yellow", ["Y2 老人独居或仅由高龄老人照料"]),
        ({"child_out_of_school": True}, "yellow", ["Y3 儿童失学辍学"]),
        ({"monthly_income_fen": 100_000}, "yellow", ["Y4 人均收入低于低保标准"]),
        ({"heating": "insufficient"}, "yellow", ["Y5 采暖季取暖不足"]),
        ({"has_disabled_member": True}, "yellow", ["Y6 家中有残疾成员"]),
        (
            {"child_without_carer": True, "elderly_alone": True},
            "red",
            ["R1 儿童事实无人抚养", "Y2 老人独居或仅由高龄老人照料"],
        ),
    ],
)
def test_rules(overrides, grade, reasons):
    result = compute_grade(inv(**overrides), today=WINTER)
    assert (result.grade, result.reasons, result.complexity) == (grade, reasons, len(reasons))


def test_heating_season_is_november_to_march():
    assert [in_heating_season(dt.date(2026, m, 1)) for m in range(1, 13)] == [
        True, True, True, False, False, False, False, False, False, False, True, True,
    ]  # fmt: skip


def test_income_without_resident_count_is_not_judged():
    assert (
        compute_grade(inv(resident_count=None, monthly_income_fen=0), today=WINTER).grade == "blue"
    )
