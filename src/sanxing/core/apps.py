from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sanxing.core"
    label = "core"
    verbose_name = "core"
