"""Settings for claimsbase, read from the environment.

One module for every environment: development gets safe defaults, production
sets the variables listed in the README. Malformed values stop the start-up
with ImproperlyConfigured instead of being guessed at.
"""

import datetime
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_json(name: str, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be JSON, not {raw!r}") from None
    if type(value) is not type(default):
        raise ImproperlyConfigured(f"{name} must be a JSON {type(default).__name__}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=1 for development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "claimsbase.apps.ClaimsbaseAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Trigram lookups and the unaccent/pg_trgm migrations (inert on SQLite).
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "simple_history",
    # Sign-in lockout (counts failed passwords) and the Content-Security-Policy header.
    "axes",
    "csp",
    "claimsbase.apps.ClaimsbaseConfig",
    "sources",
    "claims",
]

MIDDLEWARE = [
    # /healthz answers before the host check, the HTTPS redirect and sessions (see the module).
    "claimsbase.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before every middleware that may answer, so that every response carries the policy.
    "csp.middleware.CSPMiddleware",
    # Static files straight from gunicorn, before sessions and the rest are touched.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # request.as_of: a page shows the knowledge base as of a past day (?as_of=).
    "claimsbase.as_of.AsOfMiddleware",
    # Records the signed-in user on every history row written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a sign-in refused by the lockout into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "claimsbase.urls"
WSGI_APPLICATION = "claimsbase.wsgi.application"
ASGI_APPLICATION = "claimsbase.asgi.application"

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
                "claimsbase.as_of.context",
            ],
        },
    },
]

# The embedded default keeps `make run` working on a bare machine; production
# points DATABASE_URL at PostgreSQL (psycopg 3 is the installed driver).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'claimsbase.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: PostgreSQL compiles any query whose estimated cost is high,
    # and the correlated subqueries of a filtered claim list look costly while taking
    # milliseconds; compiling one took a second (measured at a million claims).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache (Redis) in production holds throttling counters and, if
# chosen, sessions for every app server; local memory is for development only.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {CACHE_URL!r}")
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.db")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

# --- Sign-in lockout (django-axes) ----------------------------------------------
# Every door that takes a password (the sign-in page, the admin's, HTTP Basic on
# /api/v1/tokens/) goes through django.contrib.auth.authenticate(), so the axes
# backend, first in the list, refuses any attempt, even with the right password,
# while its username or address is locked out.
AUTHENTICATION_BACKENDS = [
    "claimsbase.signin.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures are counted per username and, separately, per client address: either
# reaching the limit locks. They are counted where every app server sees them:
# in the shared cache when CACHE_URL names one (Redis), else in the database.
LOGIN_LOCKOUT_STORE = os.environ.get("LOGIN_LOCKOUT_STORE", "cache" if CACHE_URL else "database")
if LOGIN_LOCKOUT_STORE not in {"cache", "database"}:
    raise ImproperlyConfigured(
        f"LOGIN_LOCKOUT_STORE must be cache or database, not {LOGIN_LOCKOUT_STORE!r}"
    )
AXES_HANDLER = {
    "cache": "axes.handlers.cache.AxesCacheHandler",
    "database": "axes.handlers.database.AxesDatabaseHandler",
}[LOGIN_LOCKOUT_STORE]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The same client address as the API's throttling: REMOTE_ADDR, or behind
# API_NUM_PROXIES trusted proxies the address they saw (never a header a client forges).
AXES_CLIENT_IP_CALLABLE = "claimsbase.signin.client_address"
# The sign-in page and the admin get a page saying how long to wait; the API its error shape.
AXES_LOCKOUT_CALLABLE = "claimsbase.signin.lockout_response"
# Only failures matter for the lockout; a row per successful sign-in would grow forever.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every start of every command

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The largest request body accepted (bytes); a larger one is refused (413 in the API).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
# Without DEBUG, `collectstatic` writes every file compressed and under a name
# carrying a hash of its content, and WhiteNoise serves them from STATIC_ROOT
# with a far-future cache lifetime. Development serves the files as they are.
# A page linking a file that was not collected fails, so run collectstatic on
# every deploy (`make serve` and the benchmark do).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Reading is open to anonymous visitors unless this is switched off;
# claimsbase.permissions is the only reader of it.
CLAIMSBASE_READ_OPEN = env_bool("CLAIMSBASE_READ_OPEN", True)

# schema.org ClaimReview (claims.claimreview): who publishes the exported reviews,
# and how imported ratings map to verification statuses. The rating words are
# added to (and override) claims.claimreview.RATING_WORDS; the scale, when
# given, replaces claims.claimreview.RATING_SCALE. Both are documented in the README.
CLAIMREVIEW_PUBLISHER = {
    "name": os.environ.get("CLAIMREVIEW_PUBLISHER_NAME", "claimsbase"),
    "url": os.environ.get("CLAIMREVIEW_PUBLISHER_URL", ""),
    "logo": os.environ.get("CLAIMREVIEW_PUBLISHER_LOGO", ""),
}
CLAIMREVIEW_RATING_WORDS = env_json("CLAIMREVIEW_RATING_WORDS", {})
CLAIMREVIEW_RATING_SCALE = env_json("CLAIMREVIEW_RATING_SCALE", [])

REST_FRAMEWORK = {
    # Token first, so that a request without credentials is answered 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claimsbase.permissions.RolePermission"],
    # Unknown, empty or repeated query parameters and unknown orderings are a 400, not ignored.
    "DEFAULT_FILTER_BACKENDS": [
        "claimsbase.filters.StrictFilterBackend",
        "claimsbase.filters.StrictOrderingFilter",
    ],
    # Records are written as JSON (nested rows have no form encoding), nested to a sane depth.
    "DEFAULT_PARSER_CLASSES": ["claimsbase.api.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "claimsbase.api.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "claimsbase.viewsets.ClaimsbaseAutoSchema",
    "EXCEPTION_HANDLER": "claimsbase.api.exception_handler",
    # JSON only: DRF's browsable HTML pages are built with inline styles, which the
    # Content-Security-Policy refuses; /api/docs/ is the interactive documentation.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Counters live in the cache (Redis via CACHE_URL), so limits hold across app servers.
    "DEFAULT_THROTTLE_CLASSES": ["claimsbase.api.AnonThrottle", "claimsbase.api.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
    },
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0) or None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "claimsbase API",
    "DESCRIPTION": (
        "Claims, who made them, where they were reported, and whether they held up. "
        "Sign in with `POST /api/v1/tokens/` (HTTP Basic) and send "
        "`Authorization: Token <token>`. Every error has the same shape: "
        "`{status, code, detail, errors}`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Docstrings are written for the people who change the code; what a script author
    # reads is written with extend_schema (claimsbase.viewsets.record_docs and the like).
    "DISABLE_DOCSTRING_DESCRIPTIONS": True,
    # The interactive documentation is served from this project, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "VerificationStatusEnum": "claims.models.VerificationStatus",
        "ActorKindEnum": "claims.models.ActorKind",
        "PlaceKindEnum": "claims.models.PlaceKind",
        "RelationKindEnum": "claims.models.RelationKind",
        "OutletKindEnum": "sources.models.OutletKind",
        "SourceKindEnum": "sources.models.Source.Kind",
        "ReliabilityEnum": "sources.models.Reliability",
    },
}

# API tokens are stored hashed; each lives 90 days unless the environment says otherwise.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env_int("API_TOKEN_TTL_DAYS", 90)),
    "AUTO_REFRESH": False,
}

SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Content-Security-Policy (django-csp) -----------------------------------------
# Scripts, styles, images and fonts from this site only; nothing inline (no
# <script> or <style> blocks, no style="" or onclick="" attributes): static/ holds
# every script and stylesheet. A page that needs one inline block gets a nonce
# (request.csp_nonce) for that response only. CSP_REPORT_URI names where browsers
# report violations, if anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if os.environ.get("CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [os.environ["CSP_REPORT_URI"]]

# --- The map of claims by place ---------------------------------------------------
# MAP_TILE_URL: a tile server's URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
# ({s} may stand for a subdomain); the map pages add its host to img-src, and no
# other page does. Unset, no request leaves the site: the map draws country borders
# from a bundled Natural Earth file. MAP_TILE_ATTRIBUTION: the credit the tile
# provider asks for, shown on the map (HTML, e.g. a link to its licence).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "").strip()
if MAP_TILE_URL:
    _tiles = urlsplit(MAP_TILE_URL)
    _tile_host = _tiles.netloc.rsplit("@", 1)[-1]
    if (
        _tiles.scheme not in ("http", "https")
        or not _tile_host
        or "{" in _tile_host.removeprefix("{s}.")
        or not all(part in MAP_TILE_URL for part in ("{z}", "{x}"))
        # {-y}: a TMS server's rows, counted from the south.
        or not ("{y}" in MAP_TILE_URL or "{-y}" in MAP_TILE_URL)
    ):
        raise ImproperlyConfigured(
            "MAP_TILE_URL must be an http(s) URL template with {z}, {x} and {y} (or {-y}) "
            f"(and {{s}} only as the first part of the host), not {MAP_TILE_URL!r}"
        )

# Benchmarks only: route /bench/bare/, the bare JSON view that ``manage.py bench``
# measures every figure against. Never on in production.
BENCH_BARE_VIEW = env_bool("BENCH_BARE_VIEW", False)

# Ingest: whether the server may fetch an article's URL itself (off by default:
# many deployments may not reach the web, or must not be made to fetch for others),
# and the largest page or uploaded file it reads.
INGEST_FETCH_URLS = env_bool("INGEST_FETCH_URLS", False)
INGEST_MAX_BYTES = env_int("INGEST_MAX_BYTES", 5 * 1024 * 1024)

# Production hardening; every flag can be set from the environment and the
# defaults follow DEBUG so that `check --deploy` passes with DEBUG off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
