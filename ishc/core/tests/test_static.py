from django.core.management import call_command


def test_collectstatic_succeeds_with_the_production_storage(settings, tmp_path):
    """With DEBUG off, static files are hashed: every file they reference must exist."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/htmx.min.*.js"))
