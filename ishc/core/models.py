"""Rows the whole site shares. See ishc.core.once for why a submission is remembered, and
ishc.core.versions for why a data version lives in the database."""

from django.conf import settings
from django.db import models


class Submission(models.Model):
    """One once-only submit: the first request that carried (user, key), and what it answered.

    The row is inserted inside the same transaction as the write it guards, before that write;
    the unique constraint makes a second request with the same key wait for the first and then
    fail to insert, so it answers with the stored result instead of writing again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    # The request the key was first used for: the same key on another path is a client error.
    path = models.CharField(max_length=300)
    # What the first request answered: a redirect's location, or (API) a status and JSON body.
    status = models.PositiveSmallIntegerField(default=0)
    location = models.CharField(max_length=500, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_user_key"),
        ]


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
