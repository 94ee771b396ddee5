"""Writes for the directory, and the generator of Ningxia's demo directory."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from lianxin.areas.models import Division, Level
from lianxin.core import audit
from lianxin.core.errors import ApplicationError

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
    audit.record(
        actor=actor, action="directory.organisation.create", target=org, changes={"name": org.name}
    )
    return org


# --- the Ningxia demo directory ------------------------------------------------------------

REGION_BODIES: list[tuple[str, str, str]] = [
    ("civil_affairs", "自治区民政厅", OrgKind.GOVERNMENT),
    ("education", "自治区教育厅", OrgKind.GOVERNMENT),
    ("human_resources", "自治区人力资源和社会保障厅", OrgKind.GOVERNMENT),
    ("housing_construction", "自治区住房和城乡建设厅", OrgKind.GOVERNMENT),
    ("health", "自治区卫生健康委员会", OrgKind.GOVERNMENT),
    ("medical_insurance", "自治区医疗保障局", OrgKind.GOVERNMENT),
    ("transport", "自治区交通运输厅", OrgKind.GOVERNMENT),
    ("market_regulation", "自治区市场监督管理厅", OrgKind.GOVERNMENT),
    ("natural_resources", "自治区自然资源厅", OrgKind.GOVERNMENT),
    ("ecology_environment", "自治区生态环境厅", OrgKind.GOVERNMENT),
    ("water_affairs", "自治区水利厅", OrgKind.GOVERNMENT),
    ("agriculture", "自治区农业农村厅", OrgKind.GOVERNMENT),
    ("emergency_management", "自治区应急管理厅", OrgKind.GOVERNMENT),
    ("culture_tourism", "自治区文化和旅游厅", OrgKind.GOVERNMENT),
    ("public_security", "自治区公安厅", OrgKind.GOVERNMENT),
    ("traffic_police", "自治区公安厅交通警察总队", OrgKind.GOVERNMENT),
    ("telecom", "宁夏通信管理局", OrgKind.GOVERNMENT),
    ("state_assets", "自治区国有资产监督管理委员会", OrgKind.GOVERNMENT),
    ("disabled_federation", "自治区残疾人联合会", OrgKind.FEDERATION),
    ("womens_federation", "自治区妇女联合会", OrgKind.FEDERATION),
    ("trade_union", "自治区总工会", OrgKind.FEDERATION),
    ("social_work", "自治区党委社会工作部", OrgKind.GOVERNMENT),
    ("utility_power", "国网宁夏电力有限公司", OrgKind.ENTERPRISE),
]

CITY_BODIES: list[tuple[str, str, str]] = [
    ("civil_affairs", "{city}民政局", OrgKind.GOVERNMENT),
    ("education", "{city}教育局", OrgKind.GOVERNMENT),
    ("human_resources", "{city}人力资源和社会保障局", OrgKind.GOVERNMENT),
    ("housing_construction", "{city}住房和城乡建设局", OrgKind.GOVERNMENT),
    ("health", "{city}卫生健康委员会", OrgKind.GOVERNMENT),
    ("medical_insurance", "{city}医疗保障局", OrgKind.GOVERNMENT),
    ("transport", "{city}交通运输局", OrgKind.GOVERNMENT),
    ("market_regulation", "{city}市场监督管理局", OrgKind.GOVERNMENT),
    ("natural_resources", "{city}自然资源局", OrgKind.GOVERNMENT),
    ("ecology_environment", "{city}生态环境局", OrgKind.GOVERNMENT),
    ("water_affairs", "{city}水务局", OrgKind.GOVERNMENT),
    ("agriculture", "{city}农业农村局", OrgKind.GOVERNMENT),
    ("emergency_management", "{city}应急管理局", OrgKind.GOVERNMENT),
    ("culture_tourism", "{city}文化和旅游局", OrgKind.GOVERNMENT),
    ("urban_management", "{city}综合执法局", OrgKind.GOVERNMENT),
    ("municipal_engineering", "{city}市政工程管理所", OrgKind.GOVERNMENT),
    ("parks_greening", "{city}林草和园林管理局", OrgKind.GOVERNMENT),
    ("public_security", "{city}公安局", OrgKind.GOVERNMENT),
    ("traffic_police", "{city}公安局交通警察支队", OrgKind.GOVERNMENT),
    ("disabled_federation", "{city}残疾人联合会", OrgKind.FEDERATION),
    ("womens_federation", "{city}妇女联合会", OrgKind.FEDERATION),
    ("trade_union", "{city}总工会", OrgKind.FEDERATION),
    ("social_work", "中共{city}委社会工作部", OrgKind.GOVERNMENT),
    ("utility_water", "{city}供水有限公司", OrgKind.ENTERPRISE),
    ("utility_power", "国网{city_short}供电公司", OrgKind.ENTERPRISE),
    ("utility_gas", "{city}燃气有限公司", OrgKind.ENTERPRISE),
    ("utility_heating", "{city}热力有限公司", OrgKind.ENTERPRISE),
]

COUNTY_BODIES: list[tuple[str, str, str]] = [
    ("civil_affairs", "{county}民政局", OrgKind.GOVERNMENT),
    ("education", "{county}教育局", OrgKind.GOVERNMENT),
    ("human_resources", "{county}人力资源和社会保障局", OrgKind.GOVERNMENT),
    ("housing_construction", "{county}住房和城乡建设局", OrgKind.GOVERNMENT),
    ("health", "{county}卫生健康局", OrgKind.GOVERNMENT),
    ("medical_insurance", "{county}医疗保障局", OrgKind.GOVERNMENT),
    ("transport", "{county}交通运输局", OrgKind.GOVERNMENT),
    ("market_regulation", "{county}市场监督管理局", OrgKind.GOVERNMENT),
    ("natural_resources", "{county}自然资源局", OrgKind.GOVERNMENT),
    ("ecology_environment", "{city}生态环境局{county_short}分局", OrgKind.GOVERNMENT),
    ("water_affairs", "{county}水务局", OrgKind.GOVERNMENT),
    ("agriculture", "{county}农业农村局", OrgKind.GOVERNMENT),
    ("emergency_management", "{county}应急管理局", OrgKind.GOVERNMENT),
    ("culture_tourism", "{county}文化和旅游局", OrgKind.GOVERNMENT),
    ("urban_management", "{county}综合执法局", OrgKind.GOVERNMENT),
    ("municipal_engineering", "{county}市政工程管理所", OrgKind.GOVERNMENT),
    ("parks_greening", "{county}林草和园林管理局", OrgKind.GOVERNMENT),
    ("disabled_federation", "{county}残疾人联合会", OrgKind.FEDERATION),
    ("womens_federation", "{county}妇女联合会", OrgKind.FEDERATION),
    ("trade_union", "{county}总工会", OrgKind.FEDERATION),
    ("property_company", "{county_short}安居物业服务有限公司", OrgKind.ENTERPRISE),
]

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
    for dept_type, name, kind in REGION_BODIES:
        _, made = _ensure(
            f"64-{dept_type}",
            name=name,
            kind=kind,
            dept_type=dept_type,
            level=Level.PROVINCE,
            area=region,
        )
        created += made
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
        for dept_type, template, kind in CITY_BODIES:
            _, made = _ensure(
                f"{city.code}-{dept_type}",
                name=template.format(**fmt),
                kind=kind,
                dept_type=dept_type,
                level=Level.CITY,
                area=city,
                parent=Organisation.objects.filter(code=f"64-{dept_type}").first(),
            )
            created += made
        counties = list(Division.objects.filter(parent=city).order_by("code"))
        district_no = 0
        for county in counties:
            cfmt = {**fmt, "county": county.name, "county_short": _short(county.name)}
            for dept_type, template, kind in COUNTY_BODIES:
                _, made = _ensure(
                    f"{county.code}-{dept_type}",
                    name=template.format(**cfmt),
                    kind=kind,
                    dept_type=dept_type,
                    level=Level.COUNTY,
                    area=county,
                    parent=Organisation.objects.filter(code=f"{city.code}-{dept_type}").first(),
                )
                created += made
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
            for dept_type, name in (("public_security", police), ("traffic_police", brigade)):
                _, made = _ensure(
                    f"{county.code}-{dept_type}",
                    name=name,
                    kind=OrgKind.GOVERNMENT,
                    dept_type=dept_type,
                    level=Level.COUNTY,
                    area=county,
                    parent=Organisation.objects.filter(code=f"{city.code}-{dept_type}").first(),
                )
                created += made
            created += _generate_townships(county)
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
        for dept_type, org_name, parent in rows:
            _, made = _ensure(
                f"{township.code}-{dept_type}",
                name=org_name,
                kind=OrgKind.GOVERNMENT,
                dept_type=dept_type,
                level=Level.TOWNSHIP,
                area=township,
                parent=parent,
            )
            created += made
    return created
