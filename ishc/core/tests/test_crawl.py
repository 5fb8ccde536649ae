"""Finding 7 of the capabilities issue: no page answers 5xx under DEBUG=0, for any demo role.

Logged in as each demo user on the full demo data (the official unit lists and `make run`'s
demo), follow the links and htmx addresses of every page from the home page, breadth first, at
most PAGES_PER_ROLE pages per role and one page per address shape (ids and query values folded),
so each kind of page is seen once per role. Every HTML page is also checked to carry no inline
script nor on…= handler, which the Content-Security-Policy would block.
"""

import re
from collections import deque
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from ishc.accounts.models import User
from ishc.core import demo
from ishc.geo.loader import DATA_DIR, load

PAGES_PER_ROLE = 35
ROLES = ["admin", "central", "board", "province", "commune", "club", "viewer"]
LINK = re.compile(r"""(?:href|hx-get)="(/[^"#]*)""")
SKIP = ("/static/", "/media/", "/i18n/", "/accounts/logout/", "/admin/logout/")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=\s*["']""", re.I)


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({k for k, _v in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _crawl(client: Client, limit: int) -> tuple[list[str], list[str], int]:
    errors, inline = [], []
    seen, queue, visited = {_shape("/")}, deque(["/"]), 0
    while queue and visited < limit:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {url}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if not url.startswith("/admin/") and (INLINE_SCRIPT.search(html) or HANDLER.search(html)):
            inline.append(url)
        for link in LINK.findall(html):
            link = unescape(link)
            if link.startswith(SKIP) or _shape(link) in seen:
                continue
            seen.add(_shape(link))
            queue.append(link)
    return errors, inline, visited


@pytest.fixture
def demo_data(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load(DATA_DIR)
    demo.build()


def test_no_page_answers_5xx_under_debug_off_for_any_demo_role(demo_data, settings):
    settings.DEBUG = False
    report = {}
    for username in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        report[username] = _crawl(client, PAGES_PER_ROLE)
    assert {u: r[0] for u, r in report.items() if r[0]} == {}
    assert {u: r[1] for u, r in report.items() if r[1]} == {}
    # The crawl really went through the site, not just the home page.
    assert all(r[2] >= 20 for r in report.values()), {u: r[2] for u, r in report.items()}
