from lianxin.core import appconfig


class DirectoryConfig(appconfig.LianxinAppConfig):
    name = "lianxin.directory"
    verbose_name = "组织机构"

    def contribute(self) -> None:
        from lianxin.core import navigation
        from lianxin.core.roles import STRUCTURE_ROLES

        navigation.register(
            "组织机构", "directory:organisation_index", roles=STRUCTURE_ROLES, order=85
        )
