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


# OpenID Connect: the ID-token signing keys and the subject secret come from the environment;
# the development key file is never used here. OIDC_RSA_PRIVATE_KEY holds the current RSA key
# (PEM, at least 2048 bits), optionally followed by retired keys that stay published in the JWKS.
def _oidc_production_keys() -> list[str]:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from django.core.exceptions import ImproperlyConfigured

    keys = oidc_private_keys(env("OIDC_RSA_PRIVATE_KEY", default=""))
    if not keys:
        raise ImproperlyConfigured(
            "Set OIDC_RSA_PRIVATE_KEY to the PEM of the RSA key that signs OpenID Connect ID "
            "tokens (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072)."
        )
    for pem in keys:
        try:
            key = load_pem_private_key(pem.encode(), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):  # not a key, encrypted, unknown
            key = None
        if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
            raise ImproperlyConfigured(
                "OIDC_RSA_PRIVATE_KEY must hold unencrypted RSA private keys of 2048 bits or more."
            )
    if len(env("OIDC_SUBJECT_SECRET", default="")) < 32:
        raise ImproperlyConfigured(
            "Set OIDC_SUBJECT_SECRET to a random string of at least 32 characters, once and for "
            "all: OpenID Connect clients know people by the subjects derived from it."
        )
    return keys


_oidc_keys = _oidc_production_keys()
OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,
    "OIDC_RSA_PRIVATE_KEY": _oidc_keys[0],
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": _oidc_keys[1:],
}
