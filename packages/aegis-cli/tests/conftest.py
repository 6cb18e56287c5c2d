"""aegis-cli tests. Fixture templates are data, not tests: never collect them."""

from pathlib import Path

collect_ignore_glob = ["fixtures/*"]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
