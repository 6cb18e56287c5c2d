"""aegis-auth: Users, JWT and password hashing."""

from aegis_auth.component import component

__all__ = ["component"]
