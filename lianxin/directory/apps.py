from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "lianxin.directory"
    label = "directory"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from lianxin.core import navigation

        navigation.register("组织机构", "directory:organisation_index", order=85)
