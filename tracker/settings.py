"""Settings for 督办, driven by the environment.

With no variable set, the project runs on SQLite and an embedded (filesystem) Celery broker, so
a first look needs no server. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY,
ALLOWED_HOSTS … (see .env.example). Every variable may also be given as NAME_FILE, the path of a
file holding the value (Docker secrets).
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.FileAwareEnv()

# Where local state lives when nothing else is configured: SQLite file, broker folders, uploads.
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
# pytest (8.2+) sets PYTEST_VERSION for its session and the processes it starts: the test suite
# runs without DEBUG but on plain HTTP, with the development key and local hosts.
TESTING = "PYTEST_VERSION" in os.environ
# Production is everything that is neither DEBUG nor the test suite: it gets HTTPS-only cookies,
# HSTS and the HTTPS redirect by default, and must configure its secret key and host names.
PRODUCTION = not DEBUG and not TESTING

# Development key: refused when a production web server or worker starts
# (tracker.checks.refuse_development_key, called by wsgi.py, asgi.py and celery.py) and by
# `check --deploy`; management commands that sign nothing (the parser's dry run) need no key.
INSECURE_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 - refused in production  # nosec B105
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET_KEY)
# Required in production (an empty list refuses every request and `check --deploy` says so).
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "csp",
    "accounts",
    "clauses",
    "tracker",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: turns a lockout flagged during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates the file but not its folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web server, the worker and beat share one SQLite file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "clauses:document-list"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "tracker" / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    # Stored file names cut to 200 bytes: Django counts characters, file systems count bytes.
    "default": {"BACKEND": "tracker.attachments.FileNameSafeStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Uploads: policy documents are at most 20 MB; Django refuses larger request bodies too.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.PasswordChanged",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's AutoSchema, plus the error answers each operation can give
    "DEFAULT_SCHEMA_CLASS": "tracker.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "tracker.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "督办 API",
    "DESCRIPTION": _("Responsibility tracking for policy documents: documents, tasks, units."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" or "kind": name each choice set in the schema.
    "ENUM_NAME_OVERRIDES": {
        "AssignmentStatusEnum": "tracker.choices.Status",
        "ReportStatusEnum": "tracker.choices.ReportStatus",
        "ExtensionStatusEnum": "tracker.choices.ExtensionStatus",
        "UnitKindEnum": "accounts.choices.UnitKind",
        "NotificationKindEnum": "tracker.choices.NotificationKind",
    },
}

# Celery. The default broker is kombu's filesystem transport: a real worker and a real beat
# exchange messages through a folder, with no server to install.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
_broker_dir = DATA_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
# A Redis that accepts connections but never answers must cost a request seconds, not hang
# it: socket timeouts on the broker, and one publish retry (for the reconnect after a restart).
# Messages that could not be queued wait in the outbox for tracker.retry_deliveries.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Proves that beat and a worker are alive (shown by /healthz/).
    "record-heartbeat": {
        "task": "tracker.record_heartbeat",
        "schedule": env.float("HEARTBEAT_SECONDS", default=60.0),
        "options": {"expires": 55},
    },
    # Lights move with the date alone; recompute them before the office opens.
    "refresh-states": {
        "task": "tracker.refresh_states",
        "schedule": crontab(hour=0, minute=10),
        "options": {"expires": 6 * 3600},
    },
    # The half-year rollup of the period that has just ended (2026H1 on 1 July …).
    "rollup-period": {
        "task": "reports.rollup_ended_period",
        "schedule": crontab(hour=0, minute=30, day_of_month=1, month_of_year="1,7"),
        "options": {"expires": 12 * 3600},
    },
    # Reminders and escalation (催办/督办); the task itself skips days that are not working days.
    "send-reminders": {
        "task": "tracker.send_reminders",
        "schedule": crontab(hour=9, minute=0),
        "options": {"expires": 6 * 3600},
    },
    # Deliveries whose retry is due are queued again, should a Celery retry have been lost.
    "retry-deliveries": {
        "task": "tracker.retry_deliveries",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Assignments not received (签收) in time are flagged to the supervisor.
    "flag-unreceived": {
        "task": "tracker.flag_unreceived",
        "schedule": crontab(hour=8, minute=30),
        "options": {"expires": 6 * 3600},
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="督办 <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Login security.
# Sign-in goes through axes first: after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is locked for AXES_COOLOFF_MINUTES (counted from the last failure; tries
# during the lockout do not extend it). A success resets the count. An administrator unlocks
# early by deleting the access attempt in the admin (or `manage.py axes_reset_username`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
_cooloff_minutes = env.int("AXES_COOLOFF_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff_minutes)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_COOLOFF_MESSAGE = format_lazy(
    _(
        "Too many failed sign-ins for this account from this address: signing in is locked "
        "for {minutes} minutes. Try again later, or ask an administrator to unlock it."
    ),
    minutes=_cooloff_minutes,
)
# Sessions end after SESSION_COOKIE_AGE seconds without a request (every request renews them)
# and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True


# Rate limit on signing in, on top of the axes lockout: attempts per client address, the sign-in
# page and the API token endpoint counted together ("" turns it off; off by default in the test
# suite, whose many sign-ins all come from 127.0.0.1 — its own tests set a rate). The
# counts live in the default cache, which must be shared by every web process in production
# (Redis: CACHE_URL=redis://redis:6379/1; system check tracker.W001); without CACHE_URL each
# process counts alone (local memory).
LOGIN_RATE = env.str("LOGIN_RATE", default="" if TESTING else "30/minute")
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis outage must cost a second, not a hung worker (throttles then let requests through).
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )
# Reverse proxies in front of gunicorn that append to X-Forwarded-For (1 behind the nginx of
# deploy/nginx.conf): the client address for rate limits and lockouts is the one the outermost
# trusted proxy saw; 0 trusts no header and uses the connection's address.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.api.throttling.client_ip"
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES

# HTTPS. In production cookies are HTTPS-only, plain HTTP is redirected (except the container
# health check, which calls /healthz/ on the loopback) and browsers are told to use HTTPS only
# (HSTS, one year by default).
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# "preload" only lets the registrable domain's owner submit it to the browsers' preload lists.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Only behind a TLS-terminating proxy that overwrites X-Forwarded-Proto (deploy/nginx.conf);
# never when clients reach gunicorn directly, as they could then claim HTTPS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env.bool("USE_X_FORWARDED_PROTO", default=False)
    else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): scripts only from our own static files (HTMX and
# ECharts are vendored) or inline with the per-response nonce; no eval, no plugins, no framing.
# Inline styles stay allowed: HTMX inserts its indicator style, ReDoc its whole stylesheet and
# DRF's browsable API uses style attributes; a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        # ReDoc runs its search in a worker built from a blob.
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    },
}

# Documents are read in the jurisdiction of the supervisor who imports them; this is the fallback
# for commands run without --jurisdiction when the text does not name its city.
DEFAULT_JURISDICTION = env.str("DEFAULT_JURISDICTION", default="")

# The reporting workflow. Working days follow the official calendar (chinesecalendar).
# A new assignment not acknowledged (签收) within this many working days is flagged.
RECEIPT_WORKING_DAYS = env.int("RECEIPT_WORKING_DAYS", default=3)
# A report or due date within this many working days turns the light yellow.
WARNING_WORKING_DAYS = env.int("WARNING_WORKING_DAYS", default=5)
# A unit more than this many points behind the expected progress (序时进度) turns yellow.
PROGRESS_MARGIN_PERCENT = env.int("PROGRESS_MARGIN_PERCENT", default=20)
# Report attachments: pdf, docx, xlsx, jpg, png, checked by content; at most this size each.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
ATTACHMENTS_PER_REPORT = env.int("ATTACHMENTS_PER_REPORT", default=10)
# A PDF attachment may have at most this many pages (read from its page tree, not counted).
ATTACHMENT_MAX_PAGES = env.int("ATTACHMENT_MAX_PAGES", default=2000)
# The largest request body: a report with all its attachments at their limit (or a document to
# import), plus a megabyte of form fields. Django refuses a larger multipart body before reading
# it (tracker.attachments.RequestSizeLimitHandler); deploy/nginx.conf sets the same limit
# (client_max_body_size, in MB rounded up; tests/test_uploads_security.py keeps them equal).
MAX_REQUEST_BYTES = env.int(
    "MAX_REQUEST_BYTES",
    default=max(MAX_UPLOAD_BYTES, ATTACHMENT_MAX_BYTES * ATTACHMENTS_PER_REPORT) + 1024 * 1024,
)
FILE_UPLOAD_HANDLERS = [
    "tracker.attachments.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A submitted report this similar (0–1) to an earlier one is flagged as 疑似照搬.
SIMILARITY_THRESHOLD = env.float("SIMILARITY_THRESHOLD", default=0.9)

# Reminders (催办) and escalation (督办), in working days.
REMINDER_REPORT_STEPS = env.list("REMINDER_REPORT_STEPS", cast=int, default=[5, 2, 0])
REMINDER_DUE_STEPS = env.list("REMINDER_DUE_STEPS", cast=int, default=[7, 3, 1])
ESCALATE_TO_LEADER_AFTER = env.int("ESCALATE_TO_LEADER_AFTER", default=3)
ESCALATE_TO_SUPERVISOR_AFTER = env.int("ESCALATE_TO_SUPERVISOR_AFTER", default=7)
# Channels: in-app and e-mail for people, group robots (企业微信, 钉钉) per unit, SMS through a
# backend class (no provider is bundled; the logging backend writes messages to the log).
REMINDER_CHANNELS = env.list("REMINDER_CHANNELS", default=["in_app", "email", "webhook", "sms"])
SMS_BACKEND = env.str("SMS_BACKEND", default="tracker.channels.sms.LoggingSMSBackend")
CHANNEL_MAX_ATTEMPTS = env.int("CHANNEL_MAX_ATTEMPTS", default=5)
CHANNEL_TIMEOUT_SECONDS = env.float("CHANNEL_TIMEOUT_SECONDS", default=10.0)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# The half-year evaluation: units may appeal their figures for this many working days.
EVALUATION_APPEAL_WORKING_DAYS = env.int("EVALUATION_APPEAL_WORKING_DAYS", default=5)

# The audit trail is append-only (on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of
# its table) and nothing in the project purges it; this is the promised minimum retention in days
# (等保 2.0 asks for at least 180; system check tracker.E001 refuses less).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
