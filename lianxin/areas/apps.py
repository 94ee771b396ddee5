from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "lianxin.areas"
    label = "areas"
    verbose_name = "行政区划与网格"

    def ready(self) -> None:
        from lianxin.core import navigation

        navigation.register("区划与网格", "areas:division_index", order=80)
