"""Matching seekers and posts, vectorised with numpy (no Python loop over pairs).

A pair's fit (0–100) is the sum of five parts; a post that does not suit the seeker's disability
type or grade, or lacks the accessible workplace the seeker needs, is not a candidate at all:

- disability type and grade suit the post: 30
- skills: 25 × the share of the post's skills the seeker has (20 when the post asks none)
- hours: 15 × min(1, the seeker's hours ÷ the post's hours)
- pay: 15 × min(1, the post's pay ÷ the expected pay)
- commute: 15 within the seeker's distance, falling to 0 at twice it; without coordinates,
  10 in the same county and 5 elsewhere

The same parts give the reasons shown in Chinese (:func:`explain`), for the rows on screen only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lianxin.registry.models import DisabilityType

from .models import SKILLS

TYPES = list(DisabilityType.values)
TYPE_INDEX = {t: i for i, t in enumerate(TYPES)}
SKILL_INDEX = {s: i for i, s in enumerate(SKILLS)}
WEIGHTS = {"fit": 30.0, "skills": 25.0, "hours": 15.0, "pay": 15.0, "commute": 15.0}
EARTH_KM = 6371.0


def _bits(values: Iterable[str], index: dict[str, int]) -> int:
    mask = 0
    for value in values or ():
        i = index.get(value)
        if i is not None:
            mask |= 1 << i
    return mask


def skill_mask(skills: Iterable[str]) -> int:
    return _bits(skills, SKILL_INDEX)


def type_mask(types: Iterable[str]) -> int:
    return _bits(types, TYPE_INDEX)


def grade_mask(grades: Iterable[int]) -> int:
    mask = 0
    for g in grades or ():
        if 1 <= int(g) <= 4:
            mask |= 1 << (int(g) - 1)
    return mask


def _popcount(a: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(a).astype(np.float32)
    bytes_ = a.astype(np.uint64).view(np.uint8).reshape(*a.shape, 8)
    return np.unpackbits(bytes_, axis=-1).sum(axis=-1).astype(np.float32)


@dataclass
class Seekers:
    ids: np.ndarray  # int64
    type_idx: np.ndarray  # int8, -1 unknown
    grade: np.ndarray  # int8, 0 unknown
    skills: np.ndarray  # uint32 bitmask (30 skills)
    minutes: np.ndarray  # float32
    pay: np.ndarray  # float64 (fen)
    lat: np.ndarray  # float64, nan unknown
    lon: np.ndarray
    km: np.ndarray  # float32
    needs_accessible: np.ndarray  # bool
    county: np.ndarray  # int64 (6-digit county code)

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: Any) -> Seekers:
        return Seekers(**{k: getattr(self, k)[rows] for k in self.__dataclass_fields__})


@dataclass
class Posts:
    ids: np.ndarray
    type_mask: np.ndarray  # uint16 (0: any type)
    grade_mask: np.ndarray  # uint8 (0: any grade)
    skills: np.ndarray  # uint32
    minutes: np.ndarray
    pay: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    accessible: np.ndarray
    county: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: Any) -> Posts:
        return Posts(**{k: getattr(self, k)[rows] for k in self.__dataclass_fields__})


def _county(code: str) -> int:
    return int(code[:6]) if code and code[:6].isdigit() else 0


def _f(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _or0(value: Any) -> Any:
    return value or 0


# (field read, array of the dataclass, its dtype, how a value becomes an element)
Column = tuple[str, str, Any, Callable[[Any], Any]]
SEEKER_COLUMNS: tuple[Column, ...] = (
    ("pk", "ids", np.int64, int),
    ("disability_type", "type_idx", np.int8, lambda t: TYPE_INDEX.get(t or "", -1)),
    ("disability_grade", "grade", np.int8, _or0),
    ("skills", "skills", np.uint32, skill_mask),
    ("max_daily_minutes", "minutes", np.float32, _or0),
    ("expected_pay_fen", "pay", np.float64, _or0),
    ("latitude", "lat", np.float64, _f),
    ("longitude", "lon", np.float64, _f),
    ("max_commute_km", "km", np.float32, _or0),
    ("needs_accessible", "needs_accessible", bool, bool),
    ("area_code", "county", np.int64, _county),
)
POST_COLUMNS: tuple[Column, ...] = (
    ("pk", "ids", np.int64, int),
    ("suitable_types", "type_mask", np.uint16, type_mask),
    ("suitable_grades", "grade_mask", np.uint8, grade_mask),
    ("skills", "skills", np.uint32, skill_mask),
    ("daily_minutes", "minutes", np.float32, _or0),
    ("monthly_pay_fen", "pay", np.float64, _or0),
    ("latitude", "lat", np.float64, _f),
    ("longitude", "lon", np.float64, _f),
    ("accessible", "accessible", bool, bool),
    ("area_code", "county", np.int64, _county),
)
SEEKER_FIELDS = tuple(column[0] for column in SEEKER_COLUMNS)
POST_FIELDS = tuple(column[0] for column in POST_COLUMNS)


def _arrays(rows: list[tuple[Any, ...]], columns: tuple[Column, ...]) -> dict[str, np.ndarray]:
    """One array per column of ``rows`` (tuples in the order of ``columns``)."""
    values = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    return {
        name: np.array([convert(v) for v in column], dtype)
        for (_, name, dtype, convert), column in zip(columns, values, strict=True)
    }


def seekers_from_rows(rows: list[tuple[Any, ...]]) -> Seekers:
    return Seekers(**_arrays(rows, SEEKER_COLUMNS))


def posts_from_rows(rows: list[tuple[Any, ...]]) -> Posts:
    return Posts(**_arrays(rows, POST_COLUMNS))


def load_seekers(qs: Any) -> Seekers:
    return seekers_from_rows(list(qs.values_list(*SEEKER_FIELDS)))


def load_posts(qs: Any) -> Posts:
    return posts_from_rows(list(qs.values_list(*POST_FIELDS)))


def distance_km(s: Seekers, p: Posts) -> np.ndarray:
    """Equirectangular distance (n × m, float32), nan where a position is unknown. Local
    distances within a city: the longitude is scaled by the seeker's latitude."""
    lat_s = np.radians(s.lat).astype(np.float32)
    lon_s = np.radians(s.lon).astype(np.float32)
    lat_p = np.radians(p.lat).astype(np.float32)
    lon_p = np.radians(p.lon).astype(np.float32)
    x = (lon_p[None, :] - lon_s[:, None]) * np.cos(lat_s)[:, None]
    y = lat_p[None, :] - lat_s[:, None]
    return np.float32(EARTH_KM) * np.sqrt(x * x + y * y)


