"""The installed aegis-core version, read from the distribution metadata (pyproject is the
single source, so `uv version --package aegis-core --bump minor` is all a release needs)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("aegis-core")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
