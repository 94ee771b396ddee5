"""Roles (角色). Kept in core so that every app can scope by role without importing accounts."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", "网格员"
    COMMUNITY_STAFF = "community_staff", "社区专干/村干部"
    TOWNSHIP_STAFF = "township_staff", "乡镇(街道)工作人员"
    COUNTY_STAFF = "county_staff", "县(区)部门工作人员"
    CITY_STAFF = "city_staff", "市级部门工作人员"
    REGION_STAFF = "region_staff", "自治区部门工作人员"
    HOTLINE_AGENT = "hotline_agent", "12345坐席"
    UNIT_STAFF = "unit_staff", "承办单位工作人员"
    LEADER = "leader", "包抓领导"
    PARTNER = "partner", "爱心单位/商家"
    VOLUNTEER = "volunteer", "志愿者"
    EMPLOYER = "employer", "用人单位"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


# Roles that work with residents' personal data of an area (their assignment's division subtree).
AREA_STAFF_ROLES = frozenset(
    {
        Role.COMMUNITY_STAFF,
        Role.TOWNSHIP_STAFF,
        Role.COUNTY_STAFF,
        Role.CITY_STAFF,
        Role.REGION_STAFF,
    }
)
# Area staff of a township and above (no community staff): departments' and townships' pages.
TOWNSHIP_AND_ABOVE_ROLES = AREA_STAFF_ROLES - {Role.COMMUNITY_STAFF}
# Everyone who works a village's residents: the grid worker and the area staff above.
FRONTLINE_AND_AREA_ROLES = AREA_STAFF_ROLES | {Role.GRID_WORKER}
# The three separated administrator roles of 等保三级: none of them sees residents' data.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that see no ID or phone number at all (PII-01).
NO_PII_ROLES = frozenset({Role.PARTNER, Role.VOLUNTEER, Role.EMPLOYER})
# Roles whose work uses the area tree (区划与网格) and the organisation directory (组织机构); the
# partner roles (merchants, volunteers, employers) and the audit administrator do not (#12).
STRUCTURE_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        *AREA_STAFF_ROLES,
        Role.HOTLINE_AGENT,
        Role.UNIT_STAFF,
        Role.LEADER,
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
    }
)
# Roles allowed to ask for a full ID number (audited, rate-limited; PII-02).
REVEAL_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF})
