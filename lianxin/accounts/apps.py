from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lianxin.accounts"
    label = "accounts"
    verbose_name = "账户与权限"

    def ready(self) -> None:
        from lianxin.core import navigation

        navigation.register("我的区域", "accounts:my_areas", order=90)
