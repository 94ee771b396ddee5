"""Organisations: government departments and their units, handling units, federations, social
organisations, enterprises and merchants; each with a jurisdiction area and a parent."""

from __future__ import annotations

from django.db import models

from lianxin.areas.models import Division, Level
from lianxin.core.model_mixins import area_index, fk
from lianxin.core.models import BaseModel

from .querysets import OrganisationQuerySet


class DeptType(models.TextChoices):
    """Department types of shared/contracts/hotline.md; a deployment may add types, these stay."""

    TRAFFIC_POLICE = "traffic_police", "交警"
    PUBLIC_SECURITY = "public_security", "公安"
    HOUSING_CONSTRUCTION = "housing_construction", "住房和城乡建设"
    URBAN_MANAGEMENT = "urban_management", "综合执法"
    MUNICIPAL_ENGINEERING = "municipal_engineering", "市政工程"
    PARKS_GREENING = "parks_greening", "林草和园林"
    MARKET_REGULATION = "market_regulation", "市场监管"
    TRANSPORT = "transport", "交通运输"
    TELECOM = "telecom", "通信管理"
    EDUCATION = "education", "教育"
    HEALTH = "health", "卫生健康"
    MEDICAL_INSURANCE = "medical_insurance", "医疗保障"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    HUMAN_RESOURCES = "human_resources", "人力资源和社会保障"
    NATURAL_RESOURCES = "natural_resources", "自然资源"
    ECOLOGY_ENVIRONMENT = "ecology_environment", "生态环境"
    WATER_AFFAIRS = "water_affairs", "水务"
    AGRICULTURE = "agriculture", "农业农村"
    EMERGENCY_MANAGEMENT = "emergency_management", "应急管理"
    CULTURE_TOURISM = "culture_tourism", "文化和旅游"
    DISABLED_FEDERATION = "disabled_federation", "残疾人联合会"
    WOMENS_FEDERATION = "womens_federation", "妇女联合会"
    TRADE_UNION = "trade_union", "总工会"
    SOCIAL_WORK = "social_work", "党委社会工作部"
    STATE_ASSETS = "state_assets", "国有资产监督管理"
    TOWNSHIP_GOVERNMENT = "township_government", "乡镇政府/街道办事处"
    UTILITY_WATER = "utility_water", "供水企业"
    UTILITY_POWER = "utility_power", "供电企业"
    UTILITY_GAS = "utility_gas", "燃气企业"
    UTILITY_HEATING = "utility_heating", "供热企业"
    PROPERTY_COMPANY = "property_company", "物业服务企业"


class OrgKind(models.TextChoices):
    GOVERNMENT = "government", "党政机关"
    HANDLING_UNIT = "handling_unit", "承办单位"
    HOTLINE_CENTRE = "hotline_centre", "12345热线"
    FEDERATION = "federation", "群团组织"
    COMMUNITY = "community", "社区(村)组织"
    SOCIAL_ORGANISATION = "social_organisation", "社会组织"
    ENTERPRISE = "enterprise", "企业"
    MERCHANT = "merchant", "爱心商家"


class Organisation(BaseModel):
    """One organisation. Handling units carry a ``dept_type``; the jurisdiction is a division
    (the unit's area of responsibility) and ``level`` the government level it sits at."""

    code = models.CharField("机构编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=120, db_index=True)
    kind = models.CharField("类别", max_length=30, choices=OrgKind)
    dept_type = models.CharField(
        "部门类型", max_length=40, choices=DeptType, blank=True, db_index=True
    )
    level = models.CharField("层级", max_length=10, choices=Level)
    area = fk(Division, "管辖区域")
    area_code = models.CharField("区划代码", max_length=12, editable=False)
    parent = fk("self", "上级单位", "children", null=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    is_handling_unit = models.BooleanField("可承办工单", default=False)
    is_active = models.BooleanField("启用", default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "组织机构"
        ordering = ["area_code", "name"]
        indexes = [
            area_index("org_area_idx"),
            models.Index(fields=["dept_type", "level", "area_code"], name="org_routing_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.area_code = self.area_id
        super().save(*args, **kwargs)
