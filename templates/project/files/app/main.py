"""The ASGI app (`uvicorn app.main:app`): installed components are discovered at startup."""

from aegis_core import create_app

from app.core.config import settings

app = create_app(settings)
