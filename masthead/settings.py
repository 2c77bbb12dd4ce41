"""Django settings for Masthead, read from MASTHEAD_* environment variables."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import dj_database_url

from masthead.config import data_dir, env, env_bool, env_choice, env_int, env_list, secret_key

DATA_DIR = data_dir()
BASE_DIR = DATA_DIR
TESTING = "pytest" in sys.modules or env_bool("TESTING")

SECRET_KEY = secret_key(DATA_DIR)
# Keys retired by a rotation: what they signed (sessions, meter cookies, reset links) is
# still accepted, while everything new is signed with SECRET_KEY (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "masthead.core.apps.MastheadAdminConfig",  # django.contrib.admin with a throttled login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "reversion",  # revisions of stories (content.revisions)
    "masthead.core",
    "masthead.content",
    "masthead.access",
    "masthead.billing",
    "masthead.accounts",
    "masthead.api",
    "masthead.wire",
    "masthead.epaper",
    "masthead.newsletters",
    "masthead.analytics",
    "django_prose_editor",  # the article body's rich editor (its JS and CSS, served by Masthead)
    "ninja",  # the API docs' static files (Swagger UI, served by Masthead)
    # allauth after masthead.accounts so the account templates there override its own.
    "allauth",
    "masthead.accounts.signin_app.SignInConfig",  # allauth.account, named for the admin
    "allauth.headless",
]

MIDDLEWARE = [
    # /healthz and /readyz are answered first: no HTTPS redirect, host check or session.
    "masthead.core.health.HealthCheckMiddleware",
    "masthead.core.metrics.MetricsMiddleware",  # MASTHEAD_METRICS_PATH, access-restricted
    # One log line per request, with its id (X-Request-ID), page-cache hits included.
    "masthead.core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "masthead.core.middleware.SecureCookiesOverTLS",
    # /api/v1/: rate limits and CORS, before any session, routing or database.
    "masthead.api.edge.ApiEdgeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached anonymous listing pages are answered here, before sessions, CSRF and auth.
    "masthead.content.page_cache.AnonymousPageCacheMiddleware",
    # Every other request renders and counts days in the publication's time zone.
    "masthead.content.middleware.PublicationTimeZoneMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "masthead.accounts.middleware.DeviceActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"

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
                "masthead.content.context_processors.publication",
                "masthead.access.context_processors.reader",
                "masthead.content.context_processors.now",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)}
    DATABASES["default"].setdefault("TEST", {})
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "masthead.sqlite3"),
            "OPTIONS": {
                # WAL lets readers go on while one writer commits; IMMEDIATE takes the
                # write lock at BEGIN so check-then-write transactions cannot interleave.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Connections are kept: opening one re-runs the PRAGMAs above on every request.
            "CONN_MAX_AGE": None,
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, sessions, meter, task queue -------------------------------------
REDIS_URL = env("REDIS_URL")
# Every key Masthead keeps in Redis (cache, meter, task queue) starts with this, so several
# deployments can share one server.
REDIS_PREFIX = env("CACHE_PREFIX", "masthead")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
    SESSION_ENGINE = "masthead.accounts.sessions.cached_db"  # kept in-process per reader version
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "masthead",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
    SESSION_ENGINE = "masthead.accounts.sessions.db"  # kept in-process per reader version

# --- Background work ----------------------------------------------------------------
# Huey: SQLite storage in the data dir by default, Redis when configured. Periodic
# tasks are declared in one place, masthead/schedule.py.
HUEY_IMMEDIATE = env_bool("TASKS_IMMEDIATE", TESTING)
if REDIS_URL and not HUEY_IMMEDIATE:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env("TASKS_QUEUE", REDIS_PREFIX),
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": env_int("WORKER_THREADS", 2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "masthead",
        "filename": str(DATA_DIR / "tasks.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env_int("WORKER_THREADS", 2), "worker_type": "thread"},
    }

# --- Auth ----------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Fast hashing keeps the suite quick; production always uses argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Django's and allauth's backends, with the signed-in user's row kept per reader
# (masthead.accounts.backends): a subscriber's read costs no query but the session.
AUTHENTICATION_BACKENDS = [
    "masthead.accounts.backends.CachedModelBackend",
    "masthead.accounts.backends.CachedAllauthBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# --- Locale and time -------------------------------------------------------------------
LANGUAGE_CODE = "en-in"
TIME_ZONE = env("TIME_ZONE", "Asia/Kolkata")
USE_I18N = True
USE_TZ = True
# Django has no en-IN formats; these are masthead.core.dates' (24-hour times).
FORMAT_MODULE_PATH = ["masthead.core.formats"]

# --- Files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Masthead serves uploads itself (masthead.core.media) unless the proxy or storage does.
MASTHEAD_SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Uploads (pictures and their renditions) on this machine, or with MASTHEAD_MEDIA_STORAGE=s3
# in an S3-compatible bucket through django-storages (the `s3` extra installs it and boto3):
# its objects carry the same one-year immutable Cache-Control as /media/ does here.
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", "local", ("local", "s3"))
if MEDIA_STORAGE == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET", ""),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION") or None,
            "custom_domain": env("S3_CUSTOM_DOMAIN") or None,
            "access_key": env("S3_ACCESS_KEY_ID") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY") or None,
            "querystring_auth": False,  # pictures are public; their URLs must not expire
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    MASTHEAD_SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    # ePaper originals and page images: outside MEDIA_ROOT, so /media/ never serves them
    # (masthead.epaper serves pages by signed, expiring, reader-bound addresses only).
    "epaper": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "epaper"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 31536000

# The rich editor's embeds (masthead/content/editor.py, static content/editor_embeds.js).
from django_prose_editor.config import html_tags as _prose_tags  # noqa: E402
from js_asset import static_lazy as _static_lazy  # noqa: E402

DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [_static_lazy("content/editor_embeds.js")],
        "extensions": {
            "PictureEmbed": _prose_tags(["figure"], {"figure": ["data-picture"]}),
            "MediaEmbed": _prose_tags(["figure"], {"figure": ["data-embed"]}),
        },
    },
]

# --- Security: safe by default, TLS-aware -----------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# HSTS is only ever sent on HTTPS responses (SecurityMiddleware checks), so it is safe on.
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend" if TESTING else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = str(DATA_DIR / "outbox")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # TLS from the first byte (port 465)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# An e-mail service through django-anymail (MASTHEAD_EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend):
# its settings as JSON (e.g. {"POSTMARK_SERVER_TOKEN": "..."}) and the secret its tracking
# webhooks must present ("user:password" in the webhook URL), without which they are refused.
ANYMAIL = {**json.loads(env("ANYMAIL", "{}") or "{}"), "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET", "")}
# The address e-mails come from; the name shown is the publication's (content.publication.sender).
DEFAULT_FROM_EMAIL = env("FROM_EMAIL", "no-reply@localhost")

# --- Logs and error reporting ----------------------------------------------------------
# "text" (readable lines, the default) or "json" (one object a line); masthead/core/logs.py.
MASTHEAD_LOG_FORMAT = env_choice("LOG_FORMAT", "text", ("text", "json"))
# One handler, on the root: every line is printed once. Django's own "django" logger and
# the worker's "huey" logger would otherwise add a second handler of their own (Django's
# default config; huey's run_huey when the logger has none), and each line would be
# printed by both.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"masthead": {"()": f"masthead.core.logs.{MASTHEAD_LOG_FORMAT.title()}Formatter"}},
    # One writing thread per process: request threads never wait for the terminal's lock.
    "handlers": {"console": {"class": "masthead.core.logs.BackgroundStreamHandler", "formatter": "masthead"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # A line per request and per business event, whatever the level of the rest.
    "loggers": {
        "masthead.request": {"level": env("REQUEST_LOG_LEVEL", "INFO")},
        "masthead.events": {"level": env("REQUEST_LOG_LEVEL", "INFO")},
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# Unhandled errors go to Sentry when set (needs the optional extra: masthead[sentry]).
MASTHEAD_SENTRY_DSN = env("SENTRY_DSN", "")
MASTHEAD_SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", "production")

# --- Metrics (Prometheus; masthead/core/metrics.py) ----------------------------------------
MASTHEAD_METRICS_PATH = env("METRICS_PATH", "/metrics")  # empty: no endpoint
MASTHEAD_METRICS_ALLOW = env_list("METRICS_ALLOW", ["127.0.0.0/8", "::1"])  # addresses let in without a token
MASTHEAD_METRICS_TOKEN = env("METRICS_TOKEN", "")  # "Authorization: Bearer <token>" lets in from anywhere
# One folder of counter files for every process on the machine (serve workers, the worker).
MASTHEAD_METRICS_DIR = env("METRICS_DIR", "")
if MASTHEAD_METRICS_DIR:
    Path(MASTHEAD_METRICS_DIR).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", MASTHEAD_METRICS_DIR)

# --- Masthead ---------------------------------------------------------------------------
# Where an app's settings live: each app's own `settings.py`-style defaults are read
# through masthead.core.conf so publishers can override them with MASTHEAD_* variables.
MASTHEAD_PUBLIC_URL = env("PUBLIC_URL", "http://127.0.0.1:8000")

# Wire ingest: limits on what one file, one story and one picture may be, and on every fetch.
MASTHEAD_WIRE_MAX_FILE_MB = env_int("WIRE_MAX_FILE_MB", 20)
MASTHEAD_WIRE_MAX_ITEM_KB = env_int("WIRE_MAX_ITEM_KB", 512)
MASTHEAD_WIRE_MAX_PICTURE_MB = env_int("WIRE_MAX_PICTURE_MB", 10)
MASTHEAD_WIRE_FETCH_TIMEOUT = float(env("WIRE_FETCH_TIMEOUT", "20"))
MASTHEAD_SERVE_WORKERS = env_int("SERVE_WORKERS", 0)  # 0: one per core
# How long a process keeps a version token read from the shared store (masthead.core.cache):
# the bound on how long another process may serve an entry after a bump.
MASTHEAD_TOKEN_SECONDS = float(env("TOKEN_SECONDS", "0" if TESTING else "1"))
# Where "what does this reader have now" comes from (see masthead/access/entitlements.py).
MASTHEAD_ENTITLEMENT_SOURCES = [
    "masthead.access.entitlements.staff_source",
    "masthead.billing.entitlements.subscription_source",
    "masthead.billing.entitlements.gift_source",
    "masthead.accounts.entitlements.grant_source",
]
# Each module exports a reader's data (export(user) -> dict) and erases it (erase(user)).
MASTHEAD_PERSONAL_DATA = [
    "masthead.accounts.personal_data",
    "masthead.access.personal_data",
    "masthead.billing.personal_data",
    "masthead.epaper.personal_data",
    "masthead.newsletters.personal_data",
    "masthead.analytics.personal_data",
    "masthead.api.personal_data",
]

# --- access (paywall and meter) settings -------------------------------------------------
# Defaults for the rules the publisher edits in the admin (access.AccessRules); the row,
# once saved, wins over these.
MASTHEAD_FREE_LIMIT = env_int("FREE_LIMIT", 5)
MASTHEAD_METER_PERIOD = env("METER_PERIOD", "month")  # "month" (calendar, publication zone) or "30days"
MASTHEAD_TEASER_PARAGRAPHS = env_int("TEASER_PARAGRAPHS", 1)
MASTHEAD_ARCHIVE_DAYS = env_int("ARCHIVE_DAYS", 30)  # 0: no archive rule
MASTHEAD_REGISTRATION_WALL = env_int("REGISTRATION_WALL", 0)  # K anonymous reads, 0: off
MASTHEAD_ANONYMOUS_METERS_PER_IP = env_int("ANONYMOUS_METERS_PER_IP", 0)  # per day, 0: off
MASTHEAD_CRAWLER_DOMAINS = env_list("CRAWLER_DOMAINS", ["googlebot.com", "google.com", "search.msn.com"])
MASTHEAD_CRAWLER_IP_RANGES = env_list("CRAWLER_IP_RANGES", [])
MASTHEAD_CRAWLER_RESOLVER = env("CRAWLER_RESOLVER", "masthead.access.crawlers.dns_resolver")
# The meter store: Redis when configured, else SQL. The Redis store takes its own URL.
MASTHEAD_METER_STORE = env(
    "METER_STORE",
    "masthead.access.meter.redis.RedisMeterStore" if REDIS_URL else "masthead.access.meter.sql.SqlMeterStore",
)
MASTHEAD_METER_REDIS_URL = env("METER_REDIS_URL", REDIS_URL or "redis://127.0.0.1:6379/0")
# The meter's keys: "mh:" as they always were, or under the deployment's own prefix.
MASTHEAD_METER_KEY_PREFIX = f"{env('CACHE_PREFIX')}:mh:" if env("CACHE_PREFIX") else "mh:"
MASTHEAD_METER_COOKIE = env("METER_COOKIE", "mh_meter")
# The API's bearer-token hook: a dotted path to (request, token) -> user | None (accounts).
MASTHEAD_API_TOKEN_USER = env("API_TOKEN_USER", "masthead.accounts.tokens.api_user")
# Web origins (scheme and host) whose pages may call /api/v1/ from a browser (CORS); none by default.
MASTHEAD_API_CORS_ORIGINS = env_list("API_CORS_ORIGINS", [])

# --- billing settings --------------------------------------------------------------------
# The gateway readers pay through; each adapter is a dotted path (SDKs load only there).
MASTHEAD_BILLING_GATEWAY = env("BILLING_GATEWAY", "sandbox")
MASTHEAD_BILLING_GATEWAYS = {
    "sandbox": "masthead.billing.gateways.sandbox.SandboxGateway",
    "razorpay": "masthead.billing.gateways.razorpay.RazorpayGateway",
    "stripe": "masthead.billing.gateways.stripe.StripeGateway",
}
MASTHEAD_BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 3)
MASTHEAD_BILLING_RETRY_DAYS = [int(day) for day in env_list("BILLING_RETRY_DAYS", ["1", "3", "5"])]
# The pre-debit notice goes out this many hours before a renewal; a charge always waits
# at least 24 hours after its notice (RBI e-mandate rules).
MASTHEAD_BILLING_NOTICE_HOURS = env_int("BILLING_NOTICE_HOURS", 48)
# How many stories a subscriber may gift (a 7-day link each) per calendar month.
MASTHEAD_ARTICLE_GIFTS_PER_MONTH = env_int("ARTICLE_GIFTS_PER_MONTH", 10)
# Refused webhook deliveries (a small row each, never the body) are kept this many days.
MASTHEAD_BILLING_REJECTED_WEBHOOK_DAYS = env_int("BILLING_REJECTED_WEBHOOK_DAYS", 7)
MASTHEAD_GST_RATE = env_int("GST_RATE", 18)
# A buyer who names no state at checkout is billed in the publisher's state (CGST + SGST);
# set to charge them IGST instead.
MASTHEAD_GST_INTER_STATE = env_bool("GST_INTER_STATE", False)
# The publisher's GST state code ("27" Maharashtra); blank: the publication GSTIN's first two
# digits. A buyer in another state is charged IGST.
MASTHEAD_GST_STATE = env("GST_STATE", "")
MASTHEAD_INVOICE_PREFIX = env("INVOICE_PREFIX", "MH")
# The revenue desk keeps raw funnel events (with a pseudonymous reader key) this many days;
# their daily rollups are kept for good. 0 keeps them for good too.
MASTHEAD_ANALYTICS_RAW_DAYS = env_int("ANALYTICS_RAW_DAYS", 100)
MASTHEAD_SANDBOX_SECRET = env("SANDBOX_SECRET") or "sandbox-" + SECRET_KEY[:32]
MASTHEAD_SANDBOX_STORE = env("SANDBOX_STORE", str(DATA_DIR / "sandbox-gateway.sqlite3"))
MASTHEAD_SANDBOX_DELIVER_WEBHOOKS = env_bool("SANDBOX_DELIVER_WEBHOOKS", not TESTING)
MASTHEAD_RAZORPAY_KEY_ID = env("RAZORPAY_KEY_ID", "")
MASTHEAD_RAZORPAY_KEY_SECRET = env("RAZORPAY_KEY_SECRET", "")
MASTHEAD_RAZORPAY_WEBHOOK_SECRET = env("RAZORPAY_WEBHOOK_SECRET", "")
MASTHEAD_RAZORPAY_API_BASE = env("RAZORPAY_API_BASE", "https://api.razorpay.com")
MASTHEAD_STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "")
MASTHEAD_STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "")
MASTHEAD_STRIPE_API_BASE = env("STRIPE_API_BASE", "https://api.stripe.com")
MASTHEAD_STRIPE_WEBHOOK_TOLERANCE = env_int("STRIPE_WEBHOOK_TOLERANCE", 300)

# --- accounts settings -------------------------------------------------------------------
# Readers sign in with an e-mail address and a password, or a one-time code by e-mail.
ACCOUNT_ADAPTER = "masthead.accounts.adapter.AccountAdapter"
# Every form that takes an address checks it whole (masthead/accounts/forms.py).
ACCOUNT_FORMS = {"request_login_code": "masthead.accounts.forms.RequestLoginCodeForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Mandatory verification is what lets sign-up answer the same for known and unknown
# addresses, and group access trusts only verified addresses.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # the adapter names the publication
ACCOUNT_USER_DISPLAY = "masthead.accounts.adapter.user_display"  # "Signed in as <e-mail>", not the username
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if env_bool("BEHIND_TLS_PROXY", False) else "http"
# Per IP and per account ("key" is the e-mail address typed in).
ACCOUNT_RATE_LIMITS = {
    "login": env("RATE_LOGIN", "30/m/ip"),
    "login_failed": env("RATE_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "request_login_code": env("RATE_LOGIN_CODE", "20/m/ip,3/5m/key"),
    "reset_password": env("RATE_PASSWORD_RESET", "20/m/ip,3/5m/key"),
    "reset_password_from_key": "20/m/ip",
    "signup": env("RATE_SIGNUP", "20/m/ip"),
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Forms outside allauth that check a password or a code (masthead.core.throttle), in the
# same syntax: the admin login per address and per account name, like the reader login.
MASTHEAD_RATE_LIMITS = {
    "admin_login_failed": env("RATE_ADMIN_LOGIN_FAILED", "10/m/ip,5/5m/key"),
    "admin_password_change": "5/m/user",
    "delete_account": "5/5m/user",
    "deletion_code": "3/5m/user",  # e-mails with a code to confirm deleting the account
    # The apps' API: per address, and per app token ("key"), counted in fixed windows.
    "api": env("RATE_API", "600/m/ip,300/m/key"),
}
# Apps sign in through the headless API (/_allauth/app/v1/...) with tokens kept hashed.
HEADLESS_CLIENTS = ("app",)
HEADLESS_TOKEN_STRATEGY = "masthead.accounts.tokens.HashedTokenStrategy"
# Devices: how many may be signed in at once, and how often "last seen" is written.
MASTHEAD_DEVICE_LIMIT = env_int("DEVICE_LIMIT", 5)
MASTHEAD_DEVICE_SEEN_INTERVAL = env_int("DEVICE_SEEN_INTERVAL", 300)
# Coarse device locations: "CIDR=Region" pairs, comma-separated, e.g. "49.36.0.0/14=Mumbai".
MASTHEAD_IP_REGIONS = env_list("IP_REGIONS", [])
# Hosts whose iframes ad markup may embed (subdomains included), e.g. "ads.example.net";
# iframes from anywhere else are removed from ad slots (masthead/accounts/ads.py).
MASTHEAD_AD_HOSTS = env_list("AD_HOSTS", [])
# The admin warns when fewer unclaimed partner codes than this remain for a partner.
MASTHEAD_PARTNER_POOL_LOW = env_int("PARTNER_POOL_LOW", 50)

# --- ePaper settings (masthead/epaper) ---------------------------------------------------
# Subscribers may download an edition's PDF, stamped with their e-mail on every page.
MASTHEAD_EPAPER_DOWNLOAD = env_bool("EPAPER_DOWNLOAD", True)
# Clips (a rectangle of a page shared as a link for 7 days) a subscriber may make per day.
MASTHEAD_EPAPER_CLIPS_PER_DAY = env_int("EPAPER_CLIPS_PER_DAY", 10)
# Seconds a page image's signed address works (and only for the reader it was made for).
MASTHEAD_EPAPER_IMAGE_SECONDS = env_int("EPAPER_IMAGE_SECONDS", 300)
# An uploaded PDF larger than this (megabytes) or with more pages fails with that reason.
MASTHEAD_EPAPER_MAX_MB = env_int("EPAPER_MAX_MB", 200)
MASTHEAD_EPAPER_MAX_PAGES = env_int("EPAPER_MAX_PAGES", 200)
# --- newsletters settings ----------------------------------------------------------------
# Sends are batched (messages per SMTP connection) and rate-limited (messages per second, 0: none).
MASTHEAD_NEWSLETTER_BATCH = env_int("NEWSLETTER_BATCH", 200)
MASTHEAD_NEWSLETTER_RATE = float(env("NEWSLETTER_RATE", "50"))
# Optional DKIM signing of newsletters sent over SMTP: the PEM key itself or a file holding it.
MASTHEAD_DKIM_PRIVATE_KEY = env("DKIM_PRIVATE_KEY", "")
MASTHEAD_DKIM_SELECTOR = env("DKIM_SELECTOR", "")
MASTHEAD_DKIM_DOMAIN = env("DKIM_DOMAIN", "")
MASTHEAD_RATE_LIMITS["newsletter_signup"] = env("RATE_NEWSLETTER_SIGNUP", "20/m/ip,3/h/key")
