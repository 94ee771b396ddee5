from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "lianxin.hotline"
    label = "hotline"
    verbose_name = "12345热线"

    def ready(self) -> None:
        from lianxin.core import navigation, workpanels
        from lianxin.core.roles import AREA_STAFF_ROLES, Role

        from .panels import agent_panels, unit_panels

        agent = [Role.HOTLINE_AGENT]
        overseers = [Role.HOTLINE_AGENT, Role.LEADER, *AREA_STAFF_ROLES]
        navigation.register("受理诉求", "hotline:intake", roles=agent, order=20)
        navigation.register("待派单", "hotline:agent_queue", roles=agent, order=21)
        navigation.register("待回访", "hotline:callback_queue", roles=agent, order=22)
        navigation.register("本单位工单", "hotline:unit_queue", roles=[Role.UNIT_STAFF], order=20)
        navigation.register(
            "工单查询", "hotline:order_list", roles=[*overseers, Role.UNIT_STAFF], order=23
        )
        navigation.register("督办", "hotline:supervision", roles=overseers, order=24)
        navigation.register(
            "问题清单", "hotline:ledger", roles=[*overseers, Role.UNIT_STAFF], order=25
        )
        navigation.register("热线指标", "hotline:reports", roles=overseers, order=26)
        navigation.register("回音", "hotline:digest", roles=overseers, order=27)
        workpanels.register(agent_panels, roles=agent)
        workpanels.register(unit_panels, roles=[Role.UNIT_STAFF])
