from lianxin.core import appconfig


class AreasConfig(appconfig.LianxinAppConfig):
    name = "lianxin.areas"
    verbose_name = "行政区划与网格"

    def contribute(self) -> None:
        from lianxin.core import navigation
        from lianxin.core.roles import STRUCTURE_ROLES

        navigation.register("区划与网格", "areas:division_index", roles=STRUCTURE_ROLES, order=80)
