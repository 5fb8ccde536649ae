"""Finding 7 of the capabilities issue: production headers and settings.

No Content-Security-Policy, no HSTS, no SECURE_PROXY_SSL_HEADER (password-reset links said
http:// behind the documented HTTPS proxy), `check --deploy` gave warnings, authenticated pages
could be kept by a shared browser's cache, and password-reset mails could be sent without limit.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.core import mail
from django.urls import reverse

ISHC = Path(__file__).resolve().parents[2]
ROOT = ISHC.parent

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-production-secret-key-9f3c1b7e2d4a6f8e0c2b4d6f8a0c2e4f6b8d0a2c",
    "ALLOWED_HOSTS": "ishc.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://ishc.example.vn",
    "HTTPS": "1",
    "BEHIND_PROXY": "1",
}


def _run(code_or_args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTEST"))}
    env.update(env_extra)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    env["DJANGO_SETTINGS_MODULE"] = "ishc.settings"
    return subprocess.run(
        [sys.executable, *code_or_args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_believes_the_proxy_only_when_told_there_is_one(tmp_path):
    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    behind = _run(["-c", show], PRODUCTION, tmp_path)
    assert behind.stdout.split() == ["('HTTP_X_FORWARDED_PROTO',", "'https')", "31536000", "True"]
    direct = _run(["-c", show], {**PRODUCTION, "BEHIND_PROXY": "0", "HTTPS": "0"}, tmp_path)
    assert direct.stdout.split() == ["None", "0", "False"]


def test_reset_links_say_https_behind_the_proxy(client, world, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    world.commune.email = "xuan@example.org"
    world.commune.save()
    client.post(
        reverse("password_reset"), {"email": "xuan@example.org"}, HTTP_X_FORWARDED_PROTO="https"
    )
    assert "https://testserver" in mail.outbox[0].body and "http://" not in mail.outbox[0].body


def test_it_sends_a_policy_that_allows_no_inline_script(client, world):
    client.force_login(world.commune)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    script = re.search(r"script-src ([^;]*)", policy).group(1)
    assert script.strip() == "'self'"
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)


def test_no_template_needs_an_inline_script():
    offenders = []
    for path in ISHC.glob("*/templates/**/*.html"):
        text = path.read_text()
        if INLINE_SCRIPT.search(text) or HANDLER.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(ISHC)))
    assert offenders == []


def test_authenticated_pages_are_never_stored_by_a_browser_cache(client, world):
    client.force_login(world.commune)
    for url in [reverse("home"), reverse("clubs:list"), reverse("clubs:detail", args=[world.A.pk])]:
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_it_limits_password_reset_mails(client, world, settings):
    settings.PASSWORD_RESET_MAX_PER_EMAIL = 3
    settings.PASSWORD_RESET_MAX_PER_ADDRESS = 3
    world.commune.email = "xuan@example.org"
    world.commune.save()
    for _ in range(10):
        response = client.post(reverse("password_reset"), {"email": "xuan@example.org"})
        assert response.status_code == 302
    # The owner of the address gets three mails, not ten; the page does not say which.
    assert len(mail.outbox) == 3
    # One address asking for many people's resets is stopped with a message.
    for n in range(2):
        client.post(reverse("password_reset"), {"email": f"other{n}@example.org"})
    response = client.post(reverse("password_reset"), {"email": "more@example.org"})
    assert response.status_code == 200
    assert response.context["form"].errors
    # Someone else, elsewhere, is not affected.
    world.club.email = "lan@example.org"
    world.club.save()
    client.post(reverse("password_reset"), {"email": "lan@example.org"}, REMOTE_ADDR="198.51.100.3")
    assert len(mail.outbox) == 4


def test_a_download_whose_file_is_gone_says_so_instead_of_500(client, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ishc.board import services

    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = False
    document = services.create_document(
        world.central,
        upload=SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%%EOF\n"),
        title="Quyết định",
        doc_type="decision",
        issuer="TTg",
        issued_on="2025-01-01",
        language="vi",
    )
    version = document.versions.get()
    version.file.storage.delete(version.file.name)
    client.raise_request_exception = False
    client.force_login(world.central)
    response = client.get(reverse("board:download", args=[version.pk]))
    assert response.status_code == 404
    assert "core/file_missing.html" in [t.name for t in response.templates]


def test_it_gives_the_query_planner_statistics(world):
    from django.core.management import call_command
    from django.db import connection

    from ishc.activities.tests.factories import member

    for i in range(3):
        member(world.A, f"Thành viên {i}")
    call_command("analyze_db")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'clubs_member'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_user_tables "
                "WHERE relname = 'clubs_member' AND last_analyze IS NOT NULL"
            )
        assert cursor.fetchone()[0] > 0
