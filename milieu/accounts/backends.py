"""The authentication backends: Django's and allauth's, with the logged-in user read from the
cache.

A session remembers which backend logged its person in (a password login goes through Django's,
a login by emailed code through allauth's); both read the user the same way. Every request of a logged-in person loads their `User` row; the cache keeps it for a few minutes
and `accounts.signals` forgets it whenever the row is saved or deleted (a password change, a
deactivation), so that a session never outlives what the database says about its user.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache

from milieu.core import prefetch

USER_CACHE_SECONDS = 300


def user_cache_key(user_id) -> str:
    return f"accounts:user:v1:{user_id}"


def user_forget(user_id) -> None:
    prefetch.forget([user_cache_key(user_id)])


class CachedUserBackend(DjangoModelBackend):
    def get_user(self, user_id):
        """The user from the cache (else the database), with the other entries every request
        reads (`core.prefetch`) in the same round trip."""
        key = user_cache_key(user_id)
        found = cache.get_many([key, *prefetch.keys_for(user_id)])
        user = found.pop(key, None)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, USER_CACHE_SECONDS)
        if user is not None:
            prefetch.stash(user, found)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(CachedUserBackend):
    pass


class AuthenticationBackend(CachedUserBackend, AllauthBackend):
    pass
