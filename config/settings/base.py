"""Settings shared by every environment; everything deployment-specific comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("LIANXIN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# The hotline router's trained model (`lianxin train_router` writes it, routing reads it).
HOTLINE_ROUTER_MODEL = Path(
    os.environ.get("LIANXIN_ROUTER_MODEL", VAR_DIR / "hotline_router.joblib")
)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get(
    "SECRET_KEY", "dev-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Keys for personal data: encryption at rest (Fernet, first key encrypts, all decrypt) and the
# keyed hash used for exact search by ID/phone number. Never reuse SECRET_KEY in production.
FIELD_ENCRYPTION_KEYS = [
    k for k in os.environ.get("FIELD_ENCRYPTION_KEYS", "").split(",") if k
] or ["bGlhbnhpbi1kZXYtb25seS1maWVsZC1rZXktMzJieXQ="]
SEARCH_HASH_KEY = os.environ.get("SEARCH_HASH_KEY", "lianxin-dev-only-search-hash-key")
# The audit chain is an HMAC chain (AUD-02): the first key signs new rows, all verify (rotate by
# putting the new key first). Checkpoints (count + head digest) are appended to a file outside
# the database that the operator ships to WORM storage or syslog (`lianxin audit checkpoint`).
AUDIT_CHAIN_KEYS = [k for k in os.environ.get("LIANXIN_AUDIT_CHAIN_KEYS", "").split(",") if k] or [
    "lianxin-dev-only-audit-chain-key"
]
# The rows committed in this many seconds are linked into the chain in one pass by a background
# thread of the process, after the request (lianxin.core.audit._BackgroundChainer; 0: inline,
# in each writing request, as the tests do). The scheduler's `audit chain` runs every minute.
AUDIT_CHAIN_DELAY_SECONDS = float(os.environ.get("LIANXIN_AUDIT_CHAIN_DELAY_SECONDS", "0.25"))
AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("LIANXIN_AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit-checkpoints.log")
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Lianxin, in dependency order (lower layers first; the demo loaders run in this order).
    "lianxin.core",
    "lianxin.areas",
    "lianxin.directory",
    "lianxin.accounts",
    "lianxin.registry",
    "lianxin.care",
    "lianxin.hotline",
    "lianxin.monitoring",
    "lianxin.employment",
    "lianxin.benefits",
    "lianxin.resources",
    "lianxin.volunteers",
    "lianxin.offline",
    "lianxin.analytics",
    "lianxin.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lianxin.core.middleware.SessionTouchMiddleware",
    "lianxin.core.middleware.PanelsForgetMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lianxin.core.middleware.RequestContextMiddleware",
    "lianxin.core.middleware.RejectNulMiddleware",
    "lianxin.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "lianxin.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lianxin.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# A connection kept across requests is checked before reuse: after a database restart the next
# request reconnects instead of failing (issue #15).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # the worker runs django-tasks' jobs (without it every task fails: "'Task' object is not
    # callable"); jobs are retried (3 times) when they raise or their worker dies
    # (lianxin/core/rqretry.py)
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "QUEUE_CLASS": "lianxin.core.rqretry.RetryingQueue"}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lianxin_cache",
        }
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend; the session's user is read with his grants (one statement)
    "lianxin.accounts.backends.ScopedModelBackend",
]
# Argon2id tuned for a login within 300 ms on a two-core server (ADR 0013); PBKDF2 hashes stored
# before it still verify and are rehashed with Argon2id at the user's next successful login.
PASSWORD_HASHERS = [
    "lianxin.accounts.hashers.LianxinArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lianxin.accounts.passwords.CharacterClassValidator"},
]

# AUTH-01: lock after 5 failures per username for 30 minutes; same answer for unknown users.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lianxin.accounts.views.lockout_response"
AXES_VERBOSE = False

# AUTH-02: sessions end after 30 idle minutes.
SESSION_COOKIE_AGE = 30 * 60
# Saved again at most once a minute while in use (lianxin.core.middleware.SessionTouchMiddleware),
# not on every request: one UPDATE and one commit fewer per page (issue #15, load test).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
# The home page's panels (counts over the user's areas) are kept per user this long
# (lianxin.core.workpanels; the user's own writes drop them at once; 0 turns it off).
LIANXIN_HOME_PANELS_SECONDS = int(os.environ.get("LIANXIN_HOME_PANELS_SECONDS", "30"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [d for d in [VAR_DIR / "assets"] if d.exists()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lianxin.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "lianxin.core.drf.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "lianxin.api.schema.LianxinAutoSchema",
    "EXCEPTION_HANDLER": "lianxin.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"reveal": "10/hour", "auth": "20/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "连心 Lianxin API",
    "DESCRIPTION": "宁夏社会救助与基层公共服务平台 REST API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# JSON lines on stderr with the request id, user id and route; no personal data (issue #15).
# LOG_FORMAT=text gives plain lines for a developer's terminal.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "lianxin.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "lianxin.request": {"level": os.environ.get("ACCESS_LOG_LEVEL", "WARNING")},
        # Django's own request logger repeats the path and query string: keep it to errors.
        "django.request": {"level": "ERROR"},
    },
}

# Lianxin
# Periodic jobs run by the scheduler that `lianxin serve` starts (core.scheduler, issue #15).
LIANXIN_SCHEDULE = [
    {"name": "比对定时运行", "command": ["monitor_scheduled"], "every_minutes": 60},
    {"name": "审计日志锚定", "command": ["audit", "checkpoint"], "every_minutes": 60},
    {"name": "审计日志入链", "command": ["audit", "chain"], "every_minutes": 1},
    {"name": "派单模型训练", "command": ["train_router"], "every_minutes": 24 * 60},
    {"name": "看板指标刷新", "command": ["analytics", "refresh"], "every_minutes": 10},
    {"name": "月度指标快照", "command": ["dashboard_snapshot"], "every_minutes": 24 * 60},
    {"name": "爱心卡状态与药箱临期", "command": ["resources_daily"], "every_minutes": 24 * 60},
    {"name": "心愿认领超期与积分到期", "command": ["volunteers_daily"], "every_minutes": 24 * 60},
]
# The 15-minute life circle: straight-line metres from a household (resources, issue #17).
RESOURCES_LIFE_CIRCLE_METRES = 1200
LIANXIN_SCOPE_RESOLVER = "lianxin.accounts.selectors.scope_for_user"
LIANXIN_REVEAL_RATE = "10/h"
LIANXIN_IMPORT_MAX_BYTES = 20 * 1024 * 1024
# Lockout is per username (AUTH-01); per-IP lockout would lock whole offices behind one NAT on
# the government intranet. See docs/adr/0004-login-lockout.md.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
