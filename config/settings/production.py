"""Production: PostgreSQL (DATABASE_URL), Redis (REDIS_URL), SMTP (EMAIL_URL), HTTPS behind a
reverse proxy. SECRET_KEY and ALLOWED_HOSTS must be set; nothing falls back to a default."""

from .base import *
from .base import DATABASES, env, mailer_from_url

DEBUG = False
MAILERS = {"default": mailer_from_url(env("EMAIL_URL"))}  # required: no console email here
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's connection pool, one per worker process.
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env.int("DB_POOL_MIN", default=2),
        "max_size": env.int("DB_POOL_MAX", default=10),
        "timeout": 10,
    }

if len(env("SECRET_KEY", default="")) < 50:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")
