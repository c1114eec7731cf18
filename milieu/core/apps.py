from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "milieu.core"
    label = "core"
