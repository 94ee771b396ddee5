from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "lianxin.registry"
    label = "registry"
    verbose_name = "居民信息"
