"""Parcours settings: one file, every deployment choice read from the environment.

The defaults are safe for the demo (`make run`): DEBUG on, an embedded SQLite
database in `var/`. Production sets `DEBUG=0`, `SECRET_KEY`, `ALLOWED_HOSTS` and
`DATABASE_URL`; `manage.py check --deploy` passes with those.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BACKEND_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BACKEND_DIR.parent


def envbool(name: str, default: bool) -> bool:
    """A boolean from the environment; anything but the usual spellings is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false).")


def envint(name: str, default: int) -> int:
    """An integer from the environment; a non-integer is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    """A comma-separated list from the environment, blanks dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    # Only ever used for the local demo: DEBUG is on, nothing is exposed.
    SECRET_KEY = "parcours-insecure-demo-key-only-for-debug-0123456789-abcdefghijklmnop"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CORS_ALLOWED_ORIGINS = envlist("CORS_ALLOWED_ORIGINS", [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    # The admin, with the same pause after failed sign-ins as the API (accounts/admin_site.py).
    "accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "oauth2_provider",
    # Refresh tokens used once (rotation) or signed out of, refused (a deny-list).
    "rest_framework_simplejwt.token_blacklist",
    "django_tasks",
    "django_tasks_db",
    "api",
    "accounts",
    "catalogue",
    "people",
    "training",
    "progress",
    "integrations",
    "reports",
    "privacy",
    "audit",
    "operations",
    "demo",
]

AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "api.middleware.JsonErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (the admin, the docs pages' scripts) served by the app itself, with
    # compression and long cache lifetimes, under any WSGI server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who is writing, for the audit trail (after authentication: the admin's user).
    "audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# SQLite in var/ by default; PostgreSQL in production through DATABASE_URL.
_default_sqlite = PROJECT_DIR / "var" / "parcours.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "") or f"sqlite:///{_default_sqlite}"
if not DATABASE_URL.startswith(("sqlite://", "postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL.")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 0), conn_health_checks=True
    )
}
# A statement prepared once per PostgreSQL connection (the progress facts query); off
# behind a pooler that hands a session's statements to other connections (PgBouncer in
# transaction mode). See docs/operations.md.
DB_PREPARED_STATEMENTS = envbool("DB_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays off on long analytic queries, not on requests of a few
    # milliseconds, where the planner's guess of a few thousand rows (a bulk push's live
    # records) made it compile 13 ms of code for a 3 ms query. DB_JIT=1 turns it back on.
    #
    # Random reads costed as little more than sequential ones (PostgreSQL's default
    # assumes spinning disks, 4 times dearer): the working set of a live deployment is
    # in memory or on SSD. With the default, a bulk push's skill counts hashed all
    # 100,000 providers to find 800 by key (70 ms against 10). DB_RANDOM_PAGE_COST
    # sets another figure.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _jit = "on" if envbool("DB_JIT", False) else "off"
    _page_cost = float(os.environ.get("DB_RANDOM_PAGE_COST", "1.1"))
    _options["options"] = (
        f"{_options.get('options', '')} -c jit={_jit} -c random_page_cost={_page_cost}"
    ).strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the demo server and a shell share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Two caches (common/caching.py). "default" holds what every server process must share
# (request counts, the version stamps of progress profiles and logins): Redis when
# REDIS_URL is set, else the memory of the process. "local" is always the memory of the
# process: it holds values cached under a version (the catalogue's, read from the
# database; the progress versions) or for a set time (reports), which each process may
# cache on its own, read without a round trip.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "local",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Argon2id for new and changed passwords; a password stored with another of these is
# re-hashed with Argon2 at its next successful sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")

# Webhooks may be sent to private or local addresses (a receiver on the same private
# network); off by default: public addresses only (integrations/destinations.py).
WEBHOOK_PRIVATE_DESTINATIONS = envbool("WEBHOOK_PRIVATE_DESTINATIONS", False)
# Bulk requests' Idempotency-Keys: kept this many hours (never under 24), at most this
# many per client (past it, a new key waits for the oldest to expire: 429).
IDEMPOTENCY_KEY_HOURS = envint("IDEMPOTENCY_KEY_HOURS", 48)
IDEMPOTENCY_MAX_KEYS = envint("IDEMPOTENCY_MAX_KEYS", 5000)
if IDEMPOTENCY_MAX_KEYS < 1:
    raise ImproperlyConfigured("IDEMPOTENCY_MAX_KEYS must be at least 1.")
# Webhooks may be sent over plain HTTP (http:// URLs); off by default: https:// only.
WEBHOOK_ALLOW_HTTP = envbool("WEBHOOK_ALLOW_HTTP", False)

# How long a report's JSON answer may be served again before it is computed anew
# (seconds; 0: always computed). See docs/reports.md.
REPORT_CACHE_SECONDS = envint("REPORT_CACHE_SECONDS", 60)
# How long at most a progress profile's JSON is served again; writes invalidate it at
# once, through versions every process must see: 0 (off) unless the cache is shared.
# See progress/profile_cache.py and docs/performance.md.
PROGRESS_CACHE_SECONDS = envint("PROGRESS_CACHE_SECONDS", 300 if REDIS_URL else 0)
if PROGRESS_CACHE_SECONDS and not REDIS_URL and not DEBUG:
    raise ImproperlyConfigured(
        "PROGRESS_CACHE_SECONDS needs REDIS_URL: its versions must be seen by every process."
    )
# How long at most a process serves again a login it read for a signed token (seconds; 0:
# read at every request); a save of the login invalidates it at once, through a version
# every process must see: 0 (off) unless the cache is shared. See api/authentication.py.
LOGIN_CACHE_SECONDS = envint("LOGIN_CACHE_SECONDS", 60 if REDIS_URL else 0)
if LOGIN_CACHE_SECONDS and not REDIS_URL and not DEBUG:
    raise ImproperlyConfigured(
        "LOGIN_CACHE_SECONDS needs REDIS_URL: its versions must be seen by every process."
    )
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BACKEND_DIR / "locale"]

