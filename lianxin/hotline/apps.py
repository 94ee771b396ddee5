from lianxin.core import appconfig


class HotlineConfig(appconfig.LianxinAppConfig):
    name = "lianxin.hotline"
    verbose_name = "12345热线"

    def contribute(self) -> None:
        from lianxin.core import householdsections, navigation, workpanels
        from lianxin.core.roles import AREA_STAFF_ROLES, Role

        from .household import hotline_section
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
        managers = [Role.HOTLINE_AGENT, Role.LEADER]
        navigation.register("职责清单", "hotline:duty_list", roles=managers, order=28)
        navigation.register("派单准确率", "hotline:routing_accuracy", roles=managers, order=29)
        workpanels.register(agent_panels, roles=agent)
        workpanels.register(unit_panels, roles=[Role.UNIT_STAFF])
        householdsections.register(hotline_section, order=40)
