from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "lianxin.care"
    label = "care"
    verbose_name = "特殊困难群众关爱帮扶"
