from __future__ import annotations

from lianxin.core.democontext import DemoContext

from .models import Organisation
from .services import directory_generate_ningxia


def load(ctx: DemoContext) -> None:
    created = directory_generate_ningxia()
    ctx.say(f"组织机构：新增 {created} 个，共 {Organisation.objects.count()} 个")
