"""Settings for ISHC, all read from environment variables.

Defaults are for a developer's machine: SQLite in the project folder, DEBUG on, mail printed to the
console. Production sets DATABASE_URL (PostgreSQL), SECRET_KEY, DEBUG=0 and ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


DEBUG = envbool("DEBUG", "1")
# The development key is public on purpose: with DEBUG off, a missing SECRET_KEY stops start-up
# instead of silently signing sessions with a key everybody can read.
SECRET_KEY = os.getenv("SECRET_KEY") or ("dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_NAME = os.getenv("SITE_NAME", "ISHC")
# BEHIND_PROXY=1: requests come through our own reverse proxy, which terminates HTTPS and sets
# X-Forwarded-Proto and X-Forwarded-For. Only then are those headers believed (a client could
# send them itself): the scheme for links in mails and for HSTS, the address for the lock-out.
BEHIND_PROXY = envbool("BEHIND_PROXY", "0")

# Our translations of Django's own messages that read wrong in Vietnamese ("Nhập một số tổng
# thể." for "Enter a whole number."): LOCALE_PATHS is read before every app's catalogue and
# Django's, so these win.
LOCALE_PATHS = [BASE_DIR / "ishc" / "locale"]

INSTALLED_APPS = [
    "ishc.core",
    "ishc.geo",
    "ishc.accounts",
    "ishc.audit",
    "ishc.clubs",
    "ishc.indicators",
    "ishc.finance",
    "ishc.activities",
    "ishc.reports",
    "ishc.board",
    "ishc.api",
    # Swagger UI for /api/v1/docs is served from ninja's bundled static files, never a CDN.
    "ninja",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ishc.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Whether this request's reads may go to the read replica (only when one is configured).
    "ishc.core.replica.ReplicaMiddleware",
    # After authentication and messages: a repeated once-only token answers the first result.
    "ishc.core.once.OnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "ishc.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "ishc.urls"
WSGI_APPLICATION = "ishc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ishc.core.context_processors.shell",
            ],
            "builtins": ["ishc.core.templatetags.ishc"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'ishc.sqlite3'}"),
        # Persistent connections (seconds; docs/deploy.md), checked before reuse so that a
        # restarted database or pooler costs one retry instead of an error page.
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
        conn_health_checks=envint("DB_CONN_MAX_AGE", 0) > 0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while a report or a collection sheet is being written, and the busy
    # timeout makes a second writer wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
if os.getenv("DATABASE_REPLICA_URL"):
    # A read replica for dashboards and exports (ishc.core.replica; docs/deploy.md). The test
    # suite runs without it (the router's decisions are tested on their own); a test database
    # is never created for it.
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
        conn_health_checks=envint("DB_CONN_MAX_AGE", 0) > 0,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["ishc.core.replica.ReplicaRouter"]
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation: the dashboards' grouped queries cost just enough for PostgreSQL to
        # compile them, 0.4 s per query, each time, for queries that run in about a second (the
        # national arrears at 10,000 clubs: 48–54 s cold with it, 38–42 s without;
        # docs/benchmarks.md). Behind PgBouncer, which drops this startup option, set it on the
        # database instead (docs/deploy.md).
        _db.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def caches_for(redis_url: str) -> dict:
    """One cache shared by every worker and server (dashboards, the home page's counts, the
    API's per-token rate limit): Redis when REDIS_URL is set, else a table in the database.
    Never Django's per-process memory cache: each worker would recompute the country on its own
    and keep results, or count requests, the other workers never see."""
    if redis_url:
        default = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": os.getenv("CACHE_KEY_PREFIX", "ishc"),
        }
    else:
        # Created by `migrate` (ishc.core.apps: createcachetable after every migrate).
        default = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ishc_cache",
            "KEY_PREFIX": os.getenv("CACHE_KEY_PREFIX", "ishc"),
            # Django's default of 300 entries culls a third of the table when exceeded: the
            # country's figures alone are 35 entries per page and kind (the nation and its 34
            # provinces), and each club page adds its own.
            "OPTIONS": {"MAX_ENTRIES": 200_000},
        }
    return {"default": default}


CACHES = caches_for(os.getenv("REDIS_URL", ""))

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Lock-out (ishc.accounts.lockout, on django-axes): after LOGIN_MAX_FAILURES failed log-ins for
# one user name from one address, that pair is refused for LOGIN_LOCK_MINUTES, even with the right
# password; the same name from another address still gets in. An address that fails
# LOGIN_MAX_ADDRESS_FAILURES times on all names together in that window is refused before any
# password is hashed.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_MAX_ADDRESS_FAILURES = envint("LOGIN_MAX_ADDRESS_FAILURES", 30)
LOGIN_LOCK_MINUTES = envint("LOGIN_LOCK_MINUTES", 15)
# Password-reset mails within an hour: per mailbox, and different mailboxes per address
# (ishc.accounts.reset).
PASSWORD_RESET_MAX_PER_EMAIL = envint("PASSWORD_RESET_MAX_PER_EMAIL", 3)
PASSWORD_RESET_MAX_PER_ADDRESS = envint("PASSWORD_RESET_MAX_PER_ADDRESS", 10)
# axes' backend comes first, so that a locked pair is refused before the password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = "ishc.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "ishc.accounts.lockout.cool_off"
AXES_USERNAME_CALLABLE = "ishc.accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "ishc.accounts.lockout.client_ip"
AXES_RESET_ON_SUCCESS = True
# A failure while locked does not restart the cool-off: the officer's wait has an end.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful log-ins are not kept by axes (the audit log is ours); failures are kept only as
# the counters above.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

# HTTPS=1: the site is served over HTTPS (SECURE_COOKIES=1 is the older name of the same
# switch). Cookies are then sent over HTTPS only, plain HTTP is redirected, and browsers are told
# by HSTS to use nothing else for HSTS_SECONDS (a year). Behind a proxy (BEHIND_PROXY=1) the
# proxy's X-Forwarded-Proto says whether the request came over HTTPS; without BEHIND_PROXY that
# header is ignored, since any client could send it.
HTTPS = envbool("HTTPS", os.getenv("SECURE_COOKIES", "0"))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading commits the whole domain to HTTPS in every browser for months: the domain's owner
# decides (HSTS_PRELOAD=1), hence the silenced deploy check below.
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", "0")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SILENCED_SYSTEM_CHECKS = [
    "security.W021",  # HSTS preload: see above
    # axes' middleware would answer a locked log-in with its own page; our log-in forms show the
    # lock-out as a form error instead (ishc.accounts.forms), so the middleware is not used.
    "axes.W002",
]

# Content-Security-Policy (django-csp): scripts only from our own static files, so an injected
# <script> or on…= attribute never runs. Pages keep no inline script: behaviour lives in static
# files (core/static/core/ishc.js and each app's). Inline style attributes are allowed: the
# layout uses a few (chart heights, map legend colours) and htmx adds its indicator style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "ishc@localhost")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# Our own format files give dd/mm/yyyy in both languages (Django's own Vietnamese formats differ).
FORMAT_MODULE_PATH = ["ishc.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
# Uploads (regulations, evidence, Excel files) larger than this are refused with a message.
MAX_UPLOAD_MB = envint("MAX_UPLOAD_MB", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
# Archives (Office files, .xlsx imports) are checked member by member in a stream before anything
# reads them (ishc.core.uploads): all members together may inflate to at most this many MB, and no
# member beyond its first MB to more than UPLOAD_MAX_RATIO times its compressed size. A 20,000-row
# import inflates to about 40 MB at a ratio under 20.
UPLOAD_MAX_INFLATED_MB = envint("UPLOAD_MAX_INFLATED_MB", 200)
UPLOAD_MAX_RATIO = envint("UPLOAD_MAX_RATIO", 200)
UPLOAD_MAX_MEMBERS = envint("UPLOAD_MAX_MEMBERS", 2000)
# Collection sheets and attendance lists post one field per member and column.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Domain settings: practice varies between provinces, so these are configuration, not code.
ISHC = {
    # Requests per minute for each API token (or logged-in session), counted in the shared cache.
    "API_REQUESTS_PER_MINUTE": envint("ISHC_API_REQUESTS_PER_MINUTE", 300),
    "OLDER_AGE": envint("ISHC_OLDER_AGE", 60),
    "OLDER_AGE_LOCAL": envint("ISHC_OLDER_AGE_LOCAL", 55),
    "CLUB_SIZE_BAND": (50, 70),
    "WOMEN_BAND": (60, 70),
    "OLDER_BAND": (60, 70),
    "YOUNGER_BAND": (30, 40),
    "IMPORT_MAX_ROWS": envint("ISHC_IMPORT_MAX_ROWS", 20000),
    # Health checks at the monthly meeting: readings at or above these are listed for follow-up;
    # readings outside the plausible ranges are refused as typing mistakes.
    "BP_SYSTOLIC_HIGH": envint("ISHC_BP_SYSTOLIC_HIGH", 140),
    "BP_DIASTOLIC_HIGH": envint("ISHC_BP_DIASTOLIC_HIGH", 90),
    "BP_SYSTOLIC_RANGE": (60, 260),
    "BP_DIASTOLIC_RANGE": (30, 160),
    "WEIGHT_RANGE_KG": (20, 200),
    # Monthly reports are due on this day of the following month.
    "REPORT_DUE_DAY": envint("ISHC_REPORT_DUE_DAY", 5),
    # Rubric "carries out all activities and is well managed": grade by the share of criteria
    # met (at least this share for each grade, best first), and the grades that count as "well
    # managed" in the indicator.
    "RUBRIC_GRADES": (("good", 0.85), ("fair", 0.65), ("average", 0.45), ("weak", 0.0)),
    "RUBRIC_WELL_MANAGED": ("good", "fair"),
    # Months of a year in which a monthly standard must be met to count as met for the year.
    "MONTHS_FOR_YEAR": 10,
    # Dashboards reuse computed indicators until the next audited change (ishc.indicators.cache);
    # 0 turns that off. A day: a result is keyed by the date and current by its versions, so
    # the lifetime only bounds what is stored. Shorter, a national page nobody changed for ten
    # minutes went cold (8.5 s at 10,000 clubs, docs/benchmarks.md) for its next visitor.
    "DASHBOARD_CACHE_SECONDS": envint("ISHC_DASHBOARD_CACHE_SECONDS", 86400),
    # Programme phases (first and last year): "members who borrowed during the phase" counts
    # from the first day of the phase holding the year assessed.
    "PHASES": ((2016, 2020), (2021, 2025), (2026, 2030), (2031, 2035)),
    # Club funds: a loan's annual rate above this ceiling (%) is refused; arrears buckets are the
    # upper bounds (days) of each bucket, the last bucket being "more than the last bound".
    "LOAN_MAX_ANNUAL_RATE": envint("ISHC_LOAN_MAX_ANNUAL_RATE", 24),
    "ARREARS_BUCKETS": (30, 60, 90),
    # Which fund loan interest lands in: the domain keeps it for the club's activities.
    "LOAN_INTEREST_FUND": os.getenv("ISHC_LOAN_INTEREST_FUND", "activity"),
    # Default monthly member fee on the collection sheet (VND); the treasurer can type another.
    "MEMBER_FEE": envint("ISHC_MEMBER_FEE", 5000),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
