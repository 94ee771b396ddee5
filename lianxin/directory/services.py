"""Writes for the directory, and the generator of Ningxia's demo directory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from lianxin.areas.models import Division, Level
from lianxin.core.errors import ApplicationError
from lianxin.core.servicekit import audited

from .models import DeptType, Organisation, OrgKind


def validate_credit_code(value: str) -> str:
    """The unified social credit code (统一社会信用代码), checked with stdnum.cn.uscc."""
    value = (value or "").strip().upper()
    if not value:
        return ""
    try:
        return uscc.validate(value)
    except StdnumError as exc:
        raise ApplicationError(f"统一社会信用代码“{value}”无效：{exc}") from exc


@transaction.atomic
def organisation_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    level: str,
    area: Division,
    dept_type: str = "",
    parent: Organisation | None = None,
    credit_code: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
) -> Organisation:
    """Create an organisation: a unique code, a valid credit code, a dept_type for handling units."""
    if Organisation.objects.filter(code=code).exists():
        raise ApplicationError(f"机构编码“{code}”已存在")
    if dept_type and dept_type not in DeptType.values:
        raise ApplicationError(f"未知的部门类型“{dept_type}”")
    org = Organisation(
        code=code,
        name=name.strip(),
        kind=kind,
        level=level,
        area=area,
        dept_type=dept_type,
        parent=parent,
        credit_code=validate_credit_code(credit_code),
        contact_name=contact_name,
        contact_phone=contact_phone,
        address=address,
        is_handling_unit=bool(dept_type),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    org.save()
    return audited(
        org, actor=actor, action="directory.organisation.create", changes={"name": org.name}
    )


# --- the Ningxia demo directory ------------------------------------------------------------

# (level, dept_type, name or name template, kind) of the units generated for each area
BODIES: list[tuple[str, str, str, str]] = [
    ("region", "civil_affairs", "自治区民政厅", "government"),
    ("region", "education", "自治区教育厅", "government"),
    ("region", "human_resources", "自治区人力资源和社会保障厅", "government"),
    ("region", "housing_construction", "自治区住房和城乡建设厅", "government"),
    ("region", "health", "自治区卫生健康委员会", "government"),
    ("region", "medical_insurance", "自治区医疗保障局", "government"),
    ("region", "transport", "自治区交通运输厅", "government"),
    ("region", "market_regulation", "自治区市场监督管理厅", "government"),
    ("region", "natural_resources", "自治区自然资源厅", "government"),
    ("region", "ecology_environment", "自治区生态环境厅", "government"),
    ("region", "water_affairs", "自治区水利厅", "government"),
    ("region", "agriculture", "自治区农业农村厅", "government"),
    ("region", "emergency_management", "自治区应急管理厅", "government"),
    ("region", "culture_tourism", "自治区文化和旅游厅", "government"),
    ("region", "public_security", "自治区公安厅", "government"),
    ("region", "traffic_police", "自治区公安厅交通警察总队", "government"),
    ("region", "telecom", "宁夏通信管理局", "government"),
    ("region", "state_assets", "自治区国有资产监督管理委员会", "government"),
    ("region", "disabled_federation", "自治区残疾人联合会", "federation"),
    ("region", "womens_federation", "自治区妇女联合会", "federation"),
    ("region", "trade_union", "自治区总工会", "federation"),
    ("region", "social_work", "自治区党委社会工作部", "government"),
    ("region", "utility_power", "国网宁夏电力有限公司", "enterprise"),
    ("city", "civil_affairs", "{city}民政局", "government"),
    ("city", "education", "{city}教育局", "government"),
    ("city", "human_resources", "{city}人力资源和社会保障局", "government"),
    ("city", "housing_construction", "{city}住房和城乡建设局", "government"),
    ("city", "health", "{city}卫生健康委员会", "government"),
    ("city", "medical_insurance", "{city}医疗保障局", "government"),
    ("city", "transport", "{city}交通运输局", "government"),
    ("city", "market_regulation", "{city}市场监督管理局", "government"),
    ("city", "natural_resources", "{city}自然资源局", "government"),
    ("city", "ecology_environment", "{city}生态环境局", "government"),
    ("city", "water_affairs", "{city}水务局", "government"),
    ("city", "agriculture", "{city}农业农村局", "government"),
    ("city", "emergency_management", "{city}应急管理局", "government"),
    ("city", "culture_tourism", "{city}文化和旅游局", "government"),
    ("city", "urban_management", "{city}综合执法局", "government"),
    ("city", "municipal_engineering", "{city}市政工程管理所", "government"),
    ("city", "parks_greening", "{city}林草和园林管理局", "government"),
    ("city", "public_security", "{city}公安局", "government"),
    ("city", "traffic_police", "{city}公安局交通警察支队", "government"),
    ("city", "disabled_federation", "{city}残疾人联合会", "federation"),
    ("city", "womens_federation", "{city}妇女联合会", "federation"),
    ("city", "trade_union", "{city}总工会", "federation"),
    ("city", "social_work", "中共{city}委社会工作部", "government"),
    ("city", "utility_water", "{city}供水有限公司", "enterprise"),
    ("city", "utility_power", "国网{city_short}供电公司", "enterprise"),
    ("city", "utility_gas", "{city}燃气有限公司", "enterprise"),
    ("city", "utility_heating", "{city}热力有限公司", "enterprise"),
    ("county", "civil_affairs", "{county}民政局", "government"),
    ("county", "education", "{county}教育局", "government"),
    ("county", "human_resources", "{county}人力资源和社会保障局", "government"),
    ("county", "housing_construction", "{county}住房和城乡建设局", "government"),
    ("county", "health", "{county}卫生健康局", "government"),
    ("county", "medical_insurance", "{county}医疗保障局", "government"),
    ("county", "transport", "{county}交通运输局", "government"),
    ("county", "market_regulation", "{county}市场监督管理局", "government"),
    ("county", "natural_resources", "{county}自然资源局", "government"),
    ("county", "ecology_environment", "{city}生态环境局{county_short}分局", "government"),
    ("county", "water_affairs", "{county}水务局", "government"),
    ("county", "agriculture", "{county}农业农村局", "government"),
    ("county", "emergency_management", "{county}应急管理局", "government"),
    ("county", "culture_tourism", "{county}文化和旅游局", "government"),
    ("county", "urban_management", "{county}综合执法局", "government"),
    ("county", "municipal_engineering", "{county}市政工程管理所", "government"),
    ("county", "parks_greening", "{county}林草和园林管理局", "government"),
    ("county", "disabled_federation", "{county}残疾人联合会", "federation"),
    ("county", "womens_federation", "{county}妇女联合会", "federation"),
    ("county", "trade_union", "{county}总工会", "federation"),
    ("county", "property_company", "{county_short}安居物业服务有限公司", "enterprise"),
]
REGION_BODIES, CITY_BODIES, COUNTY_BODIES = (
    [(dept_type, name, kind) for at, dept_type, name, kind in BODIES if at == level]
    for level in ("region", "city", "county")
)

Unit = tuple[str, str, str, Organisation | None]  # dept_type, name, kind, parent

ORDINALS = "一二三四五六七八九十"


def _ensure(code: str, **fields: Any) -> tuple[Organisation, bool]:
    fields["is_handling_unit"] = bool(fields.get("dept_type"))
    org, created = Organisation.objects.get_or_create(code=code, defaults=fields)
    return org, created


def _short(name: str) -> str:
    for suffix in ("回族自治区", "市", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@transaction.atomic
def directory_generate_ningxia() -> int:
    """Generate the directory of all Ningxia from the divisions, named as the region names its
    units; idempotent (organisations are keyed by ``<area code>-<type>``). Returns rows created."""
    created = 0
    region = Division.objects.get(code="64")
    hotline, made = _ensure(
        "64-hotline",
        name="宁夏12345政务服务便民热线",
        kind=OrgKind.HOTLINE_CENTRE,
        level=Level.PROVINCE,
        area=region,
    )
    created += made
    created += _ensure_units(region, Level.PROVINCE, [(*b, None) for b in REGION_BODIES])
    cities = list(Division.objects.filter(level=Level.CITY).order_by("code"))
    for city in cities:
        fmt = {"city": city.name, "city_short": _short(city.name)}
        _, made = _ensure(
            f"{city.code}-hotline",
            name=f"{city.name}12345政务服务便民热线",
            kind=OrgKind.HOTLINE_CENTRE,
            level=Level.CITY,
            area=city,
            parent=hotline,
        )
        created += made
        bodies = [(d, t.format(**fmt), k) for d, t, k in CITY_BODIES]
        created += _ensure_units(city, Level.CITY, _under("64", bodies))
        counties = list(Division.objects.filter(parent=city).order_by("code"))
        district_no = 0
        for county in counties:
            cfmt = {**fmt, "county": county.name, "county_short": _short(county.name)}
            bodies = [(d, t.format(**cfmt), k) for d, t, k in COUNTY_BODIES]
            is_district = county.name.endswith("区")
            if is_district:
                district_no += 1
                police = f"{city.name}公安局{county.name}分局"
                brigade = (
                    f"{city.name}公安局交通警察支队{county.name}{ORDINALS[district_no - 1]}大队"
                )
            else:
                police = f"{county.name}公安局"
                brigade = f"{city.name}公安局交通警察支队{county.name}大队"
            bodies += [
                ("public_security", police, OrgKind.GOVERNMENT),
                ("traffic_police", brigade, OrgKind.GOVERNMENT),
            ]
            created += _ensure_units(county, Level.COUNTY, _under(city.code, bodies))
            created += _generate_townships(county)
    return created


def _under(parent_area_code: str, bodies: list[tuple[str, str, str]]) -> list[Unit]:
    """``bodies`` each under the unit of the same type of the area above."""
    return [
        (d, name, kind, Organisation.objects.filter(code=f"{parent_area_code}-{d}").first())
        for d, name, kind in bodies
    ]


def _ensure_units(area: Division, level: str, units: Sequence[Unit]) -> int:
    """The units (dept_type, name, kind, parent) of ``area``; returns how many were created."""
    created = 0
    for dept_type, name, kind, parent in units:
        _, made = _ensure(
            f"{area.code}-{dept_type}",
            name=name,
            kind=kind,
            dept_type=dept_type,
            level=level,
            area=area,
            parent=parent,
        )
        created += made
    return created


def _generate_townships(county: Division) -> int:
    created = 0
    market = Organisation.objects.filter(code=f"{county.code}-market_regulation").first()
    enforcement = Organisation.objects.filter(code=f"{county.code}-urban_management").first()
    for township in Division.objects.filter(parent=county).order_by("code"):
        name = township.name
        government = f"{name}办事处" if name.endswith("街道") else f"{name}人民政府"
        stem = name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
        rows = [
            ("township_government", government, None),
            ("market_regulation", f"{county.name}市场监督管理局{stem}市场监管所", market),
            ("urban_management", f"{county.name}综合执法局{stem}执法中队", enforcement),
        ]
        units = [(d, org_name, OrgKind.GOVERNMENT, parent) for d, org_name, parent in rows]
        created += _ensure_units(township, Level.TOWNSHIP, units)
    return created
