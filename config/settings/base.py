"""Settings shared by every environment. Everything that differs between machines comes from the
environment: DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS."""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")  # required in production (checked there)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "oauth2_provider",
    "milieu.core",
    "milieu.territory",
    "milieu.accounts",
    "milieu.notifications",
    "milieu.rewards",
    "milieu.community",
    "milieu.exchange",
    "milieu.volunteering",
    "milieu.events",
    "milieu.participation",
    "milieu.reports",
    "milieu.insights",
    "milieu.network",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "milieu.core.middleware.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "milieu.insights.middleware.ActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

SITE_NAME = env("SITE_NAME", default="Milieu")  # how emails name the platform
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")  # absolute links in emails and SMS
# SMS through a Twilio-style REST API; without SMS_API_URL, text messages are not offered.
SMS_API_URL = env("SMS_API_URL", default="")
SMS_ACCOUNT_SID = env("SMS_ACCOUNT_SID", default="")
SMS_AUTH_TOKEN = env("SMS_AUTH_TOKEN", default="")
SMS_FROM = env("SMS_FROM", default="")
# The shared secret that the SMTP relay and the SMS provider send in the X-Milieu-Webhook-Secret
# header of their bounce and status callbacks (POST /api/v1/notifications/bounces). Empty: the
# webhook is disabled (404).
NOTIFICATIONS_WEBHOOK_SECRET = env("NOTIFICATIONS_WEBHOOK_SECRET", default="")
# Machine translation of posts (milieu.community.translation): a dotted path to a backend, e.g.
# "milieu.community.translation.LibreTranslateBackend" with LIBRETRANSLATE_URL pointing to a
# self-hosted LibreTranslate server. Empty: the "translate" action is not offered.
TRANSLATION_BACKEND = env("TRANSLATION_BACKEND", default="")
LIBRETRANSLATE_URL = env("LIBRETRANSLATE_URL", default="")
LIBRETRANSLATE_API_KEY = env("LIBRETRANSLATE_API_KEY", default="")
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "milieu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "milieu.core.context_processors.site",
                "milieu.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database: the embedded default is SQLite in WAL mode; production sets DATABASE_URL. ---
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        "PRAGMA busy_timeout=20000; PRAGMA cache_size=-20000;"
    ),
}


def database_from_env(default_sqlite: Path) -> dict:
    config = env.db("DATABASE_URL", default=f"sqlite:///{default_sqlite}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        # Keep each thread's connection: opening one runs the PRAGMAs above on every request.
        config.setdefault("CONN_MAX_AGE", 600)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})
        # No JIT compilation: the planner estimates full-text searches as costly and JIT-compiles
        # them, which took 34 ms of a 45 ms search; short queries never gain from it. No parallel
        # workers either: a request is served by one process, and a search gathered from three
        # spent twice the CPU time for the same rows (the machine's other cores serve other
        # requests).
        config["OPTIONS"].setdefault("options", "-c jit=off -c max_parallel_workers_per_gather=0")
        # Values sent apart from the SQL (server-side binding), and a statement run a second
        # time on a connection is prepared: PostgreSQL then skips parsing and planning it, which
        # cost more than running most of a page's small queries. Off behind a pooler in
        # transaction mode (PgBouncer without prepared-statement support): DB_PREPARED=false.
        if env.bool("DB_PREPARED", default=True):
            config["OPTIONS"].setdefault("server_side_binding", True)
            config["OPTIONS"].setdefault("prepare_threshold", 2)
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_from_env(BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set, local memory otherwise. ---
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "milieu.core.cache.RedisCache",  # Django's, one client per pool
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "milieu",
        }
    }
    # Sessions read from the cache, written through to the database: no session query per page.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks: Django's tasks framework with the database-backed worker. ---
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Email: EMAIL_URL (smtp://, smtp+tls://, smtp+ssl://, consolemail://, filemail://) ---
# Django 6.1 configures mail through MAILERS; EMAIL_URL is translated into its default mailer.
SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
}


