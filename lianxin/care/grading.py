"""Three-colour grading (红黄蓝三色管理) computed from the household investigation.

The rules, in order (the first colour that any rule gives wins; every rule that fires is kept
as a reason, and the number of reasons is the case's complexity score):

Red (紧急, act now):
  R1 a child with no de-facto carer (事实无人抚养);
  R2 a disabled adult with nobody to care for him or her;
  R3 no heating at all in the heating season (1 November – 31 March in Ningxia);
  R4 the household lives in dangerous housing or has no fixed home;
  R5 a severe illness without medical assistance while the household's income per person is
     below the minimum living standard.
Yellow (较急):
  Y1 a severe illness without medical assistance;
  Y2 an elderly person living alone or cared for only by people over 70;
  Y3 a child out of school;
  Y4 income per person below the minimum living standard;
  Y5 heating insufficient in the heating season;
  Y6 a disabled member (with a carer).
Blue (一般): none of the above; the household still needs care (it was recognised) but its
situation is stable.

A worker may override the colour with a reason (services.case_set_grade); the computed grade
and its reasons stay on the case beside the override."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

# Minimum living standard per person per month used by the rules, in fen (银川城市低保标准
# order of magnitude). A deployment sets its own in settings.CARE_LIVING_STANDARD_FEN.
DEFAULT_LIVING_STANDARD_FEN = 81_000


@dataclass(frozen=True)
class GradeResult:
    grade: str
    reasons: list[str] = field(default_factory=list)

    @property
    def complexity(self) -> int:
        return len(self.reasons)


def in_heating_season(day: dt.date) -> bool:
    return day.month >= 11 or day.month <= 3


def _income_below_standard(data: Any, standard_fen: int) -> bool:
    income = getattr(data, "monthly_income_fen", None)
    people = getattr(data, "resident_count", None) or 0
    if income is None or people <= 0:
        return False
    return income < standard_fen * people


def compute_grade(
    data: Any, *, today: dt.date, standard_fen: int = DEFAULT_LIVING_STANDARD_FEN
) -> GradeResult:
    """The colour and the reasons for an investigation (any object with its fields)."""
    day = getattr(data, "visited_on", None) or today
    winter = in_heating_season(day)
    poor = _income_below_standard(data, standard_fen)
    illness_unassisted = bool(data.has_severe_illness and not data.illness_assisted)
    red: list[str] = []
    yellow: list[str] = []
    if data.child_without_carer:
        red.append("R1 儿童事实无人抚养")
    if data.disabled_adult_without_carer:
        red.append("R2 残疾成年人无人照料")
    if winter and data.heating == "none":
        red.append("R3 采暖季无取暖")
    if data.housing in ("dangerous", "none"):
        red.append("R4 居住危房或无固定住所")
    if illness_unassisted and poor:
        red.append("R5 重病未获救助且人均收入低于低保标准")
    if illness_unassisted and not poor:
        yellow.append("Y1 重病未获医疗救助")
    if data.elderly_alone:
        yellow.append("Y2 老人独居或仅由高龄老人照料")
    if data.child_out_of_school:
        yellow.append("Y3 儿童失学辍学")
    if poor and not (illness_unassisted and poor):
        yellow.append("Y4 人均收入低于低保标准")
    if winter and data.heating == "insufficient":
        yellow.append("Y5 采暖季取暖不足")
    if data.has_disabled_member and not data.disabled_adult_without_carer:
        yellow.append("Y6 家中有残疾成员")
    if red:
        return GradeResult("red", red + yellow)
    if yellow:
        return GradeResult("yellow", yellow)
    return GradeResult("blue", [])
