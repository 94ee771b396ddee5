from lianxin.core import appconfig


class RegistryConfig(appconfig.LianxinAppConfig):
    name = "lianxin.registry"
    verbose_name = "居民信息"

    def contribute(self) -> None:
        from lianxin.core import navigation, workpanels
        from lianxin.core.roles import AREA_STAFF_ROLES, FRONTLINE_AND_AREA_ROLES

        from .panels import my_registry_panel

        residents = FRONTLINE_AND_AREA_ROLES
        navigation.register("住户信息", "registry:household_list", roles=residents, order=20)
        navigation.register("重点人员", "registry:key_person_ledger", roles=residents, order=21)
        navigation.register("批量导入", "registry:import_upload", roles=AREA_STAFF_ROLES, order=22)
        workpanels.register(my_registry_panel, roles=residents)
