"""A demo component that cannot even be imported (a missing native dependency)."""

from __future__ import annotations

raise ImportError("libfoo.so.1: cannot open shared object file")
