"""Demo accounts for every role in two communities of different cities (A: 安秀社区, 兴庆区,
银川; B: 刘庄村, 中宁县, 中卫), so that anyone can see that A's staff see nothing of B."""

from __future__ import annotations

from lianxin.areas.models import Division, Grid
from lianxin.core.democontext import DEMO_PASSWORD, DemoContext
from lianxin.core.roles import Role
from lianxin.directory.models import Organisation

from .models import Assignment, User

SITES = {"a": "640104001007", "b": "640521103208"}


def demo_user(username: str, display_name: str) -> User:
    """The demo account ``username`` (password ``DEMO_PASSWORD``), created once."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def demo_grant(
    user: User,
    role: str,
    area: Division,
    *,
    grid: Grid | None = None,
    org: Organisation | None = None,
) -> User:
    """``user`` with the assignment (role, area, grid, organisation), granted once; the user's
    cached scope is dropped so that it includes the new assignment."""
    Assignment.objects.get_or_create(user=user, role=role, area=area, grid=grid, organisation=org)
    user.__dict__.pop("_lianxin_scope", None)
    return user


def load(ctx: DemoContext) -> None:
    for site, village_code in SITES.items():
        village = Division.objects.get(code=village_code)
        township = Division.objects.get(code=village_code[:9])
        county = Division.objects.get(code=village_code[:6])
        city = Division.objects.get(code=village_code[:4])
        grid = Grid.objects.filter(division=village).order_by("name").first()
        org = lambda code: Organisation.objects.filter(code=code).first()  # noqa: E731
        plan = [
            (Role.GRID_WORKER, village, grid, None, "网格员"),
            (Role.COMMUNITY_STAFF, village, None, None, "社区专干"),
            (
                Role.TOWNSHIP_STAFF,
                township,
                None,
                org(f"{township.code}-township_government"),
                "街道干部",
            ),
            (Role.COUNTY_STAFF, county, None, org(f"{county.code}-civil_affairs"), "民政局干部"),
            (Role.CITY_STAFF, city, None, org(f"{city.code}-civil_affairs"), "市民政局干部"),
            (Role.HOTLINE_AGENT, city, None, org(f"{city.code}-hotline"), "热线坐席"),
            (
                Role.UNIT_STAFF,
                county,
                None,
                org(f"{county.code}-municipal_engineering"),
                "承办单位",
            ),
            (Role.LEADER, county, None, None, "包抓领导"),
            (Role.PARTNER, village, None, None, "爱心单位"),
            (Role.VOLUNTEER, village, None, None, "志愿者"),
        ]
        for role, area, grid_, organisation, label in plan:
            username = f"{role.value}_{site}"
            user = demo_user(
                username,
                f"{village.short_name}{label}" if area == village else f"{area.short_name}{label}",
            )
            demo_grant(
                user,
                role,
                area,
                grid=grid_ if role == Role.GRID_WORKER else None,
                org=organisation,
            )
            ctx.add_account(
                role=role.value,
                role_label=role.label,
                username=username,
                area_code=area.code,
                area_name=area.short_name,
            )
    region = Division.objects.get(code="64")
    for role in (Role.REGION_STAFF, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        username = role.value
        user = demo_user(username, role.label)
        if role == Role.SYSTEM_ADMIN and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        demo_grant(user, role, region)
        ctx.add_account(
            role=role.value,
            role_label=role.label,
            username=username,
            area_code="64",
            area_name=region.short_name,
        )
    ctx.say(f"账户：共 {User.objects.count()} 个")
