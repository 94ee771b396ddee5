"""Route a hotline request: department type + area → proposed handling unit.

``route(text, location=None, resolver=None)`` combines the classifier (type) and the
gazetteer (area). Matters that span cities or concern regional bodies (telecom
operators, 自治区教育厅 and regional universities, regional state-owned enterprises) go
to the region (area "64"). The unit itself comes from a :class:`UnitResolver`, which the
platform implements against its directory; ``InMemoryUnitResolver`` serves tests and
demos. ``RouteProposal.as_dict()`` is exactly the routing answer of
shared/contracts/hotline.md.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lianxin.hotline.routing.classifier import DEPT_NAMES, Model, default_model
from lianxin.hotline.routing.duties import (
    INSTITUTION_WORDS,
    LEVEL_LABELS,
    DutyList,
    DutyMatch,
    default_duties,
)
from lianxin.hotline.routing.gazetteer import REGION_CODE, AreaMatch, Gazetteer, default_gazetteer

LOW_CONFIDENCE = 0.5
CONTRACT_KEYS = ("dept_type", "unit", "confidence", "alternatives", "explanation")
#: Keys added to the contract's answer: the duty-list entry that decided (or null) and the
#: place the text names (code, level, name, ambiguous, candidates).
EXTRA_KEYS = ("duty_entry", "place")
#: The level at which a type is handled when no duty-list entry decides (county otherwise).
DEFAULT_LEVEL = {
    "township_government": "township",
    "telecom": "region",
    "state_assets": "region",
    "utility_water": "city",
    "utility_power": "city",
    "utility_gas": "city",
    "utility_heating": "city",
}
#: Code length of each level (GB/T 2260).
LEVEL_LENGTH = {"region": 2, "city": 4, "county": 6, "township": 9, "village": 12}
_PUNCT_RE = re.compile(r"[\s，。！？、；：,.!?;:“”\"'（）()…—-]+")


def memory_key(text: str) -> str:
    """The key under which a corrected request is remembered (spaces and punctuation removed)."""
    return _PUNCT_RE.sub("", text or "")[:200]


def target_area(level: str, area_code: str | None) -> tuple[str | None, str]:
    """The area at which a unit is sought for a level rule, and the resolver's level hint."""
    if level == "region":
        return REGION_CODE, "region"
    if area_code is None:
        return None, "region"
    if level in ("city", "county", "township"):
        code = area_code[: LEVEL_LENGTH[level]]
    else:
        code = area_code[:9]  # "place": the township at most (no village units)
    hint = {2: "region", 4: "city", 6: "county", 9: "township"}.get(len(code), "township")
    return code, hint


LEVEL_NAMES_ZH = {
    "region": "自治区",
    "city": "地级市",
    "county": "县（市、区）",
    "township": "乡镇（街道）",
    "village": "村（社区）",
}

#: Types whose only handling unit is regional (通信管理局 regulates all operators).
ALWAYS_REGIONAL = frozenset({"telecom"})
#: Wording that puts a matter with regional bodies, whatever place the text names.
_REGIONAL_RE = re.compile(
    r"自治区(?!人民医院|中医医院)|区属|区直|全区|跨市|教育厅|高考|专升本"
    r"|国资委|通信管理局|通管局|区属高校"
)
#: A city's or county's own state-owned enterprises stay local.
_LOCAL_STATE_ASSETS_RE = re.compile(r"[市县]属国企|[市县]国资委|[市县]属国有")
_SPACE_RE = re.compile(r"\s+")


class UnitResolver(Protocol):
    """Finds the handling unit of a type for an area (the platform's directory)."""

    def resolve(
        self, dept_type: str, area_code: str | None, level_hint: str
    ) -> dict[str, Any] | None:
        """Return {name, code, area_code, level} of the unit at the nearest level, or None.

        ``area_code`` is the most specific area found (None if the text names none);
        ``level_hint`` is that area's level (region, city, county, township), "region"
        for matters of regional bodies. Implementations walk up from the area.
        """
        ...


@dataclass(slots=True)
class RouteProposal:
    dept_type: str
    area_code: str | None
    area_level: str | None
    unit: dict[str, Any] | None
    confidence: float
    alternatives: list[dict[str, Any]]
    explanation: str
    is_low_confidence: bool
    area_ambiguous: bool = False
    matched_places: tuple[str, ...] = field(default=())
    duty: dict[str, Any] | None = None
    level_rule: str = "county"
    place: dict[str, Any] | None = None
    needs_place: bool = False
    remembered: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The contract's routing answer, plus the deciding duty-list entry and the place."""
        return {
            "dept_type": self.dept_type,
            "unit": self.unit,
            "confidence": self.confidence,
            "alternatives": self.alternatives,
            "explanation": self.explanation,
            "duty_entry": self.duty,
            "place": self.place,
        }


