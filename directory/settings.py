"""Settings for the capability directory.

Everything that differs between a laptop, CI and production is read from the environment through
the small typed helpers below, which fail loudly on a malformed value instead of guessing.
Defaults are the safe production ones; ``make run`` turns ``DEBUG`` on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_rates(name: str, default: str) -> str:
    """Rate limits as django-ratelimit reads them, comma-separated: "10/m,100/h"."""
    value = os.environ.get(name) or default
    if not all(RATE.fullmatch(rate.strip()) for rate in value.split(",")):
        raise ImproperlyConfigured(f"{name} must be rates such as 10/m,100/h, not {value!r}")
    return ",".join(rate.strip() for rate in value.split(","))


RATE = re.compile(r"[1-9]\d*/\d*[smhd]")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public name of the site, used in page titles, emails and the CSV export.
SITE_NAME = env_str("SITE_NAME", "Scottish Tech Cluster Capability Directory")
# The site's public address (https://directory.example), for links in emails sent outside a
# request: send_profile_reminders. Requests build their links from the request instead.
SITE_URL = env_str("SITE_URL")

INSTALLED_APPS = [
    "directory.admin_site.DirectoryAdminConfig",  # django.contrib.admin with the work queues
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    "django_htmx",
    "simple_history",
    "import_export",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "directory",
    "clusters",
    "members",
    "accounts",
]

# Widget templates come from templates/ too (templates/django/forms/widgets/ overrides one).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, which answers static files itself: they get the header too.
    "directory.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # A NUL character: 404 in a path, 400 in the admin's query string (never a 500).
    "directory.middleware.RefuseNullCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    # After the second factor: only staff who may use the admin are told what was wrong.
    "directory.middleware.AdminBadRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "directory.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "directory.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "directory.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
# allauth's backend only: every password check goes through its rate-limited sign-in flow.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# The member area (the signed-in user's companies).
LOGIN_REDIRECT_URL = "/members/"
LOGOUT_REDIRECT_URL = "/"

# Accounts (django-allauth, see accounts/). Members sign in with their email address and a password
# or a code sent to that address. There is no public sign-up: accounts come from invitations (whose
# link proves the address) or from staff, so no address needs verifying after the fact.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "request_login_code": "accounts.forms.RequestLoginCodeForm",
    "confirm_login_code": "accounts.forms.ConfirmLoginCodeForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
# One address per account, User.email, which staff may change in the admin. allauth's own reset
# tokens would copy it into its list of addresses (EmailAddress) as a second, unverified one that
# a change in the admin leaves behind; Django's tokens read User.email and expire when it changes.
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "django.contrib.auth.tokens.PasswordResetTokenGenerator"  # noqa: S105
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Before a change to two-factor sign-in: the password, or an authenticator code. (allauth's third
# way, an emailed code, goes to addresses in its own list, which this site leaves empty.)
ACCOUNT_REAUTHENTICATION_METHODS = ["password", "mfa"]
# The same answer for an address with an account and one without, on every form that takes one.
ACCOUNT_PREVENT_ENUMERATION = True
# Sessions end with the browser; no "remember me" on shared council laptops.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{SITE_NAME}: "
# A short email after a password or two-factor change, so an unexpected one is noticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Counted in the cache (Redis in production, so every process and host shares the counts). "key"
# is the email address typed, whether or not it has an account; "ip" the client's address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Wrong passwords and wrong two-factor codes: five per account per five minutes.
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
}
# Staff use an authenticator app (TOTP) with recovery codes; members may too.
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "accounts.forms.AuthenticateForm",
    "reauthenticate": "accounts.forms.MFAReauthenticateForm",
    "activate_totp": "accounts.forms.ActivateTOTPForm",
}
MFA_TOTP_ISSUER = SITE_NAME
# allauth refuses an authenticator while an address is unverified, lest someone who signed up with
# another's address lock its owner out. Nobody signs up here, and addresses are not verified apart.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Accept the code before and after the current one: phones' clocks drift.
MFA_TOTP_TOLERANCE = 1
# A staff session ends after this long without a request (accounts/middleware.py).
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 8 * 60 * 60)
# Staff reach the admin only from a session that passed a second factor (accounts/middleware.py).
# Relaxed by default with DEBUG on, so a local demo needs no authenticator app.
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", default=not DEBUG)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))


def media_storage() -> dict[str, Any]:
    """Where uploaded media (logos) go: MEDIA_ROOT on this host, or an S3-compatible bucket.

    One host keeps them in MEDIA_ROOT, and the reverse proxy serves /media/ from it
    (deploy/Caddyfile). Several app hosts share no disk, so they need ``MEDIA_STORAGE=s3``.
    A half-configured bucket stops start-up: it would otherwise fail at the first upload, or
    quietly leave media on one host's disk.
    """
    kind = env_str("MEDIA_STORAGE", "filesystem")
    if kind == "s3":
        return s3_storage()
    if kind != "filesystem":
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem or s3, not {kind!r}")
    stray = [name for name in S3_ONLY_VARIABLES if env_str(name)]
    if stray:
        raise ImproperlyConfigured(
            f"{', '.join(stray)} only apply to MEDIA_STORAGE=s3, which is not set: set it to "
            "store media in the bucket, or unset them."
        )
    return {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def s3_storage() -> dict[str, Any]:
    bucket, region = env_str("AWS_STORAGE_BUCKET_NAME"), env_str("AWS_S3_REGION_NAME")
    endpoint, domain = env_str("AWS_S3_ENDPOINT_URL"), env_str("AWS_S3_CUSTOM_DOMAIN")
    access_key, secret_key = env_str("AWS_ACCESS_KEY_ID"), env_str("AWS_SECRET_ACCESS_KEY")
    addressing = env_str("AWS_S3_ADDRESSING_STYLE")
    valid_endpoint = not endpoint or endpoint.startswith(("https://", "http://"))
    problems = [
        (
            not bucket or not region,
            "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME and AWS_S3_REGION_NAME (and "
            "AWS_S3_ENDPOINT_URL for a provider other than AWS).",
        ),
        (not valid_endpoint, f"AWS_S3_ENDPOINT_URL must be an http(s) URL, not {endpoint!r}"),
        (
            bool(access_key) != bool(secret_key),
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (boto3 then finds "
            "credentials itself, e.g. the instance's role).",
        ),
        ("/" in domain, f"AWS_S3_CUSTOM_DOMAIN is a host name (media.example.org), not {domain!r}"),
        (
            addressing not in {"", "path", "virtual"},
            f"AWS_S3_ADDRESSING_STYLE must be path or virtual, not {addressing!r}",
        ),
    ]
    for failed, message in problems:
        if failed:
            raise ImproperlyConfigured(message)
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "region_name": region,
            "endpoint_url": endpoint or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "addressing_style": addressing or None,
            "signature_version": "s3v4",
            # Objects get no ACL of their own: the bucket's policy alone says who may read, and
            # nothing here can make an object public-write (or public at all).
            "default_acl": None,
            # Logos are public on every profile. With a custom domain (a CDN, or a bucket policy
            # that lets anyone read), URLs are plain and cacheable; without one the bucket stays
            # private and each URL is signed, valid for AWS_QUERYSTRING_EXPIRE seconds.
            "custom_domain": domain or None,
            "querystring_auth": not domain,
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 3600),
            "file_overwrite": False,  # a save never replaces an object; a taken name gets a suffix
            "object_parameters": {
                # The Content-Type follows the extension, which prepare_logo sets from the format.
                "CacheControl": "public, max-age=31536000, immutable",
                # A bucket cannot send nosniff or a CSP: a browser that opens an object directly
                # saves it instead of rendering it. <img> ignores this header.
                "ContentDisposition": "attachment",
            },
        },
    }


# Variables that only mean something with MEDIA_STORAGE=s3 (credentials may serve other uses).
S3_ONLY_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
)

STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("PLAIN_STATIC", default=DEBUG)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# A request body larger than this, files aside, is refused before it reaches a form. Files are
# not counted: one over FILE_UPLOAD_MAX_MEMORY_SIZE is streamed to a temporary file, and
# members.logos refuses logos over 2 MB. Capping whole request bodies is the proxy's job.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": (
            {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
                "timeout": 10,
            }
            if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "directory@cluster-directory.example")
# Who hears about applications to be listed (comma-separated); every active staff user if empty.
STAFF_NOTIFICATION_EMAILS = env_list("STAFF_NOTIFICATION_EMAILS")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: safe by default, each switch configurable for a deployment behind a TLS proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# Rate limits per client address: behind proxies, the address is the one this many hops back in
# X-Forwarded-For (each proxy appends the address it saw), not the last proxy's own.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Joining the browsers' HSTS preload list is the domain owner's deliberate, slow-to-undo decision,
# so preload stays opt-in and Django's reminder about it (W021) is not a deployment fault.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features the site never uses, off for its pages and anything they embed
# (directory.middleware.PermissionsPolicyMiddleware). Sign-in uses passwords, emailed codes and
# authenticator apps, never passkeys; allow publickey-credentials-* for 'self' if that changes.
# Only names Chromium knows: it logs a console warning for any other ("bluetooth" among them).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
X_FRAME_OPTIONS = "DENY"
# Django's built-in Content Security Policy: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# The cache holds sign-in rate limits and used two-factor codes, which must be shared by every
# process and host: Redis in production. Without REDIS_URL, each process counts on its own.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    # The URL may hold a password: name only what it starts with.
    raise ImproperlyConfigured(
        "REDIS_URL must start with redis://, rediss:// or unix://, not "
        f"{REDIS_URL.split(':', 1)[0]!r}"
    )
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "directory",
            # A Redis that hangs fails a sign-in in seconds instead of holding a worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Rate limits per client address (directory/limits.py), counted in the shared cache above:
# comma-separated django-ratelimit rates, each a fixed window ("10/m,100/h": ten a minute and a
# hundred an hour). An office behind one address shares them, hence the generous hourly counts.
RATE_LIMITS = {
    "export": env_rates("EXPORT_RATE_LIMIT", "10/m,100/h"),
    "share": env_rates("SHARE_RATE_LIMIT", "10/m,60/h"),
    "apply": env_rates("APPLY_RATE_LIMIT", "5/h"),
}
# Search exports streaming at once on one app host (directory/limits.py): each costs seconds of
# CPU at 100,000 companies. Another waits up to EXPORT_QUEUE_SECONDS for a slot, then gets a 503.
EXPORT_CONCURRENCY = env_int("EXPORT_CONCURRENCY", max(1, (os.process_cpu_count() or 2) // 2))
EXPORT_QUEUE_SECONDS = env_int("EXPORT_QUEUE_SECONDS", 10)
# A limit counted in a cache that does not answer lets the request through (and logs it).
RATELIMIT_FAIL_OPEN = True

# Search (members/search/): each process remembers text matches up to this many bytes, and
# rebuilds its facet index in a background thread when it must (the tests turn that off: their
# data lives in a transaction no other thread can see).
SEARCH_TEXT_CACHE_BYTES = env_int("SEARCH_TEXT_CACHE_BYTES", 32 * 1024 * 1024)
SEARCH_INDEX_BACKGROUND_REBUILD = True

# Staff import and export of companies (django-import-export, members/resources.py). Importing
# needs the "add" permission and exporting the "view" one, so a Curators group can be built from
# plain model permissions. Formula escaping is on as a backstop: CompanyResource itself prefixes
# every cell a spreadsheet would run (= + - @) with an apostrophe, and removes it on import.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.security.DisallowedHost": {"level": "ERROR"}},
}
