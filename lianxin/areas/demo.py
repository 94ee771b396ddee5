"""Demo grids and buildings in the communities and villages of DOMAIN.md's real cases."""

from __future__ import annotations

from lianxin.core.democontext import DemoContext

from .models import Building, Division, Grid
from .services import divisions_load

# community/village code → number of grids
DEMO_COMMUNITIES = {
    "640104001007": 4,  # 安秀社区, 凤凰北街街道, 兴庆区
    "640521103208": 3,  # 刘庄村, 新堡镇, 中宁县
    "640502108214": 3,  # 姚滩村, 迎水桥镇, 沙坡头区
    "640402002006": 3,  # 警民路社区, 原州区
    "640106002001": 3,  # 金家巷社区, 金凤区
    "640221100001": 2,  # 平罗县 城关镇 first community
}
GRID_NAMES = ["第一网格", "第二网格", "第三网格", "第四网格", "第五网格"]


def load(ctx: DemoContext) -> None:
    created = divisions_load()
    ctx.say(f"行政区划：新增 {created} 条，共 {Division.objects.count()} 条")
    grids = 0
    for code, count in DEMO_COMMUNITIES.items():
        division = Division.objects.filter(code=code).first()
        if division is None:
            division = (
                Division.objects.filter(code__startswith=code[:9], level="village")
                .order_by("code")
                .first()
            )
        if division is None:
            continue
        for i in range(count):
            grid, made = Grid.objects.get_or_create(division=division, name=GRID_NAMES[i])
            grids += made
            for b in range(1, 4):
                Building.objects.get_or_create(
                    grid=grid,
                    name=f"{i * 3 + b}号楼" if "社区" in division.short_name else f"{i * 3 + b}组",
                    defaults={"party_member_household": f"党员中心户{i * 3 + b}"},
                )
    ctx.say(f"网格：新增 {grids} 个，共 {Grid.objects.count()} 个")
