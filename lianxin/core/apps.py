from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lianxin.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from . import navigation
        from .roles import Role

        navigation.register("审计日志", "audit:log", roles=[Role.AUDIT_ADMIN], order=95)
        navigation.register("运行状态", "ops:status", roles=[Role.SYSTEM_ADMIN], order=96)
