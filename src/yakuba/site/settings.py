"""Django settings for yakuba, all read from the environment.

Embedded default: an SQLite file in the data directory (WAL, busy timeout, IMMEDIATE transactions
so that the audit log and a worker never dead-lock each other). Production: `DATABASE_URL`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from yakuba.site.config import data_dir, env_bool, env_int, files_dir, keys_dir

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent.parent
DATA_DIR = data_dir()
KEYS_DIR = keys_dir()
FILES_DIR = files_dir()


def _secret_key() -> str:
    """`YAKUBA_SECRET_KEY`, or one generated once and kept beside the keys (mode 0600)."""
    explicit = os.environ.get("YAKUBA_SECRET_KEY")
    if explicit:
        return explicit
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("YAKUBA_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("YAKUBA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("YAKUBA_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "yakuba.accounts",
    "yakuba.audit",
    "yakuba.vault",
    "yakuba.exports",
    "yakuba.handover",
    "yakuba.jobs",
    "yakuba.intake",
    "yakuba.debit",
    "yakuba.admission",
    "yakuba.consult",
    "yakuba.health",
    "yakuba.council",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files answer here, before no-store below
    "yakuba.site.headers.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "yakuba.accounts.access.AccessMiddleware",
    "yakuba.consult.terminals.TerminalMiddleware",  # centre roles: a registered terminal or no case data
    "yakuba.audit.budget.ReadBudgetMiddleware",
]

ROOT_URLCONF = "yakuba.site.urls"
WSGI_APPLICATION = "yakuba.site.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "yakuba.debit.context.simulated_bank",  # 「模擬銀行」 on every screen while it stands in
                "yakuba.accounts.context.role",
            ],
            "builtins": ["yakuba.accounts.templatetags.yakuba"],
        },
    },
]
# Forms render through Django's own Jinja2 form templates (the same HTML), other widgets through Django templates.
FORM_RENDERER = "yakuba.site.forms_renderer.FormRenderer"

# --- database -------------------------------------------------------------------------------
_sqlite_path = DATA_DIR / "yakuba.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{_sqlite_path}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue on the write lock at BEGIN instead of failing half-way.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- background work ------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": os.environ.get("YAKUBA_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- authentication -------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int("YAKUBA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
# Each alone locks: one user name tried from many addresses, and one address trying many names
# (password spraying). Failures are forgotten only after the cool-off or a full login with the
# second factor (yakuba.accounts.actions.factor), not on a right password alone.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ADMIN = False  # the attempts hold typed user names and addresses: not shown in the admin
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

# --- cookies and headers --------------------------------------------------------------------
_secure = env_bool("YAKUBA_SECURE_COOKIES", not DEBUG and env_bool("YAKUBA_HTTPS", False))
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): this site's own scripts and styles only, no inline script
# or style (templates use static files and classes; htmx's indicator styles are off, base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        # pdf.js (consult attachments) runs its parser in a module worker of this site; media is
        # the audio player's stream of an attachment (this site only)
        "worker-src": ["'self'"],
        "media-src": ["'self'"],
    },
}
if env_bool("YAKUBA_HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- static files (whitenoise; no CDN) ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from the finders; the folder must exist
_node = REPO_DIR / "node_modules"
STATICFILES_DIRS = [BASE_DIR / "static"]
for prefix, folder in (
    ("vendor/htmx", _node / "htmx.org" / "dist"),
    ("vendor/design-tokens", _node / "@digital-go-jp" / "design-tokens" / "dist"),
    ("vendor/pdfjs", _node / "pdfjs-dist" / "legacy" / "build"),  # pdf.min.mjs, pdf.worker.min.mjs
    ("vendor/pdfjs/cmaps", _node / "pdfjs-dist" / "cmaps"),  # Japanese PDFs without embedded fonts
    ("vendor/pdfjs/standard_fonts", _node / "pdfjs-dist" / "standard_fonts"),
    ("vendor/chartjs", _node / "chart.js" / "dist"),  # chart.umd.min.js: the growth charts of yakuba.health
):
    if folder.is_dir():
        STATICFILES_DIRS.append((prefix, folder))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- yakuba ---------------------------------------------------------------------------------
# A supervisor must approve an export of declared personal data with at least this many rows.
YAKUBA_BULK_EXPORT_ROWS = env_int("YAKUBA_BULK_EXPORT_ROWS", 10)
# A built export waits this long in the vault for its download, then is erased (yakuba exports expire).
YAKUBA_EXPORT_TTL_H = env_int("YAKUBA_EXPORT_TTL_H", 24)
# Kinds of export a supervisor may pre-approve for a period (comma-separated, e.g. debit.notices).
YAKUBA_ROUTINE_EXPORTS = [k.strip() for k in os.environ.get("YAKUBA_ROUTINE_EXPORTS", "").split(",") if k.strip()]
# Residents' records a user may see an hour, per role (yakuba.audit.budget; README).
YAKUBA_READ_BUDGET = os.environ.get("YAKUBA_READ_BUDGET", "")
YAKUBA_INSTALLATION = os.environ.get("YAKUBA_INSTALLATION", "demo")

# Uploads stay in memory, never a plaintext temporary file (yakuba.uploads); at most this much a request.
YAKUBA_UPLOAD_LIMIT_MB = env_int("YAKUBA_UPLOAD_LIMIT_MB", 64)
FILE_UPLOAD_HANDLERS = ["yakuba.uploads.InMemoryUploadHandler"]
# A scan may claim at most this many pixels (read from its header: a decompression bomb is refused
# before it is decoded) and a PDF at most this many pages (yakuba.ocr.limits reads the same variables).
YAKUBA_UPLOAD_MAX_PIXELS = env_int("YAKUBA_UPLOAD_MAX_PIXELS", 50_000_000)
YAKUBA_UPLOAD_MAX_PAGES = env_int("YAKUBA_UPLOAD_MAX_PAGES", 200)
# 基幹福祉相談センター attachments (yakuba.consult.media): one file at most this size, pixels, pages, minutes;
# a view's grant (the audio player's range requests) lasts this many seconds, plus the audio's length.
YAKUBA_ATTACHMENT_MAX_MB = env_int("YAKUBA_ATTACHMENT_MAX_MB", 200)
YAKUBA_ATTACHMENT_MAX_PIXELS = env_int("YAKUBA_ATTACHMENT_MAX_PIXELS", 40_000_000)
YAKUBA_ATTACHMENT_MAX_PAGES = env_int("YAKUBA_ATTACHMENT_MAX_PAGES", 100)
YAKUBA_ATTACHMENT_MAX_MINUTES = env_int("YAKUBA_ATTACHMENT_MAX_MINUTES", 180)
YAKUBA_ATTACHMENT_VIEW_S = env_int("YAKUBA_ATTACHMENT_VIEW_S", 1800)

# 口座振替: the relay (仲介機関) the water department sends its 全銀 files through, with this
# installation's client certificate; "simulator" runs the demo's loopback relay and bank simulator.
# a running background job that has not reported for this long lost its worker (yakuba.jobs.models.LEASE)
YAKUBA_JOB_LEASE_S = env_int("YAKUBA_JOB_LEASE_S", 600)
YAKUBA_HOUSEKEEPING_S = env_int("YAKUBA_HOUSEKEEPING_S", 300)  # a running worker erases expired exports this often

_relay = os.environ.get("YAKUBA_DEBIT_RELAY", "")
if _relay == "simulator":
    DEBIT_RELAY: object = "simulator"
elif _relay:
    DEBIT_RELAY = {"url": _relay, **{part: os.environ.get(f"YAKUBA_DEBIT_RELAY_{part.upper()}", "")
                                     for part in ("cert", "key", "ca")}}
# 委託者 (the city as consignor): code, name and account, as the bank assigned them.
_consignor = {key: os.environ[f"YAKUBA_DEBIT_{key.upper()}"]
              for key in ("code", "name", "bank_code", "branch_code", "account_type", "account_number")
              if f"YAKUBA_DEBIT_{key.upper()}" in os.environ}
if _consignor:
    DEBIT_CONSIGNOR = _consignor

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "yakuba": {"handlers": ["console"], "level": os.environ.get("YAKUBA_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "WARNING"},
        # forged requests: a missing CSRF token, a host not allowed, a suspicious file name
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
