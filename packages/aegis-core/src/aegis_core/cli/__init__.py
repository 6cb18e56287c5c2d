"""The project CLI (`<slug> …`): core commands plus each installed component's sub-app."""

from aegis_core.cli.main import build_cli

__all__ = ["build_cli"]
