"""aegis-auth: users, JWT login and protected routes.

    from aegis_auth import User, get_current_active_user, require_superuser

Public names load lazily so that discovering the component (which imports
`aegis_auth.component`) does not import PyJWT, pwdlib or SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aegis_core.lazy import lazy_attributes

if TYPE_CHECKING:
    from aegis_auth.component import component
    from aegis_auth.deps import (
        CurrentUser,
        Superuser,
        get_current_active_user,
        get_current_user,
        require_superuser,
    )
    from aegis_auth.models import User, UserCreate, UserRead
    from aegis_auth.passwords import hash_password, verify_password
    from aegis_auth.settings import AuthSettings

__all__ = [
    "AuthSettings",
    "CurrentUser",
    "Superuser",
    "User",
    "UserCreate",
    "UserRead",
    "component",
    "get_current_active_user",
    "get_current_user",
    "hash_password",
    "require_superuser",
    "verify_password",
]

_LAZY = {
    "component": "aegis_auth.component",
    "CurrentUser": "aegis_auth.deps",
    "Superuser": "aegis_auth.deps",
    "get_current_active_user": "aegis_auth.deps",
    "get_current_user": "aegis_auth.deps",
    "require_superuser": "aegis_auth.deps",
    "User": "aegis_auth.models",
    "UserCreate": "aegis_auth.models",
    "UserRead": "aegis_auth.models",
    "hash_password": "aegis_auth.passwords",
    "verify_password": "aegis_auth.passwords",
    "AuthSettings": "aegis_auth.settings",
}

__getattr__ = lazy_attributes(__name__, _LAZY)
