"""One settings file, read from the environment (healthchecks' style).

Every value has a development default; production (``SANXING_ENV=production``) refuses to
start without the values that must not be guessed (SECRET_KEY, ALLOWED_HOSTS).
Bad values stop the process with a message that names the variable.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


SANXING_ENV = env_str("SANXING_ENV", "development")
if SANXING_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"SANXING_ENV={SANXING_ENV!r}: expected development, production or test"
    )
PRODUCTION = SANXING_ENV == "production"

# The data directory: the checkout's data/ when running from a checkout, else ./data.
_CHECKOUT = BASE_DIR.parent.parent
_DEFAULT_DATA = (
    _CHECKOUT / "data" if (_CHECKOUT / "pyproject.toml").exists() else Path.cwd() / "data"
)
DATA_DIR = Path(env_str("SANXING_DATA_DIR", str(_DEFAULT_DATA))).resolve()

DEBUG = env_bool("DEBUG", default=not PRODUCTION and SANXING_ENV != "test")


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Generate one with "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'` and put it in the "
            "environment of every web and worker process."
        )
    # Development: one random key per data directory, so sessions survive restarts.
    path = DATA_DIR / "secret_key"
    try:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()
    except OSError:
        return "insecure-development-key-" + "x" * 40


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set: list the host names this site answers to, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Reverse proxies whose X-Forwarded-For is believed (rate limits count real clients).
TRUSTED_PROXIES = env_list("FORWARDED_ALLOW_IPS", "127.0.0.1")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    # ours, in dependency order (shared/DESIGN.md): people and workcal depend on nothing of ours
    "sanxing.core",
    "sanxing.people",
    "sanxing.workcal",
    "sanxing.notify",
    "sanxing.casework",
    "sanxing.gatherings",
    "sanxing.documents",
    "sanxing.deputies",
    "sanxing.api",
    "sanxing.web",
    "sanxing.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sanxing.web.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "sanxing.urls"
WSGI_APPLICATION = "sanxing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sanxing.web.context_processors.shell",
            ],
        },
    },
]

# Database: DATABASE_URL selects it (postgres://… in production); SQLite in the data dir
# otherwise. SQLite runs in WAL mode with IMMEDIATE transactions so writers queue instead of
# failing with "database is locked".
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'sanxing.sqlite3'}"
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL I understand: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["TEST"] = {"NAME": env_str("SANXING_TEST_SQLITE", "") or None}
DATABASES = {"default": _db}
# A cache shared by every web and worker process (rate limits, throttles): the database.
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": env_str("CACHE_LOCATION", "sanxing_cache"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Languages: zh-Hans is the default; each user's choice is remembered on their account.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["sanxing.web.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if not PRODUCTION:
    # WhiteNoise warns at every start when the collected-static folder is missing.
    with contextlib.suppress(OSError):
        STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"

# Mail: SMTP out. EMAIL_URL-style variables kept separate for clarity.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "sanxing@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Daily digests go out at this local hour or later (`sanxing periodic` runs every few minutes).
NOTICE_DIGEST_HOUR = env_int("NOTICE_DIGEST_HOUR", 7)

# SMS: an interface with a logging backend by default (sanxing.notify.sms).
SMS_BACKEND = env_str("SMS_BACKEND", "sanxing.notify.sms.LoggingSmsBackend")

# Background work: django-tasks on the database; workers claim rows with SKIP LOCKED.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# PDFs: fonts are configurable because the official 仿宋/小標宋 are proprietary.
PDF_FONT_BODY = env_str("PDF_FONT_BODY", "FangSong, STFangsong, 'Noto Serif CJK SC', serif")
PDF_FONT_TITLE = env_str("PDF_FONT_TITLE", "'FZXiaoBiaoSong-B05S', 'Noto Serif CJK SC', serif")

# The congress (code) whose office keeps the deployment-wide working calendar; empty: the
# only top-level congress.
CALENDAR_CONGRESS = env_str("CALENDAR_CONGRESS", "")

# Attachments (letters, replies, plans): size and types, checked from the bytes.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
ATTACHMENT_ALLOWED_TYPES = env_list(
    "ATTACHMENT_ALLOWED_TYPES", "pdf,doc,docx,xls,xlsx,jpg,png,txt,ofd"
)
# The inbound mail gateway (`sanxing mailin`): largest message, messages per sender an hour.
MAILIN_MAX_BYTES = env_int("MAILIN_MAX_BYTES", 30 * 1024 * 1024)
MAILIN_MAX_PER_SENDER_PER_HOUR = env_int("MAILIN_MAX_PER_SENDER_PER_HOUR", 10)
# Casework: days past a unit's deadline before the office and the leader are alerted.
CASEWORK_ESCALATE_AFTER_DAYS = env_int("CASEWORK_ESCALATE_AFTER_DAYS", 7)
# Receipts (收件回執) the gateway mails to one writer a day at most: against loops and abuse.
CASEWORK_ACK_MAX_PER_SENDER_PER_DAY = env_int("CASEWORK_ACK_MAX_PER_SENDER_PER_DAY", 3)
# Deputies attending Standing Committee meetings in rotation: places per meeting, and the
# period an invited deputy has to answer (a RULES.md §1 period: 3 working days).
DEPUTIES_ROTATION_SEATS = env_int("DEPUTIES_ROTATION_SEATS", 8)
DEPUTIES_ANSWER_PERIOD = env_str("DEPUTIES_ANSWER_PERIOD", "3wd")

DEMO_PASSWORD = env_str("SANXING_DEMO_PASSWORD", "sanxing-demo")

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_CONTENT_TYPE_NOSNIFF = True
SILENCED_SYSTEM_CHECKS = ["security.W021"] if not env_bool("SECURE_HSTS_PRELOAD", False) else []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

APP_NAME = _("Sanxing Office Platform")
