"""Test helpers shared by every app's tests."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with the lowest cost, for the test suite only (same algorithm, same code path)."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1