def parts(s: Seekers, p: Posts) -> dict[str, np.ndarray]:
    """The five parts (n × m, float32) and ``eligible`` (bool)."""
    f32 = np.float32
    tshift = np.where(s.type_idx < 0, 0, s.type_idx).astype(np.uint16)[:, None]
    type_ok = (p.type_mask[None, :] == 0) | (
        ((p.type_mask[None, :] >> tshift) & 1).astype(bool) & (s.type_idx[:, None] >= 0)
    )
    gshift = np.where(s.grade <= 0, 0, s.grade - 1).astype(np.uint8)[:, None]
    grade_ok = (p.grade_mask[None, :] == 0) | (
        ((p.grade_mask[None, :] >> gshift) & 1).astype(bool) & (s.grade[:, None] > 0)
    )
    access_ok = ~s.needs_accessible[:, None] | p.accessible[None, :]
    eligible = type_ok & grade_ok & access_ok

    required = _popcount(p.skills)
    per_skill = np.where(required > 0, WEIGHTS["skills"] / np.maximum(required, 1), 0).astype(f32)
    none_asked = np.where(required > 0, 0.0, 20.0).astype(f32)
    skills = _popcount(s.skills[:, None] & p.skills[None, :]) * per_skill[None, :] + none_asked

    inv_minutes = (1.0 / np.maximum(p.minutes, 1)).astype(f32)
    hours = f32(WEIGHTS["hours"]) * np.minimum(f32(1), s.minutes.astype(f32)[:, None] * inv_minutes)

    expected = s.pay.astype(f32)
    inv_expected = np.where(expected > 0, 1.0 / np.maximum(expected, 1), 0).astype(f32)
    pay = f32(WEIGHTS["pay"]) * np.minimum(
        f32(1), p.pay.astype(f32)[None, :] * inv_expected[:, None]
    )
    pay = np.where((expected > 0)[:, None], pay, f32(15))

    dist = distance_km(s, p)
    inv_km = (1.0 / np.maximum(s.km, 1)).astype(f32)
    commute = f32(WEIGHTS["commute"]) * np.clip(f32(2) - dist * inv_km[:, None], f32(0), f32(1))
    known = ~np.isnan(s.lat)[:, None] & ~np.isnan(p.lat)[None, :]
    if not known.all():
        same_county = s.county[:, None] == p.county[None, :]
        commute = np.where(known, commute, np.where(same_county, f32(10), f32(5)))
    fit = np.where(eligible, f32(WEIGHTS["fit"]), f32(0))
    return {
        "eligible": eligible,
        "fit": fit,
        "skills": skills,
        "hours": hours,
        "pay": pay,
        "commute": commute,
        "distance": dist,
    }


