"""Gazetteer: find the most specific Ningxia area named in a hotline request.

Built once from the GB/T 2260 division table (region → city → county → township →
village) plus ``data/places.csv`` (roads, streets, estates, landmarks). Matching is a
leftmost-longest scan over a dict of names with a prefix set to stop early, so one
lookup over an 80-character text costs well under a millisecond.

Ambiguous names (several 新堡村, 城关镇, 古城镇 …) are narrowed by any other place named
in the text (a city, county or town); otherwise the common ancestor is reported and
the result is flagged ``ambiguous``.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROUTING_DIR = Path(__file__).resolve().parent
DATA_DIR = ROUTING_DIR / "data"
DIVISIONS_CSV = ROUTING_DIR.parent.parent / "areas" / "data" / "ningxia_divisions.csv"
PLACES_CSV = DATA_DIR / "places.csv"

REGION_CODE = "64"
#: Division table level → level name used by routing.
LEVEL_NAMES = {
    "province": "region",
    "city": "city",
    "county": "county",
    "township": "township",
    "village": "village",
}
LEVEL_DEPTH = {"region": 0, "city": 1, "county": 2, "township": 3, "village": 4}

#: Short names that are ordinary words or occur in several cities: never used alone.
_GENERIC_WORDS = (
    "南街 中街 北街 城区 火车站 朝阳 长城 青山 人民路 育才路 新民 胜利 "
    "城关 古城 兴隆 李俊 新华 中山 大河 河西 文昌 新集 南关 宁安 大坝 "
    "小坝 东园 西安 永康 城阳 新营 大湾 黄花 兴盛 新庄集 宣和 常乐 柔远 "
    "兴仁 团结 利民 建设 东环 南环 阳光 祥和 光明 前进 富宁 星河 中河 "
    "河川 官厅 联财 山河 好水 石空 恩和 红河 王洼 平峰 九彩 关桥 大战场 "
    "鸣沙 白马 太阳梁 香山 望远 临河 园艺 高庄 渠口 金星 板桥 香水 滨河 "
    "三河 沟口 大新 金贵 什字 马莲 西滩 沙沟 白崖 新堡"
)
_GENERIC_BASES = frozenset(_GENERIC_WORDS.split())
#: Phrases that contain a place name but do not name a place: consumed, yield nothing.
_BLOCKERS = (
    "惠农补贴",
    "惠农政策",
    "惠农资金",
    "惠农卡",
    "惠农一卡通",
    "惠农贷",
    "贺兰山",
    "贺兰山脉",
    "贺兰山东麓",
    "同心协力",
    "同心圆",
    "永宁门",
    "西夏文",
    "西夏王朝",
    "西夏啤酒",
    "宁夏回族",
    "宁夏话",
    "中宁头茬",
    "自治区级",
    "灵武长枣",
    "盐池滩羊",
    "中宁枸杞",
    "固原人",
    "隆德人",
)
#: Short aliases of the region and cities.
_EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "64": ("宁夏回族自治区", "宁夏", "自治区", "全区", "全自治区"),
    "6401": ("银川市", "银川", "首府"),
    "6402": ("石嘴山市", "石嘴山"),
    "6403": ("吴忠市", "吴忠"),
    "6404": ("固原市", "固原"),
    "6405": ("中卫市", "中卫"),
}


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    level: str  # region, city, county, township, village
    parent: str | None

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH[self.level]


@dataclass(frozen=True, slots=True)
class Mention:
    """One name found in the text, with every division it may denote."""

    text: str
    start: int
    codes: tuple[str, ...]
    kind: str  # division level or a places.csv kind (road, estate, landmark …)


@dataclass(frozen=True, slots=True)
class AreaMatch:
    """The area a text names: most specific code, its level, and what matched."""

    code: str
    level: str
    name: str
    matched: tuple[str, ...] = ()
    ambiguous: bool = False
    candidates: tuple[str, ...] = field(default=())
    spans: tuple[str, ...] = field(default=())  # several unrelated places named

    def describe(self) -> str:
        words = "、".join(self.matched)
        text = f"地点「{words}」→ {self.name}"
        if self.ambiguous:
            text += f"，地名有歧义（{len(self.candidates)}处同名），按共同上级处理"
        if self.spans:
            text += f"，涉及{len(self.spans)}个不同地方，按共同上级处理"
        return text


def _village_aliases(name: str) -> list[str]:
    out = [name]
    for suffix, repl in (
        ("社区居民委员会", "社区"),
        ("社区居委会", "社区"),
        ("村民委员会", "村"),
        ("村委会", "村"),
        ("村委员会", "村"),
        ("居民委员会", "社区"),
        ("居委会", "社区"),
    ):
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            if repl == "村" and base.endswith("村"):
                out.append(base)
            else:
                out.append(base + repl)
            if suffix in ("居委会", "居民委员会"):
                out.append(base + "居委会")
            break
    return [a for a in out if len(a) >= 3]


def _township_aliases(name: str) -> list[str]:
    out = [name]
    for suffix in ("街道办事处", "街道", "镇", "乡"):
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            if len(base) >= 2 and base not in _GENERIC_BASES:
                out.append(base)
            if suffix == "街道":
                out.append(base + "街道办")
                out.append(base + "街道办事处")
            else:
                out.append(base + suffix + "政府")
            break
    return out


def _county_aliases(name: str) -> list[str]:
    out = [name]
    if name[-1] in "区县市" and len(name) >= 3:
        base = name[:-1]
        if base not in _GENERIC_BASES:
            out.append(base)
    return out


class Gazetteer:
    """Dictionary matcher over division names, their short forms and well-known places."""

    def __init__(
        self,
        divisions: Iterable[Division],
        places: Iterable[tuple[str, str, str]],
        learned: Iterable[tuple[str, str, str]] = (),
    ):
        self.divisions: dict[str, Division] = {d.code: d for d in divisions}
        self._names: dict[str, dict[str, str]] = {}  # alias → {code: kind}
        for div in self.divisions.values():
            if div.level == "village":
                aliases = _village_aliases(div.name)
            elif div.level == "township":
                aliases = _township_aliases(div.name)
            elif div.level == "county":
                aliases = _county_aliases(div.name)
            else:
                aliases = [div.name]
            aliases += list(_EXTRA_ALIASES.get(div.code, ()))
            for alias in aliases:
                self._add(alias, div.code, div.level)
        for code, name, kind in places:
            if code not in self.divisions:
                raise ValueError(f"places.csv: 未知区划代码 {code}（{name}）")
            # A curated place replaces a same-named division alias (e.g. 北京中路).
            entry = self._names.get(name)
            if entry is not None and all(k in LEVEL_DEPTH for k in entry.values()):
                del self._names[name]
            self._add(name, code, kind)
        # Names learned from dispatched orders: never replace a division's name; a name met
        # in several divisions stays ambiguous (the agent is asked).
        for code, name, kind in learned:
            name = (name or "").strip()
            if code not in self.divisions or len(name) < 3:
                continue
            entry = self._names.get(name)
            if entry is not None and any(k in LEVEL_DEPTH for k in entry.values()):
                continue
            self._add(name, code, kind or "learned")
        for blocker in _BLOCKERS:
            if blocker not in self._names:
                self._names[blocker] = {}
        self._prefixes = {n[:i] for n in self._names for i in range(1, len(n) + 1)}
        self._max_len = max(len(n) for n in self._names)

    def _add(self, alias: str, code: str, kind: str) -> None:
        self._names.setdefault(alias, {})[code] = kind

    # -- lookups -----------------------------------------------------------------
    def level(self, code: str) -> str:
        return self.divisions[code].level

    def name(self, code: str) -> str:
        return self.divisions[code].name

    def ancestors(self, code: str) -> list[str]:
        """The code itself, then its parent, … up to the region."""
        chain = []
        cur: str | None = code
        while cur is not None:
            chain.append(cur)
            cur = self.divisions[cur].parent
        return chain

    def full_name(self, code: str) -> str:
        names = [self.divisions[c].name for c in reversed(self.ancestors(code))]
        return "".join(names[1:]) if len(names) > 1 else names[0]

    def common_ancestor(self, codes: Iterable[str]) -> str:
        chains = [self.ancestors(c) for c in codes]
        common = set(chains[0]).intersection(*map(set, chains[1:]))
        return max(common, key=lambda c: self.divisions[c].depth)

    def _related(self, a: str, b: str) -> bool:
        return a.startswith(b) or b.startswith(a)

    # -- matching ----------------------------------------------------------------
    def mentions(self, text: str) -> list[Mention]:
        """Leftmost-longest, non-overlapping names: "西夏广场" is one place, not 西夏 +
        广场; "贺兰山" (a blocker) hides 贺兰; "长胜街道村民" gives 长胜街道 only."""
        spans: list[tuple[int, int, str]] = []
        n = len(text)
        names, prefixes = self._names, self._prefixes
        for i in range(n):
            best = None
            j = i + 1
            limit = min(n, i + self._max_len)
            while j <= limit:
                piece = text[i:j]
                if piece not in prefixes:
                    break
                if piece in names:
                    best = piece
                j += 1
            if best is not None:
                spans.append((i, i + len(best), best))
        found: list[Mention] = []
        cover_end = -1
        for start, end, name in spans:
            if start < cover_end:
                continue  # overlaps an earlier name
            cover_end = end
            entry = names[name]
            if entry:
                kinds = set(entry.values())
                kind = kinds.pop() if len(kinds) == 1 else "mixed"
                found.append(Mention(name, start, tuple(sorted(entry)), kind))
        return found

    def locate(self, text: str, context: str | None = None) -> AreaMatch | None:
        """The most specific area named in ``text`` (``context`` adds a known location)."""
        mentions = self.mentions(text)
        if context:
            context = context.strip()
            if context in self.divisions:
                ctx = [Mention(context, -1, (context,), self.divisions[context].level)]
            else:
                ctx = [
                    Mention(m.text, m.start - 1000, m.codes, m.kind) for m in self.mentions(context)
                ]
            mentions = ctx + mentions
        if not mentions:
            return None
        # A named division wins over a road, estate or landmark of the same name elsewhere:
        # road names repeat from city to city ("大武口区解放西街与青山路交汇处" is in
        # 大武口区, not on 兴庆区's 解放西街), so places unrelated to every named division
        # are dropped.
        divisions = [m for m in mentions if m.kind in LEVEL_DEPTH and m.codes]
        if divisions:
            div_codes = [c for m in divisions for c in m.codes]
            kept = [
                m
                for m in mentions
                if m.kind in LEVEL_DEPTH
                or any(self._related(c, d) for c in m.codes for d in div_codes)
            ]
            mentions = kept or mentions
        resolved: list[tuple[Mention, tuple[str, ...]]] = []
        for m in mentions:
            codes = m.codes
            if len(codes) > 1:
                others = [c for o in mentions if o is not m for c in o.codes]
                narrowed = tuple(c for c in codes if any(self._related(c, o) for o in others))
                if narrowed:
                    codes = narrowed
            resolved.append((m, codes))

        def score(item: tuple[Mention, tuple[str, ...]]) -> tuple[int, int, int]:
            m, codes = item
            code = codes[0] if len(codes) == 1 else self.common_ancestor(codes)
            support = sum(
                1 for o, oc in resolved if o is not m and any(self._related(code, c) for c in oc)
            )
            unambiguous = 1 if len(codes) == 1 else 0
            return (unambiguous, support, self.divisions[code].depth)

        # Several unrelated places (两个区、跨市): the matter spans them → common ancestor.
        exact = {codes[0] for _, codes in resolved if len(codes) == 1}
        leaves = sorted(c for c in exact if not any(o != c and o.startswith(c) for o in exact))
        if len(leaves) >= 2:
            code = self.common_ancestor(leaves)
            return AreaMatch(
                code=code,
                level=self.divisions[code].level,
                name=self.full_name(code),
                matched=tuple(m.text for m, codes in resolved if len(codes) == 1),
                spans=tuple(leaves),
            )
        best_m, best_codes = max(resolved, key=score)
        ambiguous = len(best_codes) > 1
        code = best_codes[0] if not ambiguous else self.common_ancestor(best_codes)
        # Everything consistent with the chosen area explains it.
        matched = tuple(
            m.text for m, oc in resolved if any(self._related(code, c) for c in oc)
        ) or (best_m.text,)
        return AreaMatch(
            code=code,
            level=self.divisions[code].level,
            name=self.full_name(code),
            matched=matched,
            ambiguous=ambiguous,
            candidates=best_codes if ambiguous else (),
        )


def _read_divisions(path: Path) -> list[Division]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Division(
                code=row["code"],
                name=row["name"],
                level=LEVEL_NAMES[row["level"]],
                parent=row["parent_code"] or None,
            )
            for row in csv.DictReader(fh)
        ]


def _read_places(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["code"], r["name"].strip(), r["kind"]) for r in csv.DictReader(fh)]


_SPACE_RE = re.compile(r"\s+")


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer built from the shipped division table and places.csv (cached)."""
    return Gazetteer(_read_divisions(DIVISIONS_CSV), _read_places(PLACES_CSV))


def extended_gazetteer(learned: Iterable[tuple[str, str, str]]) -> Gazetteer:
    """The default gazetteer plus places learned from orders ((code, name, kind) rows)."""
    base = default_gazetteer()
    return Gazetteer(base.divisions.values(), _read_places(PLACES_CSV), learned=list(learned))


def locate(text: str, context: str | None = None) -> AreaMatch | None:
    """Shortcut: the most specific area named in ``text`` using the default gazetteer."""
    return default_gazetteer().locate(_SPACE_RE.sub("", text), context)
