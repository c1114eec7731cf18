"""The authentication backends: Django's and allauth's, with the logged-in user read from the
cache.

A session remembers which backend logged its person in (a password login goes through Django's,
a login by emailed code through allauth's); both read the user the same way. Every request of a logged-in person loads their `User` row; the cache keeps it for a few minutes
and `accounts.signals` forgets it whenever the row is saved or deleted (a password change, a
deactivation), so that a session never outlives what the database says about its user.
"""

import copy
import functools
from typing import TYPE_CHECKING

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache
from django.db import connection

from milieu.core import prefetch
from milieu.core.compiled import CompiledQuery

if TYPE_CHECKING:
    from .models import User

USER_CACHE_SECONDS = 600  # as the access facts: both are written together (`core.prefetch`)


def user_cache_key(user_id) -> str:
    return f"accounts:user:v1:{user_id}"


@functools.cache
def _user_fields() -> tuple[str, ...]:
    """Every concrete column of the user (the models are loaded by the time this is asked)."""
    from .models import User

    return tuple(field.attname for field in User._meta.concrete_fields)


def _user_query(user_id):
    from .models import User

    return User.objects.filter(pk=user_id).values_list(*_user_fields())


USER_ROW = CompiledQuery(_user_query, converted=True)


def user_row(user_id) -> "User | None":
    """The user by id: the query of every cold request of a logged-in person, compiled once
    (`core.compiled`)."""
    from .models import User

    rows = USER_ROW.rows(int(user_id))
    return User.from_db(connection.alias, _user_fields(), rows[0]) if rows else None


def user_forget(user_id) -> None:
    prefetch.forget([user_cache_key(user_id)])


class CachedUserBackend(DjangoModelBackend):
    def get_user(self, user_id):
        """The user from the cache (else the database), with the other entries every request
        reads (`core.prefetch`) in the same round trip."""
        key = user_cache_key(user_id)
        others = prefetch.keys_for(user_id)
        found = cache.get_many([key, *others])
        user = found.pop(key, None)
        if user is None:
            user = user_row(user_id)
            if user is None:
                return None
            # Written with the others at the end of the request: a copy as read from the
            # database, without what the request will memoise on the user meanwhile.
            prefetch.put(user, key, copy.copy(user), USER_CACHE_SECONDS)
        prefetch.stash(user, found, others)
        return user if self.user_can_authenticate(user) else None


class ModelBackend(CachedUserBackend):
    pass


class AuthenticationBackend(CachedUserBackend, AllauthBackend):
    pass
