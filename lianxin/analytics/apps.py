from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "lianxin.analytics"
    label = "analytics"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from lianxin.core import navigation
        from lianxin.core.roles import Role

        navigation.register(
            "工作看板",
            "dashboard",
            roles=[
                Role.LEADER,
                Role.TOWNSHIP_STAFF,
                Role.COUNTY_STAFF,
                Role.CITY_STAFF,
                Role.REGION_STAFF,
            ],
            order=5,
        )
        from . import sensitivity  # noqa: F401  (registers its fields' labels)
