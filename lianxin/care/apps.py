from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "lianxin.care"
    label = "care"
    verbose_name = "特殊困难群众关爱帮扶"

    def ready(self) -> None:
        from lianxin.core import navigation, workpanels
        from lianxin.core.roles import Role

        from . import panels

        staff = [
            Role.GRID_WORKER,
            Role.COMMUNITY_STAFF,
            Role.TOWNSHIP_STAFF,
            Role.COUNTY_STAFF,
            Role.CITY_STAFF,
            Role.REGION_STAFF,
            Role.UNIT_STAFF,
            Role.LEADER,
        ]
        navigation.register("关爱帮扶", "care:case_index", roles=staff, order=30)
        navigation.register("我的待办", "care:todos", roles=[Role.GRID_WORKER], order=31)
        navigation.register(
            "评议认定",
            "care:review_queue",
            roles=[Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF],
            order=32,
        )
        navigation.register(
            "帮扶措施",
            "care:measure_queue",
            roles=[
                Role.TOWNSHIP_STAFF,
                Role.COUNTY_STAFF,
                Role.CITY_STAFF,
                Role.REGION_STAFF,
                Role.UNIT_STAFF,
            ],
            order=33,
        )
        navigation.register("我包抓的住户", "care:leader_households", roles=[Role.LEADER], order=34)
        navigation.register("关爱批次", "care:batch_index", roles=staff, order=35)
        navigation.register(
            "联席会议",
            "care:meeting_index",
            roles=[
                Role.TOWNSHIP_STAFF,
                Role.COUNTY_STAFF,
                Role.CITY_STAFF,
                Role.REGION_STAFF,
                Role.UNIT_STAFF,
                Role.LEADER,
            ],
            order=36,
        )
        workpanels.register(panels.grid_worker_panel, roles=[Role.GRID_WORKER])
        workpanels.register(panels.review_panel, roles=[Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF])
        workpanels.register(
            panels.department_panel,
            roles=[
                Role.TOWNSHIP_STAFF,
                Role.COUNTY_STAFF,
                Role.CITY_STAFF,
                Role.REGION_STAFF,
                Role.UNIT_STAFF,
            ],
        )
        workpanels.register(panels.leader_panel, roles=[Role.LEADER])