def scores(s: Seekers, p: Posts) -> np.ndarray:
    """Fit 0–100 (n × m, float32); −1 where the post is not a candidate."""
    d = parts(s, p)
    total = d["skills"] + d["hours"] + d["pay"] + d["commute"] + np.float32(WEIGHTS["fit"])
    return np.where(d["eligible"], total, np.float32(-1))


def rank(s: Seekers, p: Posts, *, k: int = 10, chunk: int = 250) -> tuple[np.ndarray, np.ndarray]:
    """For every row of ``s``: the ids of the ``k`` best columns of ``p`` and their scores
    (ids −1 where fewer candidates). Chunked so that memory stays ~chunk × len(p) floats."""
    n, m = len(s), len(p)
    k = max(0, min(k, m))
    out_ids = np.full((n, k), -1, np.int64)
    out_scores = np.full((n, k), -1.0, np.float32)
    if n == 0 or m == 0 or k == 0:
        return out_ids, out_scores
    for start in range(0, n, chunk):
        block = scores(s.take(slice(start, start + chunk)), p)
        if k < m:
            top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        else:
            top = np.tile(np.arange(m), (block.shape[0], 1))
        top_scores = np.take_along_axis(block, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        top_scores = np.take_along_axis(top_scores, order, axis=1)
        ids = np.where(top_scores >= 0, p.ids[top], -1)
        out_ids[start : start + len(block)] = ids
        out_scores[start : start + len(block)] = top_scores
    return out_ids, out_scores


def _yuan(fen: float) -> str:
    return f"{fen / 100:,.0f}"


def _hours(minutes: float) -> str:
    return f"{minutes / 60:g}"


def explain(s: Seekers, p: Posts, *, seeker_skills: list[str], post_skills: list[list[str]],
            type_label: str, grade_label: str) -> list[list[str]]:  # fmt: skip
    """The reasons, in Chinese, for one seeker (``s`` of length 1) against each post of ``p``."""
    d = parts(s, p)
    reasons: list[list[str]] = []
    have = set(seeker_skills)
    for j in range(len(p)):
        r: list[str] = []
        if not d["eligible"][0, j]:
            if s.needs_accessible[0] and not p.accessible[j]:
                r.append("不具备所需的无障碍环境")
            else:
                r.append(f"岗位不适合{type_label}{grade_label}")
        elif p.type_mask[j] == 0 and p.grade_mask[j] == 0:
            r.append("岗位不限残疾类别和等级")
        else:
            r.append(f"适合{type_label}{grade_label}")
        if p.accessible[j]:
            r.append("无障碍工作环境")
        wanted = post_skills[j]
        if wanted:
            got = [x for x in wanted if x in have]
            miss = [x for x in wanted if x not in have]
            if got:
                r.append("技能相符：" + "、".join(got))
            if miss:
                r.append("欠缺技能：" + "、".join(miss))
        else:
            r.append("岗位无特定技能要求")
        pm, sm = float(p.minutes[j]), float(s.minutes[0])
        if pm <= sm:
            r.append(f"每日{_hours(pm)}小时，在可工作的{_hours(sm)}小时以内")
        else:
            r.append(f"每日{_hours(pm)}小时，超过可工作的{_hours(sm)}小时")
        exp, pay = float(s.pay[0]), float(p.pay[j])
        if exp <= 0:
            r.append(f"月薪{_yuan(pay)}元")
        elif pay >= exp:
            r.append(f"月薪{_yuan(pay)}元，达到期望的{_yuan(exp)}元")
        else:
            r.append(f"月薪{_yuan(pay)}元，低于期望的{_yuan(exp)}元")
        dist = float(d["distance"][0, j])
        km = float(s.km[0])
        if np.isnan(dist):
            r.append("同一县区" if s.county[0] == p.county[j] else "不在同一县区（位置未标注）")
        elif dist <= km:
            r.append(f"距离约{dist:.1f}公里，在可接受的{km:g}公里以内")
        else:
            r.append(f"距离约{dist:.1f}公里，超过可接受的{km:g}公里")
        reasons.append(r)
    return reasons
