from lianxin.core import appconfig


class VolunteersConfig(appconfig.LianxinAppConfig):
    name = "lianxin.volunteers"
    verbose_name = "微心愿与志愿服务"

    def contribute(self) -> None:
        from lianxin.core import navigation, workpanels
        from lianxin.core.roles import FRONTLINE_AND_AREA_ROLES, Role

        from . import panels

        staff = FRONTLINE_AND_AREA_ROLES
        navigation.register(
            "心愿墙", "volunteers:wall", roles=[*staff, Role.PARTNER, Role.VOLUNTEER], order=40
        )
        navigation.register(
            "我的认领", "volunteers:my_claims", roles=[Role.PARTNER, Role.VOLUNTEER], order=41
        )
        navigation.register("我的任务", "volunteers:my_tasks", roles=[Role.VOLUNTEER], order=39)
        navigation.register("时长与积分", "volunteers:my_record", roles=[Role.VOLUNTEER], order=42)
        navigation.register("积分消费", "volunteers:points_spend", roles=[Role.PARTNER], order=43)
        navigation.register("微心愿管理", "volunteers:wish_list", roles=staff, order=44)
        navigation.register("志愿服务", "volunteers:task_list", roles=staff, order=45)
        navigation.register("服务队伍", "volunteers:team_list", roles=staff, order=46)
        navigation.register("重点人员“四个一”", "volunteers:roster", roles=staff, order=47)
        workpanels.register(panels.volunteer_panel, roles=[Role.VOLUNTEER])
        workpanels.register(panels.partner_panel, roles=[Role.PARTNER])
        workpanels.register(panels.staff_panel, roles=[Role.GRID_WORKER, Role.COMMUNITY_STAFF])
