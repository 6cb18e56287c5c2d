"""Dependencies for your routes (aegis-auth):

    @router.post("/reports/generate")
    async def generate(current_user: User = Depends(get_current_active_user)) -> dict: ...

`get_current_user`: any valid access token (401 otherwise); `get_current_active_user`: and the
account is active (403 otherwise); `require_superuser`: and it is a superuser (403 otherwise).
"""

from aegis_auth.deps import get_current_active_user, get_current_user, require_superuser

__all__ = ["get_current_active_user", "get_current_user", "require_superuser"]
