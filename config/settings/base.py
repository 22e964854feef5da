"""Settings shared by every environment.

Environment-specific modules (dev, test, production) import from here and override only what
differs, so a setting has one obvious home.
"""

import os
from datetime import timedelta
from pathlib import Path

from config.languages import content_languages

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SITE_DIR = BASE_DIR / "site"

INSTALLED_APPS = [
    # Our apps, from the ground floor up (README, Architecture): core holds no models.
    "core",
    "councils",
    "home",
    "fostering_types",
    "outbox",
    "enquiry",
    "attribution",
    "events",
    "reporting",
    "demo",
    # Wagtail and its contrib apps.
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.settings",
    # Not "wagtail.contrib.frontend_cache": installed, it purges a published page from inside
    # the editor's request, before the change commits (a front door refreshing then would keep
    # the old page). home.page_cache purges after the commit, by the worker, with its utilities.
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "analytical",
    "django_tasks",
    "django_tasks_db",
    "django_ratelimit",
    "csp",  # security headers: its system checks catch old-style CSP_* settings
    # Django.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Attribution capture reads the query, the referrer and its own cookie (no session), and the
    # page cache answers anonymous visitors with what the middleware below produced for the
    # first of them (headers included): so a stored page costs no session, no query and no
    # render, and its visit is still recorded.
    "attribution.capture.AttributionMiddleware",
    "home.page_cache.PageCacheMiddleware",
    # Security headers (see "Security headers" below): outside everything that renders, so the
    # policy is built after the page (and its inline hashes) exists; admin responses are all
    # no-store.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "core.security.AdminNoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before Wagtail's redirects, so an editor's redirect wins over the language fallback.
    "core.middleware.LanguageFallbackMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "home.consent_views.ConsentVaryMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SITE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite is the embedded default for a laptop; production and CI use PostgreSQL.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        # WAL and IMMEDIATE transactions let the dev server and a management command (e.g. the
        # demo loader) write at the same time without "database is locked".
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A laptop's caches: in memory, one runserver process. Production: Redis (production.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "security": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "security",
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages. English (UK) is the default and keeps unprefixed URLs; every other content language
# gets a prefix (/pl/, /ur/). The hub chooses them here, or with CONTENT_LANGUAGES in the
# environment ("pl,ur"; "" for English only): migrate creates a Wagtail locale for each, kept in
# step with the English pages (untranslated pages show the English text until someone translates
# them). The interface strings come from locale/<code>/LC_MESSAGES, compiled by `make install`.
DEFAULT_CONTENT_LANGUAGES = "pl,ur"
LANGUAGE_CODE = "en-gb"
LANGUAGES = content_languages(
    LANGUAGE_CODE, os.environ.get("CONTENT_LANGUAGES", DEFAULT_CONTENT_LANGUAGES)
)
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language's own date formats (Polish "16 grudnia 2026", Urdu "16 دسمبر 2026"): see
# config/formats/ and core.dates.
FORMAT_MODULE_PATH = ["config.formats"]
# Machine translation is optional: set WAGTAILLOCALIZE_MACHINE_TRANSLATOR (DeepL, Google) in a
# deployment's settings to offer it in the translation editor; nothing here needs it.
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [SITE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve uploaded media from Django itself (laptop and tests only; production uses a web server
# or object storage).
SERVE_MEDIA = False
# `manage.py load_demo_content` creates accounts with a published password: dev and test only.
DEMO_CONTENT_ALLOWED = False

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail.
WAGTAIL_SITE_NAME = "Fostering hub"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# Hub review's emails (accounts/publishing.py) go to the task's reviewers and the submitter,
# not to every superuser too. They are queued in the outbox, whose worker sends plain text from
# DEFAULT_FROM_EMAIL like every email of the site; WAGTAILADMIN_NOTIFICATION_FROM_EMAIL (read by
# the emails Wagtail still sends itself, about comments) is left to default to that address.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAILADMIN_NOTIFICATION_USE_HTML = False

# django-analytical: never send a signed-in person's identity to an analytics service.
ANALYTICAL_AUTO_IDENTIFY = False

# Background tasks: Wagtail's own tasks (reference and search index) run immediately; the outbox
# (emails and webhooks) is database-backed, so a task is saved in the same transaction as the
# enquiry that needs it, and `manage.py db_worker --backend outbox` sends it.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "outbox": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["outbox"]},
}
# Retries: 1, 2, 4 ... minutes apart, at most an hour apart, for about two days, then the message
# is marked failed for staff (who can retry it from the admin).
OUTBOX_FIRST_RETRY_SECONDS = 60
OUTBOX_MAX_BACKOFF_SECONDS = 60 * 60
OUTBOX_MAX_ATTEMPTS = 55
EMAIL_TIMEOUT = 15
# Webhooks go only to https addresses on the public internet (never loopback, private or
# link-local ones), so a mistyped or malicious council address cannot reach internal services:
# checked when the address is saved (the council form resolves the host) and again by the
# outbox before each connection (DNS may answer differently by then). Non-public networks a
# webhook may still go to: none here and in production; dev and test name loopback, for local
# receivers.
WEBHOOK_HTTPS_ONLY = True
WEBHOOK_ALLOWED_PRIVATE_NETWORKS: list[str] = []

# Enquiries.
ENQUIRY_REFERENCE_PREFIX = "HUB"
# Spam checks (no CAPTCHA). Nothing a person sends is thrown away: a post these checks doubt
# is held for a hub enquiry officer to release or delete (admin: Reports, Suspected spam); only
# the hidden honeypot, which no person can fill in, discards a post.
# Posts sooner than this after the form was shown are held (browser autofill can be this fast)...
ENQUIRY_MIN_FILL_SECONDS = 3
# ...and so are valid posts beyond this rate from one client address (django-ratelimit syntax;
# bookings have their own count at the same rate). Only valid sends count: a post with form
# errors, or one that finds an earlier enquiry, does not. One address is often many people (a
# library, a tablet at a pop-up stand, a mobile network's shared address), so the limit is
# high and a post over it is held, never refused.
ENQUIRY_RATE_LIMIT = "60/h"
# Held posts not released are deleted by apply_retention this many days after they came in.
HELD_SUBMISSION_RETENTION_DAYS = 30
# The same answers sent again within this many hours (Back and Send, a second tab, a retry)
# find the first enquiry instead of making another; a booking finds the same address's booking
# of the same event for as long as it stands.
ENQUIRY_DUPLICATE_WINDOW_HOURS = 24
# The form's hidden token is refused after this long (the person is asked to send it again).
ENQUIRY_FORM_MAX_AGE_SECONDS = 60 * 60 * 24
# Data protection: closed enquiries lose their personal data this many months after closing;
# keep-in-touch permission lapses this many months after it was given or last renewed.
ENQUIRY_RETENTION_MONTHS = 24
KEEP_IN_TOUCH_MONTHS = 24
# Sent outgoing messages (which hold email addresses) are deleted after this many days.
OUTBOX_RETENTION_DAYS = 30
# The log of subject access exports (who ran one, when, what it found: no personal data) is
# kept this many months, to show requests were answered.
SUBJECT_ACCESS_RECORD_RETENTION_MONTHS = 24

# Attribution privacy, decided by the hub's data protection officer:
# "session" (default): without analytics consent, a visit's campaign touches live only for that
#   visit, in a signed first-party cookie with no expiry (hub_visit; statistical-purposes
#   exemption; people can object on the cookies page); "nothing": nothing is written to the
#   device without consent. In both, the enquiry form carries the landing tags in hidden fields.
#   With consent touches last 90 days (hub_attribution). Never on the server: no session.
ATTRIBUTION_WITHOUT_CONSENT = "session"
ATTRIBUTION_CONSENTED_DAYS = 90

# The security counters (rate limits, sign-in failures) live in their own cache, "security",
# which must be shared by every web process and must never evict (production: its own Redis,
# SECURITY_REDIS_URL, with maxmemory-policy noeviction): a flood that fills the page cache in
# "default" can then never reset a count. django-ratelimit counts posts there. The client address comes from core.spam.client_address: with
# TRUSTED_PROXY_COUNT proxies in front (production: 1 by default), from X-Forwarded-For.
RATELIMIT_USE_CACHE = "security"
RATELIMIT_IP_META_KEY = "core.spam.client_address"
RATELIMIT_FAIL_OPEN = True
TRUSTED_PROXY_COUNT = 0

CSRF_FAILURE_VIEW = "home.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# --- Admin accounts (issue 7): a second factor, login throttling, upload limits ----------------
# Every account that can reach /admin/ signs in with a second factor, in every environment:
# the password (Wagtail's form, throttled by django-axes), then a code from an authenticator app
# (django-otp TOTP) or a recovery code (django-otp static tokens). accounts/ has the pages.
INSTALLED_APPS += [
    "accounts",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "accounts.middleware.SecondFactorRequiredMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last: turns a lockout into its page
# A signed-in session ends after this long without activity, and this long after the password,
# however active (issue 17): the person is signed out and the sign-in page says why. Visitors'
# sessions (a confirmation page's reference) keep Django's own lifetime. accounts.session_limits.
ADMIN_SESSION_IDLE_SECONDS = 30 * 60
ADMIN_SESSION_MAX_AGE_SECONDS = 12 * 60 * 60
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "accounts.middleware.SessionLimitsMiddleware",
)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.LoginForm"  # autocomplete for password managers
# Signed-in-only pages and documents send people here: the admin's sign-in, then the code
# (accounts.restrictions; it answers at Wagtail's /_util/login/ too).
WAGTAIL_FRONTEND_LOGIN_URL = "accounts_frontend_sign_in"
OTP_TOTP_ISSUER = "Fostering hub admin"  # the name authenticator apps show beside the code
OTP_TOTP_THROTTLE_FACTOR = 1  # wrong codes: wait 1, 2, 4, 8 ... seconds before the next try
OTP_STATIC_THROTTLE_FACTOR = 1
# Failed sign-ins are counted per username and per client address (core.spam.client_address,
# which honours TRUSTED_PROXY_COUNT) in the "security" cache: Redis in production, so every web
# process sees the same counts. The 5th failure pauses signing in for 15 minutes; the counts
# then expire by themselves. A success clears the counts for that username and address.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "security"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.login_throttling.client_ip"
AXES_CLIENT_STR_CALLABLE = "accounts.login_throttling.client_description"
AXES_LOCKOUT_CALLABLE = "accounts.login_throttling.locked_out"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # no table of who signed in from where (personal data)
# Uploads: no SVG images (WAGTAILIMAGES_EXTENSIONS above), documents served through Wagtail's
# view (accounts.documents adds a CSP sandbox) and downloaded unless they are PDF or plain text.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf", "text/plain"]
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000  # 50 megapixels: more is refused (decompression bombs)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # a request body without its files
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # bigger uploads go to a temporary file, not memory
# --- end of admin accounts ---------------------------------------------------------------------

# ---- Security headers (issue 7) --------------------------------------------------------------
# Content-Security-Policy (django-csp 4; core/security.py picks the policy per request). Public
# pages: no inline script or style but those the page allows by their hashes (the brand colours'
# <style>, the analytics tags after consent: {% hashed_inline %}), never a nonce, so a page is the
# same bytes and headers for every visitor and any cache can hold it; the configured analytics
# service's origins and an off-site media origin (S3, CDN) are added at run time. Videos play only after "Play here", from the
# privacy-enhanced players. The error pages (500, 503) may have no request: their <style> by hash.
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

from core.security import inline_style_hash  # noqa: E402

VIDEO_PLAYER_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [
            SELF,
            inline_style_hash(SITE_DIR / "templates" / "includes" / "error_page_head.html"),
        ],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": VIDEO_PLAYER_ORIGINS,
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# The Wagtail admin (Wagtail 8) still writes inline scripts (inline panels, date pickers) and
# inline styles, and previews pages in a same-origin frame: its own, looser policy.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Powerful browser features nobody here needs are off for the site and anything it frames; the
# video players may autoplay and go full screen once the visitor presses Play.
PERMISSIONS_POLICY = {
    **{
        feature: []
        for feature in [
            "accelerometer",
            "browsing-topics",
            "camera",
            "display-capture",
            "geolocation",
            "gyroscope",
            "hid",
            "idle-detection",
            "interest-cohort",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        ]
    },
    **{
        feature: ["self", *VIDEO_PLAYER_ORIGINS]
        for feature in ["autoplay", "encrypted-media", "fullscreen", "picture-in-picture"]
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No Gravatar in the admin: it would send a hash of each staff member's email address to a
# third party on every page (and need its origin in the admin's policy).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The admin reads the CSRF token from the page, never from the cookie: no script needs it.
CSRF_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The page cache (home/page_cache.py): anonymous visitors' pages are served from the default
# cache (Redis in production) for this many seconds, purged whenever content changes. 0 turns
# it off (laptop and tests; the page cache tests turn it on). A front door (nginx, a CDN) is
# purged through Wagtail's frontend cache when WAGTAILFRONTENDCACHE is set (production:
# FRONTEND_CACHE_*). Past its time, or after a purge, one request re-renders a page while others
# get the previous copy, for at most PAGE_CACHE_STALE_SECONDS.
PAGE_CACHE_SECONDS = 0
PAGE_CACHE_STALE_SECONDS = 60
# The CDN purge names every page in every language itself (English has no prefix to swap).
WAGTAILFRONTENDCACHE_LANGUAGES: list[str] = []
# The fragment cache (core/fragments.py): the header, menus, footer and every image's <picture>
# markup, kept in the default cache under the page cache's content generation, so a page that is
# rendered (a page-cache miss) renders only what is its own. On everywhere, tests included (they
# prove it is never stale); False turns it off. Entries of old generations expire after this.
FRAGMENT_CACHE = True
FRAGMENT_CACHE_SECONDS = 60 * 60

# --- Serving and scale-out (see docs/deployment.md) ---------------------------------------------
# Sessions: cached_db. Reads come from the cache (Redis in production, shared by every web
# process, so any process can serve any visitor and no sticky sessions are needed); every write
# also goes to PostgreSQL. Chosen over the pure cache engine because a session holds what must
# not vanish with a Redis restart or eviction: an admin's login, the reference shown on the
# enquiry's thank-you page. (A visit's campaign touches are in a cookie, never a session: a
# reader who never enquires costs no write.) With Redis down the site carries on from
# the database. Sessions are written only when something is stored in them, so a page view costs
# no write. `manage.py clearsessions` (daily) removes expired rows.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The attribution reports read through core.replica.reports_database(): from the "replica"
# alias when production configures DATABASE_REPLICA_URL, otherwise from the primary.
DATABASE_ROUTERS = ["core.replica.ReportsReplicaRouter"]
REPORTS_DATABASE = "default"
# --- end of the serving block -------------------------------------------------------------------
