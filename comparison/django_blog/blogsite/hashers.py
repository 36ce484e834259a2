"""Argon2 at its cheapest cost, for the black-box tests (BLOG_CHEAP_PASSWORD_HASHING=1)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
