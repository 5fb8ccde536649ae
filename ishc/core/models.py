from django.db import models


class DataVersion(models.Model):
    """A counter per part of the country that moves after every committed change in it, so that
    a cached figure knows whether it is still current (see ishc.core.versions).

    Why in the database and not in the cache: a cache may evict a key or be flushed, and a
    counter that restarts at 0 would make old results look current again. A row here only grows.
    """

    key = models.CharField(max_length=40, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.key}={self.version}"