def mailer_from_url(url: str) -> dict:
    config = environ.Env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    options: dict = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {name: config[key] for key, name in SMTP_OPTIONS.items() if config.get(key)}
        options["timeout"] = 20
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": config["EMAIL_FILE_PATH"]}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": mailer_from_url(env("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Milieu <no-reply@milieu.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "milieu.accounts.backends.ModelBackend",  # Django's, the logged-in user from the cache
    "milieu.accounts.backends.AuthenticationBackend",  # allauth's, the same cache
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:after_login"
ACCOUNT_ADAPTER = "milieu.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Milieu] "
# Failed logins: 10 a minute per IP, 5 every 5 minutes per account, then refused.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Milieu"

# --- Languages: French first, then English and Spanish. ---
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "milieu" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Toronto"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "milieu" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Files that are never served by URL (proofs of address until staff decide): see core.storage.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security defaults (production tightens them further) ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": ["'self'", "data:"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# --- Structured logging: one JSON object per line on stderr. ---
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

NINJA_PAGINATION_PER_PAGE = 20  # small pages for slow connections; `limit` asks for more

# --- OpenID Connect: Milieu as a provider (django-oauth-toolkit) and external providers ---
# Other municipal systems "sign in with Milieu": authorization code + PKCE (S256) only, ID tokens
# signed RS256, pairwise subjects (milieu.accounts.oidc). Discovery is at the root
# (/.well-known/openid-configuration), the endpoints under /oidc/. Clients are registered by
# platform operators (Django admin or `manage.py oidc_client_create`). See docs/architecture.md.


def oidc_private_keys(value: str) -> list[str]:
    """The PEM private keys in an environment value (several may follow one another; a value
    whose line breaks were written as "\\n" is accepted too)."""
    import re

    text = value.replace("\\n", "\n")
    return re.findall(
        r"-----BEGIN (?:RSA )?PRIVATE KEY-----.+?-----END (?:RSA )?PRIVATE KEY-----", text, re.S
    )


def oidc_development_key(path: Path) -> str:
    """The ID-token signing key of a machine without OIDC_RSA_PRIVATE_KEY (`make run`, tests):
    an RSA key generated once into a git-ignored file. Production never uses it: production.py
    requires OIDC_RSA_PRIVATE_KEY."""
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if path.exists():
        return path.read_text()
    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        (path.parent / ".gitignore").write_text("*\n")
        draft = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(pem)
        try:
            os.link(draft, path)  # atomic: when two processes race, both keep the first key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
        return path.read_text()
    except OSError:  # a read-only checkout: a key for this process only
        return pem


_oidc_keys = oidc_private_keys(env("OIDC_RSA_PRIVATE_KEY", default="")) or [
    oidc_development_key(BASE_DIR / ".keys" / "oidc-development-key.pem")
]
# Pairwise `sub` values are HMAC-SHA256(OIDC_SUBJECT_SECRET, client id + user id): set it once
# and never change it (every client would see new subjects). Without it (development and tests
# only; production requires it) a value derived from SECRET_KEY is used.
OIDC_SUBJECT_SECRET = env("OIDC_SUBJECT_SECRET", default="")

OAUTH2_PROVIDER = {
    # Follow the OAuth 2.0 Security BCP (RFC 9700) everywhere: PKCE with S256 only, no implicit
    # or password grant, exact redirect URIs, tokens only in headers, hashed token storage.
    **{
        f"COMPLIANT_BCP_RFC9700_{rule}": True
        for rule in (
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "PKCE_REQUIRED",
            "REDIRECT_URI_MATCHING",
            "REDIRECT_URI_SCHEME",
            "REFRESH_TOKEN",
            "TOKEN_STORAGE",
        )
    },
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    # OpenID Connect with the authorization code flow only (the validator refuses other grants,
    # other response types and clients whose ID tokens would not be signed with RS256).
    "OIDC_ENABLED": True,
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "milieu.accounts.oidc.MilieuOIDCValidator",
    "OIDC_RSA_PRIVATE_KEY": _oidc_keys[0],
    # Retired keys stay published in the JWKS until the tokens they signed have expired.
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": _oidc_keys[1:],
    # The issuer is the site's origin (https://milieu.example.org), taken from the request unless
    # OIDC_ISSUER fixes it.
    "OIDC_ISS_ENDPOINT": env("OIDC_ISSUER", default=""),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
        "client_secret_basic",
        "client_secret_post",
        "none",  # public clients (mobile or browser apps) with PKCE
    ],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    # What a client may ask for, described the way the consent page shows it.
    "SCOPES": {
        "openid": _("An identifier for you that only this service receives"),
        "profile": _("Your display name and your preferred language"),
        "email": _("Your email address and whether you have confirmed it"),
        "residency": _("Your home municipality and whether you are a verified resident there"),
    },
    "DEFAULT_SCOPES": ["openid"],
    "REQUEST_APPROVAL_PROMPT": "force",  # the consent page every time (a client may ask "auto")
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 60 * 60,
    "ID_TOKEN_EXPIRE_SECONDS": 60 * 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 60 * 60,
}

# External OpenID Connect providers: a municipality's own citizen portal, for login and account
# linking. One allauth SocialApp per portal, entered by platform operators in the Django admin:
# provider "openid_connect", provider_id "portal-<slug>", settings
# {"server_url": "https://portal.example.org", "municipality": "<slug>"}. Its button is shown
# only to visitors coming from that municipality (milieu.accounts.social).
SOCIALACCOUNT_ADAPTER = "milieu.accounts.social.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        # A portal's "email_verified" is not trusted: a new account confirms its address with us.
        # An operator may trust one portal by adding "verified_email": true to its settings.
        "VERIFIED_EMAIL": False,
    }
}
# Never sign someone into an existing account because a portal reports the same email address:
# they log in with their password first, then link the portal from their account connections.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # leaving for a portal takes a POST (CSRF-protected)
SOCIALACCOUNT_STORE_TOKENS = False  # Milieu does not keep the portals' tokens
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