def _is_regional(dept_type: str, text: str) -> str | None:
    """The reason a matter goes to the region, or None."""
    if dept_type in ALWAYS_REGIONAL:
        return f"{DEPT_NAMES[dept_type]}事项由自治区通信管理局统一监管"
    if dept_type == "state_assets":
        if _LOCAL_STATE_ASSETS_RE.search(text):
            return None
        return "涉及区属国有企业，由自治区国资委办理"
    if dept_type == "education":
        word = next((w for w in INSTITUTION_WORDS["university"] if w in text), None)
        if word:
            return f"高校（「{word}」）由自治区教育厅主管"
    found = _REGIONAL_RE.search(text)
    if found:
        return f"涉及自治区级单位或跨市事项（「{found.group(0)}」）"
    return None


class Router:
    """Memory of corrections → duty list → classifier, with the gazetteer for the place.

    Build once and call :meth:`route` many times. ``memory`` maps :func:`memory_key` of a
    request to the agents' final choice ({"dept_type", "unit"}), learned by retraining.
    """

    def __init__(
        self,
        model: Model | None = None,
        gazetteer: Gazetteer | None = None,
        threshold: float = LOW_CONFIDENCE,
        duties: DutyList | None = None,
        memory: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.model = model
        self.gazetteer = gazetteer or default_gazetteer()
        self.threshold = threshold
        self.duties = duties if duties is not None else default_duties()
        if memory is None:
            memory = getattr(model, "memory", None) or {}
        self.memory = memory

    def _place(self, area: AreaMatch | None) -> dict[str, Any] | None:
        if area is None:
            return None
        return {
            "code": area.code,
            "level": area.level,
            "name": area.name,
            "matched": list(area.matched),
            "ambiguous": bool(area.ambiguous),
            "candidates": [
                {"code": c, "name": self.gazetteer.full_name(c)} for c in area.candidates
            ],
        }

    def route(
        self,
        text: str,
        location: str | None = None,
        resolver: UnitResolver | None = None,
        *,
        area_code: str | None = None,
    ) -> RouteProposal:
        """Propose a type and unit. ``area_code`` is a place the agent chose (it wins over
        the text); ``location`` a known place (name or code) added to the text's."""
        if text is None or not text.strip():
            raise ValueError("诉求内容不能为空")
        clean = _SPACE_RE.sub("", text)
        model = self.model or default_model()
        prediction = model.predict(clean)

        if area_code and area_code in self.gazetteer.divisions:
            div = self.gazetteer.divisions[area_code]
            area: AreaMatch | None = AreaMatch(
                code=area_code,
                level=div.level,
                name=self.gazetteer.full_name(area_code),
                matched=("坐席选定",),
            )
        else:
            area = self.gazetteer.locate(clean, _SPACE_RE.sub("", location) if location else None)
        place_code = area.code if area is not None else None
        ambiguous = bool(area and area.ambiguous)

        remembered = self.memory.get(memory_key(clean)) if self.memory else None
        duty_matches = [] if remembered else self.duties.matches(clean)
        decided: DutyMatch | None = duty_matches[0] if duty_matches else None

        parts: list[str] = []
        if remembered:
            dept_type = remembered["dept_type"]
            confidence = 0.97
            level_rule = remembered.get("level") or DEFAULT_LEVEL.get(dept_type, "county")
            parts.append(
                f"同一诉求曾由坐席改派至「{(remembered.get('unit') or {}).get('name', '')}」"
                f"（纠正记录，共{remembered.get('count', 1)}次）"
            )
        elif decided is not None:
            dept_type = decided.rule.dept_type
            level_rule = decided.rule.level
            confidence = round(min(0.99, 0.85 + 0.03 * len(decided.hits)), 4)
            parts.append(decided.describe(self.duties.version or None))
        else:
            dept_type = prediction.dept_type
            confidence = round(prediction.confidence, 4)
            level_rule = DEFAULT_LEVEL.get(dept_type, "county")
            words = "」「".join(dict.fromkeys(prediction.rules.get(dept_type, [])))
            basis = f"关键词「{words}」" if words else "与历史工单的相似程度"
            parts.append(
                f"职责清单未覆盖，按历史工单模型判断类型：{DEPT_NAMES.get(dept_type, dept_type)}"
                f"（依据{basis}）"
            )

        regional = None
        if level_rule != "township" and not (decided and decided.rule.institution):
            regional = _is_regional(dept_type, clean)
            if regional and level_rule != "region":
                level_rule = "region"

        def unit_for(t: str, rule: str) -> dict[str, Any] | None:
            if resolver is None:
                return None
            c, h = target_area(rule, place_code)
            if rule == "township" and (place_code is None or len(place_code) < 9):
                return None  # a local matter needs the township or street
            return resolver.resolve(t, c, h)

        unit: dict[str, Any] | None
        if remembered and remembered.get("unit"):
            by_code = getattr(resolver, "by_code", None)
            unit = by_code(remembered["unit"]["code"]) if by_code else remembered["unit"]
            if unit is None:
                unit = unit_for(dept_type, level_rule)
        else:
            unit = unit_for(dept_type, level_rule)

        # Alternatives: other duty entries that fired (other types), then the classifier.
        alternatives: list[dict[str, Any]] = []
        seen = {dept_type}
        for m in duty_matches[1:]:
            if m.rule.dept_type in seen:
                continue
            seen.add(m.rule.dept_type)
            alternatives.append(
                {
                    "dept_type": m.rule.dept_type,
                    "unit": unit_for(m.rule.dept_type, m.rule.level),
                    "confidence": round(min(0.8, 0.5 + 0.03 * len(m.hits)), 4),
                    "duty_entry": m.rule.as_dict(),
                }
            )
        for t, p in prediction.ranked:
            if len(alternatives) >= 3:
                break
            if t in seen:
                continue
            seen.add(t)
            rule = DEFAULT_LEVEL.get(t, "county")
            if _is_regional(t, clean):
                rule = "region"
            alternatives.append(
                {"dept_type": t, "unit": unit_for(t, rule), "confidence": round(p, 4)}
            )
        alternatives = alternatives[:3]

        needs_place = False
        if area is not None:
            parts.append(area.describe())
        else:
            parts.append("诉求中未识别到地点，请坐席补充")
            needs_place = level_rule not in ("region",)
        if regional:
            parts.append(f"按自治区级办理：{regional}")
        else:
            parts.append(f"办理层级：{LEVEL_LABELS.get(level_rule, '')}")
        if level_rule == "township" and (place_code is None or len(place_code) < 9):
            needs_place = True
            parts.append("属地事项，须明确到乡镇（街道），请坐席补充地点")
        if ambiguous and not regional:
            parts.append("地名有歧义，请坐席选择具体地点")
        to_region = level_rule == "region" and (bool(regional) or place_code is None)
        low = confidence < self.threshold
        if low:
            names = "、".join(DEPT_NAMES.get(a["dept_type"], a["dept_type"]) for a in alternatives)
            parts.append(f"置信度较低，请坐席确认，备选：{names}")
        return RouteProposal(
            dept_type=dept_type,
            area_code=REGION_CODE if to_region else place_code,
            area_level="region" if to_region else (area.level if area is not None else None),
            unit=unit,
            confidence=confidence,
            alternatives=alternatives,
            explanation="；".join(parts),
            is_low_confidence=low,
            area_ambiguous=ambiguous and not regional,
            matched_places=area.matched if area else (),
            duty=(
                {**decided.rule.as_dict(), "version": self.duties.version}
                if decided is not None
                else None
            ),
            level_rule=level_rule,
            place=self._place(area),
            needs_place=needs_place,
            remembered=bool(remembered),
        )


_default_router: Router | None = None


def route(
    text: str,
    location: str | None = None,
    resolver: UnitResolver | None = None,
    *,
    area_code: str | None = None,
) -> RouteProposal:
    """Route with the default model (saved or trained lazily from requests.csv)."""
    global _default_router  # noqa: PLW0603
    if _default_router is None:
        _default_router = Router()
    return _default_router.route(text, location, resolver, area_code=area_code)


# --- resolvers for tests and demos ------------------------------------------------------


class InMemoryUnitResolver:
    """Units held in memory: each {name, code, area_code, level, dept_type}.

    Walks up from the area (village → township → county → city → region) and returns
    the first unit of the type; for ``level_hint == "region"`` only the region.
    """

    def __init__(self, units: Iterable[dict[str, Any]], gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or default_gazetteer()
        self._units: dict[tuple[str, str], dict[str, Any]] = {}
        self._codes: dict[str, dict[str, Any]] = {}
        for unit in units:
            self._units[(unit["dept_type"], unit["area_code"])] = unit
            self._codes[unit["code"]] = unit

    def by_code(self, code: str) -> dict[str, Any] | None:
        unit = self._codes.get(code)
        return {k: unit[k] for k in ("name", "code", "area_code", "level")} if unit else None

    def resolve(
        self, dept_type: str, area_code: str | None, level_hint: str
    ) -> dict[str, Any] | None:
        if level_hint == "region" or area_code is None:
            chain = [REGION_CODE]
        else:
            chain = self.gazetteer.ancestors(area_code)
        for code in chain:
            unit = self._units.get((dept_type, code))
            if unit is not None:
                return {k: unit[k] for k in ("name", "code", "area_code", "level")}
        return None


class CsvUnitResolver(InMemoryUnitResolver):
    """:class:`InMemoryUnitResolver` read from a CSV (name,code,area_code,level,dept_type)."""

    @classmethod
    def from_csv(cls, path: str | Path, gazetteer: Gazetteer | None = None) -> CsvUnitResolver:
        with Path(path).open(encoding="utf-8", newline="") as fh:
            return cls(list(csv.DictReader(fh)), gazetteer)


#: Unit name suffixes for demo directories (county level; region and township variants).
_UNIT_SUFFIX = {
    "traffic_police": "公安局交警大队",
    "public_security": "公安局",
    "housing_construction": "住房和城乡建设局",
    "urban_management": "综合执法局",
    "municipal_engineering": "市政工程管理所",
    "parks_greening": "林草和园林管理局",
    "market_regulation": "市场监督管理局",
    "transport": "交通运输局",
    "telecom": "通信管理局",
    "education": "教育局",
    "health": "卫生健康委员会",
    "medical_insurance": "医疗保障局",
    "civil_affairs": "民政局",
    "human_resources": "人力资源和社会保障局",
    "natural_resources": "自然资源局",
    "ecology_environment": "生态环境局",
    "water_affairs": "水务局",
    "agriculture": "农业农村局",
    "emergency_management": "应急管理局",
    "culture_tourism": "文化和旅游局",
    "disabled_federation": "残疾人联合会",
    "womens_federation": "妇女联合会",
    "trade_union": "总工会",
    "social_work": "党委社会工作部",
    "state_assets": "国有资产监督管理委员会",
    "township_government": "人民政府",
    "utility_water": "供水公司",
    "utility_power": "供电公司",
    "utility_gas": "燃气公司",
    "utility_heating": "供热公司",
    "property_company": "物业服务企业",
}


_REGION_UNIT_NAMES = {
    "telecom": "宁夏通信管理局",
    "traffic_police": "宁夏回族自治区公安厅交通警察总队",
    "public_security": "宁夏回族自治区公安厅",
    "housing_construction": "宁夏回族自治区住房和城乡建设厅",
    "parks_greening": "宁夏回族自治区林业和草原局",
    "market_regulation": "宁夏回族自治区市场监督管理厅",
    "health": "宁夏回族自治区卫生健康委员会",
    "medical_insurance": "宁夏回族自治区医疗保障局",
    "state_assets": "宁夏回族自治区人民政府国有资产监督管理委员会",
    "social_work": "中共宁夏回族自治区委员会社会工作部",
    "utility_power": "国网宁夏电力有限公司",
}
_NO_REGION_UNIT = frozenset(
    {
        "township_government",
        "municipal_engineering",
        "urban_management",
        "property_company",
        "utility_water",
        "utility_gas",
        "utility_heating",
    }
)


def demo_units(gazetteer: Gazetteer | None = None) -> list[dict[str, Any]]:
    """A plausible demo directory: every type at the region and every county, plus
    township governments. Names are generated ("金凤区市政工程管理所"), not real."""
    gaz = gazetteer or default_gazetteer()
    units = []
    for div in gaz.divisions.values():
        if div.level in ("region", "county"):
            for dept_type, suffix in _UNIT_SUFFIX.items():
                if div.level == "region" and dept_type == "township_government":
                    continue
                if div.level == "region":
                    if dept_type in _NO_REGION_UNIT:
                        continue
                    name = _REGION_UNIT_NAMES.get(dept_type) or "宁夏回族自治区" + (
                        suffix[:-1] + "厅" if suffix.endswith("局") else suffix
                    )
                else:
                    name = div.name + suffix
                units.append(
                    {
                        "name": name,
                        "code": f"{div.code}-{dept_type}",
                        "area_code": div.code,
                        "level": div.level,
                        "dept_type": dept_type,
                    }
                )
        elif div.level == "township":
            office = "办事处" if div.name.endswith("街道") else "人民政府"
            units.append(
                {
                    "name": div.name + office,
                    "code": f"{div.code}-township_government",
                    "area_code": div.code,
                    "level": "township",
                    "dept_type": "township_government",
                }
            )
    return units
