from lianxin.core import appconfig


class ResourcesConfig(appconfig.LianxinAppConfig):
    name = "lianxin.resources"
    verbose_name = "爱心联盟与资源"

    def contribute(self) -> None:
        from django.db.models.signals import post_save

        from lianxin.core import navigation, workpanels
        from lianxin.core.roles import AREA_STAFF_ROLES, Role
        from lianxin.registry.models import AssistanceStatus

        from . import panels, tasks

        staff = [*AREA_STAFF_ROLES, Role.LEADER]
        navigation.register(
            "爱心联盟", "resources:index", roles=[*staff, Role.GRID_WORKER], order=50
        )
        navigation.register(
            "爱心卡", "resources:card_index", roles=[*staff, Role.GRID_WORKER], order=51
        )
        navigation.register("捐赠物资", "resources:stock_index", roles=staff, order=52)
        custodians = [Role.GRID_WORKER, Role.VOLUNTEER, Role.PARTNER]
        navigation.register(
            "共享药箱", "resources:box_index", roles=[*staff, *custodians], order=53
        )
        navigation.register("爱心卡核销", "resources:redeem", roles=[Role.PARTNER], order=10)
        navigation.register("本单位", "resources:my_partner", roles=[Role.PARTNER], order=11)
        navigation.register(
            "积分商家", "resources:points_merchants", roles=[Role.VOLUNTEER], order=40
        )
        workpanels.register(panels.partner_panel, roles=[Role.PARTNER])
        workpanels.register(panels.staff_panel, roles=staff)
        workpanels.register(panels.custodian_panel, roles=custodians)
        workpanels.register(panels.volunteer_panel, roles=[Role.VOLUNTEER])
        post_save.connect(
            tasks.on_assistance_saved, sender=AssistanceStatus, dispatch_uid="resources.cards"
        )
