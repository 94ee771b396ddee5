from lianxin.core import appconfig


class CareConfig(appconfig.LianxinAppConfig):
    name = "lianxin.care"
    verbose_name = "特殊困难群众关爱帮扶"

    def contribute(self) -> None:
        from lianxin.core import householdsections, navigation, workpanels
        from lianxin.core.roles import FRONTLINE_AND_AREA_ROLES, TOWNSHIP_AND_ABOVE_ROLES, Role

        from . import household, panels

        staff = [*FRONTLINE_AND_AREA_ROLES, Role.UNIT_STAFF, Role.LEADER]
        departments = [*TOWNSHIP_AND_ABOVE_ROLES, Role.UNIT_STAFF]
        reviewers = [Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF]
        navigation.register("关爱帮扶", "care:case_index", roles=staff, order=30)
        navigation.register("我的待办", "care:todos", roles=[Role.GRID_WORKER], order=31)
        navigation.register("评议认定", "care:review_queue", roles=reviewers, order=32)
        navigation.register("转介待办", "care:referral_queue", roles=reviewers, order=32)
        navigation.register("帮扶措施", "care:measure_queue", roles=departments, order=33)
        navigation.register("我包抓的住户", "care:leader_households", roles=[Role.LEADER], order=34)
        navigation.register("关爱批次", "care:batch_index", roles=staff, order=35)
        navigation.register(
            "联席会议", "care:meeting_index", roles=[*departments, Role.LEADER], order=36
        )
        workpanels.register(panels.grid_worker_panel, roles=[Role.GRID_WORKER])
        workpanels.register(panels.review_panel, roles=reviewers)
        workpanels.register(panels.department_panel, roles=departments)
        workpanels.register(panels.leader_panel, roles=[Role.LEADER])
        householdsections.register(household.care_sections, order=30)
