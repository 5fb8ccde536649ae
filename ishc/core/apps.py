from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(using="default", **kwargs):
    """The database cache's table (settings.caches_for), made by every `migrate` so that a new
    server, `make run` and the test databases never start without it. Nothing happens when the
    cache is Redis."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "ishc.core"

    def ready(self):
        post_migrate.connect(_create_cache_table, sender=self)
