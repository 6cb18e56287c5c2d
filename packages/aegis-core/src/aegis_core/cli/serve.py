"""`<slug> serve`: run the app under uvicorn.

The project's settings are loaded here, before uvicorn starts: a bad value (`PORT=abc`,
`SCHEDULER_TIMEZONE=Mars/Olympus`) is then one line from the CLI instead of a traceback from
uvicorn's import of the app (or, with `--reload`, from its child process, over and over).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer


def make_serve(app_module: str) -> Callable[..., None]:
    def serve(
        host: Annotated[
            str | None, typer.Option(help="Interface to bind. Default: $HOST or 127.0.0.1.")
        ] = None,
        port: Annotated[
            int | None,
            typer.Option(help="Port to listen on. Default: $PORT or 8000.", min=1, max=65535),
        ] = None,
        reload: Annotated[bool, typer.Option(help="Restart on code changes (dev).")] = False,
    ) -> None:
        """Serve the API, /health and the /dashboard with uvicorn."""
        import uvicorn

        # The same HOST/PORT the app's settings (and `health status`) read, .env included.
        from aegis_core.settings import project_settings

        settings = project_settings()
        uvicorn.run(
            app_module,
            host=host or settings.HOST,
            port=port or settings.PORT,
            reload=reload,
        )

    return serve
