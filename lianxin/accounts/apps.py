from lianxin.core import appconfig


class AccountsConfig(appconfig.LianxinAppConfig):
    name = "lianxin.accounts"
    verbose_name = "账户与权限"

    def contribute(self) -> None:
        from lianxin.core import navigation

        navigation.register("我的区域", "accounts:my_areas", order=90)
