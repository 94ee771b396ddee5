"""The duty list (职责清单): which department type owns a matter, at which level, and the
exceptions by place or institution (universities, schools, state-owned enterprises, residential
compounds, villages, regional hospitals).

Pure Python. The hotline keeps the list in the database (``DutyEntry``, edited by its
administrators); this module compiles entries into :class:`DutyList`, which the router asks
first. ``default_duties()`` reads the shipped seed file ``data/duties.toml``.

An entry fires when one of its keywords occurs (``甲+乙``: both), one word of its institution
type occurs (if it names one), one of its context words occurs (if any), and none of its
``unless`` words. Of several entries that fire, the highest ``priority`` decides (exceptions
carry higher priorities than general matters), then the number of keywords hit, then their
length.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEED_TOML = Path(__file__).resolve().parent / "data" / "duties.toml"

#: Levels an entry may name.
LEVELS = ("county", "township", "city", "region", "place")
LEVEL_LABELS = {
    "county": "县级（县、市、区）",
    "township": "乡镇（街道）",
    "city": "市级",
    "region": "自治区级",
    "place": "按诉求地点就近",
}

#: Institution / place types of exceptions, with the words that show them in a request.
INSTITUTION_WORDS: dict[str, tuple[str, ...]] = {
    "university": ("大学", "学院", "高校", "大专", "职业技术学院", "校区"),
    "school": ("小学", "中学", "初中", "高中", "幼儿园", "学校", "教室", "校园"),
    "soe": ("区属国企", "区属国有", "国有企业", "国企", "区属企业", "国有控股"),
    "compound": ("小区", "家属院", "楼道", "单元", "花园", "公寓", "院里", "物业"),
    "village": ("村", "农村", "巷道", "庄子", "组里", "我们组", "组的"),
    "regional_hospital": (
        "自治区人民医院",
        "宁夏人民医院",
        "总医院",
        "自治区中医医院",
        "宁夏第五人民医院",
        "区医院",
    ),
}
INSTITUTION_LABELS = {
    "": "不限",
    "university": "高校",
    "school": "中小学、幼儿园",
    "soe": "区属国有企业",
    "compound": "住宅小区",
    "village": "农村",
    "regional_hospital": "区属医院",
}


def _words(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split()
    return tuple(w.strip() for w in value if w and w.strip())


@dataclass(frozen=True, slots=True)
class DutyRule:
    """One compiled entry of the duty list."""

    code: str
    matter: str
    dept_type: str
    level: str = "county"
    institution: str = ""
    keywords: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    priority: int = 50
    basis: str = ""
    examples: tuple[str, ...] = ()
    number: int = 0  # the entry's number in the list (shown to agents)

    def match(self, text: str) -> list[str] | None:
        """The words that made the entry fire, or None."""
        hits: list[str] = []
        for keyword in self.keywords:
            parts = keyword.split("+")
            if all(p in text for p in parts):
                hits.append(keyword.replace("+", "…"))
        if not hits:
            return None
        if self.institution:
            words = INSTITUTION_WORDS.get(self.institution, ())
            found = next((w for w in words if w in text), None)
            if found is None:
                return None
            hits.append(found)
        if self.context:
            found = next((w for w in self.context if w in text), None)
            if found is None:
                return None
            hits.append(found)
        if any(u in text for u in self.unless):
            return None
        return hits

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "number": self.number,
            "matter": self.matter,
            "dept_type": self.dept_type,
            "level": self.level,
        }


@dataclass(frozen=True, slots=True)
class DutyMatch:
    rule: DutyRule
    hits: tuple[str, ...]

    def describe(self, version: int | None = None) -> str:
        words = "」「".join(dict.fromkeys(self.hits))
        which = f"第{self.rule.number}条" if self.rule.number else ""
        ver = f"（第{version}版）" if version else ""
        text = f"职责清单{which}「{self.rule.matter}」{ver}决定：命中「{words}」"
        if self.rule.basis:
            text += f"，依据：{self.rule.basis}"
        return text


@dataclass(slots=True)
class DutyList:
    rules: list[DutyRule]
    version: int = 0
    _by_code: dict[str, DutyRule] = field(default_factory=dict)

    _index: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_code = {r.code: r for r in self.rules}
        # first part of every keyword → the rules that have it: only those are checked
        index: dict[str, set[int]] = {}
        for i, rule in enumerate(self.rules):
            for keyword in rule.keywords:
                index.setdefault(keyword.split("+", 1)[0], set()).add(i)
        self._index = [(part, tuple(sorted(ids))) for part, ids in index.items()]

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, code: str) -> DutyRule | None:
        return self._by_code.get(code)

    def matches(self, text: str) -> list[DutyMatch]:
        """Every entry that fires, the deciding one first."""
        found = []
        candidates = sorted({i for part, ids in self._index if part in text for i in ids})
        for i in candidates:
            rule = self.rules[i]
            hits = rule.match(text)
            if hits is not None:
                found.append(DutyMatch(rule, tuple(hits)))
        found.sort(
            key=lambda m: (
                -m.rule.priority,
                -len(m.hits),
                -sum(len(h) for h in m.hits),
                m.rule.number,
            )
        )
        return found

    def decide(self, text: str) -> DutyMatch | None:
        found = self.matches(text)
        return found[0] if found else None

    def training_samples(self) -> list[tuple[str, str]]:
        """(text, dept_type) of every entry's examples and its matter name."""
        out = []
        for rule in self.rules:
            for example in rule.examples:
                out.append((example, rule.dept_type))
            out.append((rule.matter, rule.dept_type))
        return out


def rule_from_mapping(data: Mapping[str, Any], number: int = 0) -> DutyRule:
    """A rule from a seed-file table or a database row's values."""
    level = str(data.get("level") or "county")
    if level not in LEVELS:
        raise ValueError(f"职责清单条目 {data.get('code')} 的办理层级不正确：{level}")
    institution = str(data.get("institution") or "")
    if institution and institution not in INSTITUTION_WORDS:
        raise ValueError(f"职责清单条目 {data.get('code')} 的例外类型不正确：{institution}")
    examples = data.get("examples") or ()
    if isinstance(examples, str):
        examples = [line.strip() for line in examples.splitlines() if line.strip()]
    keywords = _words(data.get("keywords") or "")
    if not keywords:
        raise ValueError(f"职责清单条目 {data.get('code')} 没有关键词")
    return DutyRule(
        code=str(data["code"]),
        matter=str(data["matter"]),
        dept_type=str(data["dept_type"]),
        level=level,
        institution=institution,
        keywords=keywords,
        context=_words(data.get("context") or ""),
        unless=_words(data.get("unless") or ""),
        priority=int(data.get("priority") or 50),
        basis=str(data.get("basis") or ""),
        examples=tuple(examples),
        number=int(data.get("number") or number),
    )


def read_seed(path: Path = SEED_TOML) -> list[dict[str, Any]]:
    """The seed file's entries as dicts (in file order)."""
    with path.open("rb") as fh:
        return list(tomllib.load(fh)["duty"])


@functools.cache
def default_duties() -> DutyList:
    """The duty list of the shipped seed file (version 0)."""
    return DutyList([rule_from_mapping(d, i) for i, d in enumerate(read_seed(), start=1)])
