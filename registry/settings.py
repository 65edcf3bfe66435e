"""Settings for the register: one file, every value from the environment (README: Configuration)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from registry.lib.env import env, env_bool

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-do-not-deploy"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address of the service, for links in emails and labels.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "registry.apps.RegisterAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "registry.audit",
    "registry.accounts",
    "registry.providers",
    "registry.filings",
    "registry.declarations",
    "registry.review",
    "registry.labels",
    "registry.transparency",
    "registry.exchange",
    "registry.notifications",
    "registry.api",
    "registry.service",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "registry.audit.middleware.RequestIdMiddleware",
    "registry.api.middleware.ApiBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "registry.accounts.middleware.PermissionsPolicyMiddleware",
    # Axes must come last: it turns a lockout raised by authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"

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
                "csp.context_processors.nonce",
                "registry.accounts.context_processors.navigation",
                "registry.notifications.context_processors.inbox",
            ],
        },
    },
]
# Fields render as GOV.UK form groups (templates/govuk/forms/).
FORM_RENDERER = "registry.lib.forms.GovukFormRenderer"

# --- Database: PostgreSQL by DATABASE_URL; SQLite when it is unset, so `make run` needs no service.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set (shared by every web process), else per-process memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background work: Celery with a Redis broker; with none, tasks run in-process after commit.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A task taken by a worker that vanished (not one that crashed: that is redelivered at once) goes
# back on the queue after this many seconds; longer than any task and any retry's countdown.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# A decision made while the broker is down waits at most about two seconds for it: what the task
# would have done is recorded, and the sweeps below redo it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE = {
    # Reconciliation: anything a broker outage or a crash skipped is redone within minutes.
    "resend-unsent-notifications": {
        "task": "registry.notifications.tasks.resend_unsent_notifications",
        "schedule": timedelta(minutes=5),
    },
    # Leaves a broker outage left pending are integrated, missing tiles written, and the log
    # signs a fresh checkpoint at least hourly (TRANSPARENCY_CHECKPOINT_INTERVAL).
    "transparency-log-sweep": {
        "task": "registry.transparency.tasks.log_sweep",
        "schedule": timedelta(minutes=5),
    },
    "render-missing-label-pdfs": {
        "task": "registry.labels.tasks.render_missing_label_pdfs",
        "schedule": timedelta(minutes=5),
    },
    # Deadlines: each reminder is written once (its key names the day it is about), so running
    # these more often than daily, or twice after a restart, sends nothing twice.
    "review-deadline-reminders": {
        "task": "registry.notifications.tasks.remind_review_deadlines",
        "schedule": crontab(minute=0, hour="7-18"),
    },
    "redeclaration-reminders": {
        "task": "registry.notifications.tasks.remind_redeclarations",
        "schedule": crontab(minute=15, hour=7),
    },
    "red-team-reminders": {
        "task": "registry.notifications.tasks.remind_red_team_attestations",
        "schedule": crontab(minute=30, hour=7),
    },
    "nightly-open-data-export": {
        "task": "registry.labels.tasks.export_open_data",
        "schedule": crontab(minute=30, hour=2),
    },
    # The privacy notice says records of sign-ins are kept for 12 months.
    "prune-sign-in-records": {
        "task": "registry.accounts.tasks.prune_sign_in_records",
        "schedule": crontab(minute=45, hour=2),
    },
}

# --- Accounts and authentication
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# How long the link that confirms a new account's email address works.
EMAIL_VERIFICATION_VALID_HOURS = env.int("EMAIL_VERIFICATION_VALID_HOURS", default=48)
# How long the link that lets new regulator staff choose a password and add an authenticator works.
REGULATOR_SET_UP_VALID_HOURS = env.int("REGULATOR_SET_UP_VALID_HOURS", default=72)

# Failed sign-ins: 5 tries for one email from one address, then a 15-minute pause.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "registry.accounts.access.sign_in_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "AI Provenance Register"
# Administrators see that a person has a second factor, never its secret or backup codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Email: console by default; EMAIL_URL (e.g. smtp+tls://user:pass@host:587) for a real server.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Or name a backend class outright (e.g. a mail API's); EMAIL_URL's other settings still apply.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=vars()["EMAIL_BACKEND"])
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="register@provenance-register.example")
EMAIL_TIMEOUT = 10

# --- Locale
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files: GOV.UK Frontend built from npm into registry/static/govuk, served by WhiteNoise.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "registry" / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Regulator-only uploads: no base URL, so they are reachable only through a checked view.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "private", "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- The transparency log (DESIGN §7; README: The transparency log)
# Its name in checkpoints: the scheme-less address of its /log/ prefix, as tlog-tiles asks.
TRANSPARENCY_LOG_ORIGIN = env.str(
    "TRANSPARENCY_LOG_ORIGIN", default=SITE_URL.split("://", 1)[-1] + "/log"
)
# Its Ed25519 signing key, as "PRIVATE+KEY+<origin>+<key id>+<key>": from TRANSPARENCY_LOG_KEY
# (or, as for any setting, a file named by TRANSPARENCY_LOG_KEY_FILE: a container secret), else
# from the key file at TRANSPARENCY_LOG_KEY_PATH, which `make run` creates with
# `manage.py log_key --create`. Keep it secret.
TRANSPARENCY_LOG_KEY = env.str("TRANSPARENCY_LOG_KEY", default="")
TRANSPARENCY_LOG_KEY_PATH = Path(
    env.str("TRANSPARENCY_LOG_KEY_PATH", default=str(BASE_DIR / "var" / "transparency-log.key"))
)
# Witnesses whose cosignatures the log accepts and serves: C2SP verifier keys (type 0x04),
# separated by commas.
TRANSPARENCY_WITNESSES = env.list("TRANSPARENCY_WITNESSES", default=[])
# A new checkpoint is signed after every integration, and at least this often when none happens.
TRANSPARENCY_CHECKPOINT_INTERVAL = timedelta(
    minutes=env.int("TRANSPARENCY_CHECKPOINT_MINUTES", default=60)
)

# --- The statutory clock: a submitted filing is due a decision this many days after submission
# (the clock stops while changes are requested); and an accepted declaration older than this
# many months is due to be declared again.
REVIEW_DAYS = env.int("REVIEW_DAYS", default=28)
REDECLARATION_MONTHS = env.int("REDECLARATION_MONTHS", default=12)

# --- The service's own pages (/contact/, /privacy/, /accessibility/, …) and its feedback form.
# Where the public and providers write to the regulator about the register; and its data
# protection officer, named in the privacy notice.
REGISTER_CONTACT_EMAIL = env.str(
    "REGISTER_CONTACT_EMAIL", default="enquiries@provenance-register.example"
)
REGISTER_DATA_PROTECTION_EMAIL = env.str(
    "REGISTER_DATA_PROTECTION_EMAIL", default="data-protection@provenance-register.example"
)
# Feedback kept from one client address in an hour, at most; more is refused with a message.
FEEDBACK_LIMIT_PER_HOUR = env.int("FEEDBACK_LIMIT_PER_HOUR", default=5)

# --- Uploads: the largest file accepted of each kind, in bytes.
SOURCES_UPLOAD_MAX_BYTES = env.int("SOURCES_UPLOAD_MAX_BYTES", default=20 * 2**20)
TOP_DOMAINS_UPLOAD_MAX_BYTES = env.int("TOP_DOMAINS_UPLOAD_MAX_BYTES", default=5 * 2**20)
RED_TEAM_REPORT_MAX_BYTES = env.int("RED_TEAM_REPORT_MAX_BYTES", default=10 * 2**20)
# A file imported into a draft (Croissant, a Hugging Face card, SPDX): kept in the session
# between its preview and applying it, so a few MiB at most.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=4 * 2**20)

# --- The REST API (/api/v1/)
# The largest request body the API reads (a bulk upload of 10,000 sources fits); larger gets 413.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=32 * 2**20)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
API_RATE_LIMITS = {
    "key": env.str("API_RATE_LIMIT_KEY", default="600/min"),
    "anonymous": env.str("API_RATE_LIMIT_ANONYMOUS", default="120/min"),
}
REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "registry.api.errors.handle",
    "DEFAULT_SCHEMA_CLASS": "registry.api.schema.ApiAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["registry.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["registry.api.permissions.ProviderKey"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
    "NUM_PROXIES": env.int("PROXY_COUNT", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI Training Data Provenance Register API",
    "DESCRIPTION": (
        "File provenance declarations and ownership statements, and read the public register. "
        "Errors are application/problem+json with a stable code per problem and a JSON pointer."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set used by several fields, or drf-spectacular warns and invents names.
    "ENUM_NAME_OVERRIDES": {
        "Modality": "registry.declarations.choices.Modality",
        "YesNoUnknown": "registry.declarations.choices.YesNoUnknown",
        "OwnershipBand": "registry.providers.models.OwnershipBand",
        "FilingStatus": "registry.filings.states.Status",
        "ControlVerdict": "registry.providers.models.ControlVerdict",
    },
}

# --- Security headers. Production values are the defaults; DEBUG relaxes only what needs HTTPS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "registry.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: everything comes from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Axes logs every sign-in and WeasyPrint every step of a render at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
