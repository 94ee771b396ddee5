from lianxin.core import appconfig


class OfflineConfig(appconfig.LianxinAppConfig):
    name = "lianxin.offline"
    verbose_name = "离线工作"

    def contribute(self) -> None:
        from lianxin.core import workpanels
        from lianxin.core.roles import Role

        from .panels import offline_panel

        workpanels.register(offline_panel, roles=[Role.GRID_WORKER])
