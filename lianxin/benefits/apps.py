from lianxin.core import appconfig


class BenefitsConfig(appconfig.LianxinAppConfig):
    name = "lianxin.benefits"
    verbose_name = "救助待遇与资金"

    def contribute(self) -> None:
        from lianxin.core import navigation, workpanels
        from lianxin.core.roles import AREA_STAFF_ROLES, TOWNSHIP_AND_ABOVE_ROLES, Role

        from . import panels

        departments = TOWNSHIP_AND_ABOVE_ROLES
        staff = AREA_STAFF_ROLES
        navigation.register(
            "待遇申请", "benefits:application_index", roles=[*staff, Role.GRID_WORKER], order=40
        )
        navigation.register("救助政策", "benefits:policy_index", roles=staff, order=41)
        navigation.register("享受待遇", "benefits:entitlement_index", roles=staff, order=42)
        navigation.register("发放与台账", "benefits:run_index", roles=departments, order=43)
        navigation.register("困难职工档案", "benefits:union_index", roles=staff, order=44)
        workpanels.register(panels.frontline_panel, roles=[Role.COMMUNITY_STAFF])
        workpanels.register(panels.department_panel, roles=departments)
