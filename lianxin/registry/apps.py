from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "lianxin.registry"
    label = "registry"
    verbose_name = "居民信息"

    def ready(self) -> None:
        from lianxin.core import navigation, workpanels
        from lianxin.core.roles import AREA_STAFF_ROLES, Role

        from .panels import my_registry_panel

        residents = [*AREA_STAFF_ROLES, Role.GRID_WORKER]
        navigation.register("住户信息", "registry:household_list", roles=residents, order=20)
        navigation.register("重点人员", "registry:key_person_ledger", roles=residents, order=21)
        navigation.register("批量导入", "registry:import_upload", roles=AREA_STAFF_ROLES, order=22)
        workpanels.register(my_registry_panel, roles=residents)
