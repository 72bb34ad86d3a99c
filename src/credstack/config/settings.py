"""credstack's one settings module: everything comes from the environment.

Every variable is described in docs/configuration.md. The defaults run a complete local
instance (SQLite in WAL mode, huey on SQLite, mail to the console) in the data directory
``CREDSTACK_HOME``; ``credstack init`` creates that directory and its secret files.
Outside debug, a missing secret key or key-encryption key stops start-up.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from credstack.common.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
)

SECRET_KEY_FILE_NAME = "secret_key"
KEY_ENCRYPTION_KEY_FILE_NAME = "key_encryption_key"
DATABASE_FILE_NAME = "credstack.sqlite3"

CREDSTACK_HOME = Path(env_str("CREDSTACK_HOME", "./.credstack")).expanduser().resolve()
DEBUG = env_bool("CREDSTACK_DEBUG", False)

# --- Public address ---------------------------------------------------------------
CREDSTACK_BASE_URL = env_str("CREDSTACK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_base = urlsplit(CREDSTACK_BASE_URL)
if _base.scheme not in ("http", "https") or not _base.hostname:
    raise ImproperlyConfigured(
        f"CREDSTACK_BASE_URL must be an http(s) URL such as https://badges.example.edu, "
        f"not {CREDSTACK_BASE_URL!r}"
    )
if _base.query or _base.fragment:
    raise ImproperlyConfigured("CREDSTACK_BASE_URL must not have a query or fragment")

ALLOWED_HOSTS = env_list(
    "CREDSTACK_ALLOWED_HOSTS",
    [_base.hostname, "localhost", "127.0.0.1"] if DEBUG else [_base.hostname],
)
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]

# --- Secrets ----------------------------------------------------------------------
_secret_key = env_secret(
    "CREDSTACK_SECRET_KEY", fallback_file=CREDSTACK_HOME / SECRET_KEY_FILE_NAME
)
if _secret_key is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "no secret key: set CREDSTACK_SECRET_KEY or CREDSTACK_SECRET_KEY_FILE, "
            f"or run `credstack init` to create {CREDSTACK_HOME / SECRET_KEY_FILE_NAME}"
        )
    _secret_key = "insecure-debug-only-secret-key-never-use-in-production"
SECRET_KEY = _secret_key


def _decode_key_encryption_key(value: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(
            "CREDSTACK_KEY_ENCRYPTION_KEY must be 32 bytes in base64url "
            '(e.g. the output of `python -c "import base64,os;'
            'print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`)'
        )
    return key


_kek = env_secret(
    "CREDSTACK_KEY_ENCRYPTION_KEY",
    fallback_file=CREDSTACK_HOME / KEY_ENCRYPTION_KEY_FILE_NAME,
)
if _kek is None and not DEBUG:
    raise ImproperlyConfigured(
        "no key-encryption key for issuers' signing keys: set CREDSTACK_KEY_ENCRYPTION_KEY "
        "or CREDSTACK_KEY_ENCRYPTION_KEY_FILE, or run `credstack init` to create "
        f"{CREDSTACK_HOME / KEY_ENCRYPTION_KEY_FILE_NAME}"
    )
# None only in debug: signing keys cannot then be created or used (a clear error says so).
CREDSTACK_KEY_ENCRYPTION_KEY: bytes | None = (
    _decode_key_encryption_key(_kek) if _kek is not None else None
)

# --- Applications -----------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    # Listed so the API's interactive docs load Swagger UI from this instance's static
    # files (django-ninja ships them), never from a CDN.
    "ninja",
    # htmx as a static file of this instance, for the pages that update parts of themselves.
    "django_htmx",
    "credstack.accounts",
    "credstack.issuing",
    "credstack.web",
    "credstack.verification",
    "credstack.wallet",
    "credstack.bulk",
    "credstack.claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the URL, headers or session cookie: PostgreSQL refuses a NUL.
    "credstack.common.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Picks each request's language from the browser's Accept-Language among LANGUAGES.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Sets request.htmx, so a view can answer htmx's requests with a fragment of its page.
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "credstack.config.urls"
WSGI_APPLICATION = "credstack.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
            ]
        },
    }
]

# --- Database -----------------------------------------------------------------------
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": CREDSTACK_HOME / DATABASE_FILE_NAME,
            "OPTIONS": {
                # WAL lets the web process read while the job worker writes; IMMEDIATE
                # transactions take the write lock up front instead of failing midway.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

# --- Background jobs (huey) -------------------------------------------------------
_redis_url = env_str("CREDSTACK_REDIS_URL")
HUEY: dict[str, object]
if _redis_url:
    HUEY = {"name": "credstack", "huey_class": "huey.RedisHuey", "url": _redis_url}
else:
    HUEY = {
        "name": "credstack",
        "huey_class": "huey.SqliteHuey",
        "filename": str(CREDSTACK_HOME / "huey.sqlite3"),
    }
# Run jobs in the calling process (no worker) when asked, e.g. in tests or debug.
HUEY["immediate"] = env_bool("CREDSTACK_JOBS_IMMEDIATE", DEBUG)

# --- Cache ---------------------------------------------------------------------------
# The verification rate limit counts in Django's cache. With Redis, all worker processes
# share one count per client; otherwise each process keeps its own, in memory.
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": "credstack",
        }
    }

# --- Public verification and the network ----------------------------------------------
# Largest submission the verifier page and POST /credentials/verify accept, in bytes.
CREDSTACK_VERIFY_MAX_BYTES = env_int("CREDSTACK_VERIFY_MAX_BYTES", 2 * 1024 * 1024)
# Verifications per client address per minute (kept in Django's cache).
CREDSTACK_VERIFY_RATE_LIMIT = env_int("CREDSTACK_VERIFY_RATE_LIMIT", 30)
# Lets the fetcher reach http:// and private addresses: a developer's own machine only.
CREDSTACK_FETCH_DEVELOPMENT_MODE = env_bool("CREDSTACK_FETCH_DEVELOPMENT_MODE", False)

# --- Learner wallet --------------------------------------------------------------------
# Largest original (JSON, JWT or image) a wallet keeps, in bytes.
CREDSTACK_WALLET_MAX_BYTES = env_int("CREDSTACK_WALLET_MAX_BYTES", 2 * 1024 * 1024)
# A held credential is verified again on display when its last check is older than this.
CREDSTACK_WALLET_REVERIFY_SECONDS = env_int("CREDSTACK_WALLET_REVERIFY_SECONDS", 600)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "wallet:list"

# --- Definition images -------------------------------------------------------------------
# Largest PNG or SVG an issuer can upload for a definition, in bytes.
CREDSTACK_IMAGE_MAX_BYTES = env_int("CREDSTACK_IMAGE_MAX_BYTES", 2 * 1024 * 1024)

# --- Demo ----------------------------------------------------------------------------
# A demo instance (set by `credstack demo`): the home page lists the demo accounts.
CREDSTACK_DEMO = env_bool("CREDSTACK_DEMO", False)

# --- Bulk awarding -----------------------------------------------------------------------
# Rows and bytes one uploaded CSV may hold.
CREDSTACK_BULK_MAX_ROWS = env_int("CREDSTACK_BULK_MAX_ROWS", 100_000)
CREDSTACK_BULK_MAX_BYTES = env_int("CREDSTACK_BULK_MAX_BYTES", 20 * 1024 * 1024)
# Processes that sign a large bulk job's credentials; 0: one per CPU, 1: the job's own.
CREDSTACK_BULK_SIGNING_PROCESSES = env_int("CREDSTACK_BULK_SIGNING_PROCESSES", 0)
if CREDSTACK_BULK_SIGNING_PROCESSES < 0:
    raise ImproperlyConfigured("CREDSTACK_BULK_SIGNING_PROCESSES must be 0 (one per CPU) or more")

# --- Claim links -------------------------------------------------------------------
# Days a learner's one-time claim link works.
CREDSTACK_CLAIM_LINK_DAYS = env_int("CREDSTACK_CLAIM_LINK_DAYS", 30)
if CREDSTACK_CLAIM_LINK_DAYS < 1:
    raise ImproperlyConfigured("CREDSTACK_CLAIM_LINK_DAYS must be 1 or more (days)")

# --- Mail -------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("CREDSTACK_FROM_EMAIL", f"credstack <noreply@{_base.hostname}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_smtp_url = env_str("CREDSTACK_SMTP_URL")
if _smtp_url:
    _smtp = urlsplit(_smtp_url)
    if _smtp.scheme not in ("smtp", "smtps") or not _smtp.hostname:
        raise ImproperlyConfigured(
            "CREDSTACK_SMTP_URL must look like smtp://user:password@host:587 "
            "(STARTTLS) or smtps://user:password@host:465 (TLS)"
        )
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp.hostname
    EMAIL_PORT = _smtp.port or (465 if _smtp.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_smtp.username or "")
    EMAIL_HOST_PASSWORD = unquote(_smtp.password or "")
    EMAIL_USE_SSL = _smtp.scheme == "smtps"
    EMAIL_USE_TLS = _smtp.scheme == "smtp" and "starttls=false" not in _smtp.query.lower()
    EMAIL_TIMEOUT = env_int("CREDSTACK_SMTP_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Files, language, time --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = CREDSTACK_HOME / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = CREDSTACK_HOME / "media"
LANGUAGE_CODE = "en"
# Only the languages credstack has a catalogue for (docs/translation.md), so that a page
# never mixes Django's own translated messages with credstack's English ones.
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent.parent / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Security ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _base.scheme == "https"
if env_bool("CREDSTACK_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Strict-Transport-Security on every answer over https (0: not sent, e.g. when the
# reverse proxy sends it).
SECURE_HSTS_SECONDS = env_int("CREDSTACK_HSTS_SECONDS", 0)
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured("CREDSTACK_HSTS_SECONDS must be 0 or more (seconds)")
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("CREDSTACK_LOG_LEVEL", "INFO")},
    # Configured here, so that the job worker (run_huey) does not add a second handler.
    "loggers": {"huey": {"handlers": ["console"], "propagate": False}},
}
