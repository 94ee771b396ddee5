from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "lianxin.monitoring"
    label = "monitoring"
    verbose_name = "大数据比对"

    def ready(self) -> None:
        from lianxin.core import navigation, workpanels
        from lianxin.core.roles import Role

        from .panels import alert_panel

        roles = [Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.CITY_STAFF, Role.REGION_STAFF]
        navigation.register("大数据比对", "monitoring:index", roles=roles, order=40)
        workpanels.register(alert_panel, roles=roles)
