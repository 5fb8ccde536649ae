from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ishc.api"
    label = "api"
    verbose_name = "API"
