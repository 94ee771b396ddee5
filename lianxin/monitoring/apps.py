from lianxin.core import appconfig


class MonitoringConfig(appconfig.LianxinAppConfig):
    name = "lianxin.monitoring"
    verbose_name = "大数据比对"

    def contribute(self) -> None:
        from lianxin.core import householdsections, navigation, workpanels
        from lianxin.core.roles import FRONTLINE_AND_AREA_ROLES

        from .household import alert_section
        from .panels import alert_panel

        roles = FRONTLINE_AND_AREA_ROLES
        navigation.register("大数据比对", "monitoring:index", roles=roles, order=40)
        workpanels.register(alert_panel, roles=roles)
        householdsections.register(alert_section, order=50)
