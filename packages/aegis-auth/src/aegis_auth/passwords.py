"""Password hashing with pwdlib: Argon2 for new hashes; bcrypt hashes (older apps, passlib)
still verify and are replaced by Argon2 on the next successful login.

`verify_dummy()` spends the same time as a real check, so a login for an unknown email is
not measurably faster than one with a wrong password (no user enumeration by timing).
"""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher


@lru_cache(maxsize=1)
def hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(), BcryptHasher()))


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password: str, hashed: str) -> tuple[bool, str | None]:
    """(matches, new hash to store or None): the new hash is set when the stored one is bcrypt
    or uses weaker Argon2 parameters than today's."""
    try:
        return hasher().verify_and_update(password, hashed)
    except Exception:  # an unknown or corrupt hash never matches (and never raises to the user)
        return False, None


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("dummy password that never matches anything real")


def verify_dummy(password: str) -> None:
    """As costly as `verify_password` on a real Argon2 hash; the result is thrown away."""
    hasher().verify(password, _dummy_hash())
