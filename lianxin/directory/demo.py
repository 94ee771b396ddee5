from __future__ import annotations

from typing import Any

from lianxin.areas.models import Division
from lianxin.core.democontext import DemoContext

from .models import Organisation, OrgKind
from .services import directory_generate_ningxia


def demo_org(
    code: str,
    name: str,
    area: Division,
    *,
    kind: str = OrgKind.GOVERNMENT,
    dept_type: str = "",
    handling_unit: bool | None = None,
    **fields: Any,
) -> Organisation:
    """The organisation ``code`` of the demo and the test fixtures, created once at ``area``'s
    level; a unit with a ``dept_type`` handles work orders unless ``handling_unit`` says not."""
    org, _ = Organisation.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "dept_type": dept_type,
            "level": area.level,
            "area": area,
            "is_handling_unit": bool(dept_type) if handling_unit is None else handling_unit,
            **fields,
        },
    )
    return org


def load(ctx: DemoContext) -> None:
    created = directory_generate_ningxia()
    ctx.say(f"组织机构：新增 {created} 个，共 {Organisation.objects.count()} 个")
