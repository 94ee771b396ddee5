from lianxin.core import appconfig


class EmploymentConfig(appconfig.LianxinAppConfig):
    name = "lianxin.employment"
    verbose_name = "残疾人就业"

    def contribute(self) -> None:
        from lianxin.core import navigation, workpanels
        from lianxin.core.roles import AREA_STAFF_ROLES, Role

        from . import panels

        staff = AREA_STAFF_ROLES
        navigation.register("残疾人就业", "employment:index", roles=staff, order=60)
        navigation.register("我的岗位", "employment:my_posts", roles=[Role.EMPLOYER], order=60)
        workpanels.register(panels.staff_panel, roles=staff)
        workpanels.register(panels.employer_panel, roles=[Role.EMPLOYER])