# Translated texts: French is the reference, English falls back to it when empty.
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_LANGUAGES = ("fr", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fr",)

STATIC_URL = "static/"
STATIC_ROOT = BACKEND_DIR / "staticfiles"
# Filled by collectstatic (`make serve`); whitenoise expects it to exist before that.
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Gzip and Brotli copies made by collectstatic (`make serve` runs it).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)

# Providers with no activity for this many days are anonymised by `purge_inactive`.
PURGE_INACTIVE_DAYS = envint("PURGE_INACTIVE_DAYS", 3 * 365)

# Request rates (see api/throttling.py); "none" lifts a limit.
THROTTLE_RATES = {
    scope: (None if rate.lower() == "none" else rate)
    for scope, rate in (
        ("user", os.environ.get("THROTTLE_USER", "1200/min")),
        ("anon", os.environ.get("THROTTLE_ANON", "120/min")),
    )
}
# Failed sign-ins allowed per username and address, and over how many seconds.
SIGN_IN_FAILURES = (envint("SIGN_IN_FAILURES", 5), envint("SIGN_IN_FAILURES_WINDOW", 900))

REST_FRAMEWORK = {
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.PerLoginThrottle",
        "api.throttling.PerAddressThrottle",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.SignedTokenAuthentication",
        "integrations.authentication.PartnerClientAuthentication",
        "api.authentication.RefuseUnknownBearer",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsCoordinatorOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.DepthLimitedJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.ContentNegotiation",
    "DEFAULT_RENDERER_CLASSES": (
        ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"]
        if DEBUG
        else ["rest_framework.renderers.JSONRenderer"]
    ),
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "api.filters.SearchFilter",
        "api.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    # `?format=` chooses an export (csv, xlsx) on the views that offer one; see common.exports.
    "URL_FORMAT_OVERRIDE": None,
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=envint("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=envint("JWT_REFRESH_DAYS", 7)),
    # Sign-ins are recorded by the sign-in serializer itself, with one UPDATE.
    "UPDATE_LAST_LOGIN": False,
    # Each refresh gives a new refresh token; the one used is refused from then on.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "TOKEN_OBTAIN_SERIALIZER": "accounts.serializers.TokenObtainSerializer",
    "TOKEN_REFRESH_SERIALIZER": "accounts.serializers.TokenRefreshSerializer",
}

# Partner centres' machine clients: OAuth2 client-credentials (django-oauth-toolkit).
OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "integrations.authentication.PartnerTokenValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": envint("OAUTH2_ACCESS_SECONDS", 3600),
    "SCOPES": {"partner": "Read and write the partner centre's own sessions and participants"},
    "DEFAULT_SCOPES": ["partner"],
    # The OAuth 2.0 Security Best Current Practice (RFC 9700), all of it.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "PKCE_REQUIRED": True,
}

OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"

# Background work (webhook deliveries, the daily session decision): Django's tasks
# API, stored in the database and run by `make worker` (manage.py db_worker).
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "api.errors.ExceptionHandler",
    "EXCEPTION_FORMATTER_CLASS": "api.errors.ExceptionFormatter",
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    "ALLOWED_ERROR_STATUS_CODES": [
        "400",
        "401",
        "403",
        "404",
        "405",
        "406",
        "409",
        "412",
        "415",
        "429",
        "500",
    ],
    "ERROR_SCHEMAS": {
        "401": "api.openapi.ErrorResponse401Serializer",
        "409": "api.openapi.ErrorResponse409Serializer",
        "412": "api.openapi.ErrorResponse412Serializer",
    },
}

_ERRORS = "drf_standardized_errors.openapi_serializers"
SPECTACULAR_SETTINGS = {
    "TITLE": "Parcours API",
    "DESCRIPTION": (
        "Learning paths and skills tracking for a territory's digital-skills programme: "
        "the competency framework, the catalogue of modules and paths, training sessions, "
        "completions, self-assessments and progress. Human-readable texts follow "
        "`Accept-Language` (`fr` by default, `en`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "DEFAULT_GENERATOR_CLASS": "api.schema.SchemaGenerator",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "OAUTH2_FLOWS": ["clientCredentials"],
    "OAUTH2_TOKEN_URL": "/o/token/",
    "OAUTH2_SCOPES": {"partner": "The partner centre's own sessions and participants"},
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": f"{_ERRORS}.ValidationErrorEnum.choices",
        "ClientErrorEnum": f"{_ERRORS}.ClientErrorEnum.choices",
        "ServerErrorEnum": f"{_ERRORS}.ServerErrorEnum.choices",
        "ModuleFormatEnum": "catalogue.models.ModuleFormat.choices",
        "CancelCauseEnum": "training.models.CancelCause.choices",
        "HealthStateEnum": ["ok", "error"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "api.schema.postprocess_indexed_error_attrs",
    ],
    "TAGS": [
        {"name": "catalogue", "description": "Frameworks, competencies, modules and paths."},
        {"name": "accounts", "description": "Logins, tokens and who am I."},
        {"name": "people", "description": "Organisations, businesses, providers, trainers."},
        {"name": "training", "description": "Sessions, enrolments and completions."},
        {"name": "progress", "description": "Self-assessments and progress."},
        {"name": "integrations", "description": "Partner centres' clients."},
        {"name": "reports", "description": "Reports, spreadsheet exports and charts."},
        {"name": "audit", "description": "Who changed what and when (coordinators)."},
        {"name": "health", "description": "Liveness."},
    ],
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
