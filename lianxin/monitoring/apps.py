from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "lianxin.monitoring"
    label = "monitoring"
    verbose_name = "大数据比对"
