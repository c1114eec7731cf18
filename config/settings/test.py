"""Settings for the test suite. DATABASE_URL picks PostgreSQL; the default is SQLite."""

from .base import *
from .base import BASE_DIR, database_from_env, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-with-enough-length-to-pass-checks-0123456789"
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": database_from_env(BASE_DIR / "test.sqlite3")}
# Argon2 stays the hasher (the suite checks it); its cost is lowered so the suite stays fast.
PASSWORD_HASHERS = ["milieu.core.testing.FastArgon2PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".test-media")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / ".test-media" / "private")
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}

# Loopback (http://127.0.0.1) redirect URIs for OpenID Connect clients on this machine.
OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": False,
}
