"""`<slug> serve`: run the app under uvicorn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer


def make_serve(app_module: str) -> Callable[..., None]:
    def serve(
        host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
        reload: Annotated[bool, typer.Option(help="Restart on code changes (dev).")] = False,
    ) -> None:
        """Serve the API, /health and the /dashboard with uvicorn."""
        import uvicorn

        uvicorn.run(app_module, host=host, port=port, reload=reload)

    return serve
