"""The two marked regions: exact insertion, exact removal, clear errors."""

from __future__ import annotations

import pytest
from aegis_cli.errors import AegisError
from aegis_cli.lifecycle import blocks

COMPOSE = """\
# header
include:
  - compose/app.yml
  # >>> aegis components (managed by aegis add/remove)
  # <<< aegis components
# mine below
"""


def test_includes_go_between_the_markers_sorted_and_come_out_exactly() -> None:
    with_worker = blocks.add_includes(COMPOSE, ["compose/worker.yml"])
    both = blocks.add_includes(with_worker, ["compose/scheduler.yml"])
    assert blocks.compose_includes(both) == ["compose/scheduler.yml", "compose/worker.yml"]
    assert "  - compose/scheduler.yml\n  - compose/worker.yml\n  # <<< aegis" in both
    assert blocks.remove_includes(both, ["compose/scheduler.yml"]) == with_worker
    assert blocks.remove_includes(with_worker, ["compose/worker.yml"]) == COMPOSE


def test_adding_an_include_twice_changes_nothing() -> None:
    once = blocks.add_includes(COMPOSE, ["compose/worker.yml"])
    assert blocks.add_includes(once, ["compose/worker.yml"]) == once


def test_an_include_outside_the_markers_is_never_removed() -> None:
    text = COMPOSE + "  - compose/worker.yml\n"
    assert blocks.remove_includes(text, ["compose/worker.yml"]) == text


def test_lost_markers_are_a_clear_error() -> None:
    with pytest.raises(AegisError, match="lost its markers"):
        blocks.add_includes("include:\n  - compose/app.yml\n", ["compose/worker.yml"])


def test_an_app_override_is_merged_into_the_apps_include_and_comes_out_exactly() -> None:
    """Compose refuses a web service defined by two includes; one include's `path:` list
    merges its files, so `compose/app.<name>.yml` joins the app's line, not the markers."""
    added = blocks.add_includes(COMPOSE, ["compose/app.ingress.yml", "compose/ingress.yml"])
    assert "  - path: [compose/app.yml, compose/app.ingress.yml]\n" in added
    assert "  - compose/ingress.yml\n  # <<< aegis" in added
    assert blocks.compose_includes(added) == ["compose/ingress.yml", "compose/app.ingress.yml"]
    assert blocks.add_includes(added, ["compose/app.ingress.yml"]) == added
    two = blocks.add_includes(added, ["compose/app.extra.yml"])
    assert "- path: [compose/app.yml, compose/app.extra.yml, compose/app.ingress.yml]" in two
    assert blocks.remove_includes(two, ["compose/app.extra.yml"]) == added
    gone = blocks.remove_includes(added, ["compose/app.ingress.yml", "compose/ingress.yml"])
    assert gone == COMPOSE


def test_an_app_override_needs_the_apps_include_as_aegis_wrote_it() -> None:
    edited = COMPOSE.replace("  - compose/app.yml\n", "  - compose/my-app.yml\n")
    with pytest.raises(AegisError, match=r"no longer includes compose/app\.yml"):
        blocks.add_includes(edited, ["compose/app.ingress.yml"])
    assert blocks.remove_includes(edited, ["compose/app.ingress.yml"]) == edited


def test_a_hostile_path_list_is_not_taken_for_the_apps_include() -> None:
    hostile = COMPOSE.replace(
        "  - compose/app.yml\n", "  - path: [compose/app.yml, ../../etc/passwd]\n"
    )
    with pytest.raises(AegisError, match="no longer includes"):
        blocks.add_includes(hostile, ["compose/app.ingress.yml"])


ENV = "APP_NAME=demo\nPORT=8000\n"


@pytest.mark.parametrize("original", [ENV, ENV + "\n", "", "A=1\n\n\n"])
def test_env_block_round_trip_is_byte_exact(original: str) -> None:
    added = blocks.add_env_block(original, "worker", "REDIS_URL=redis://localhost\n")
    assert blocks.find_env_block(added, "worker") == (
        "# >>> aegis:worker\nREDIS_URL=redis://localhost\n# <<< aegis:worker\n"
    )
    assert blocks.remove_env_block(added, "worker") == original


def test_two_env_blocks_come_out_independently() -> None:
    one = blocks.add_env_block(ENV, "worker", "REDIS_URL=x")
    two = blocks.add_env_block(one, "database", "DATABASE_URL=y")
    only_database = blocks.add_env_block(ENV, "database", "DATABASE_URL=y")
    assert blocks.remove_env_block(two, "worker") == only_database
    assert blocks.remove_env_block(blocks.remove_env_block(two, "database"), "worker") == ENV


def test_an_empty_env_body_adds_no_block() -> None:
    assert blocks.add_env_block(ENV, "ingress", "  \n") == ENV


def test_env_block_without_end_marker_is_not_found() -> None:
    assert blocks.find_env_block(ENV + "# >>> aegis:worker\nX=1\n", "worker") is None
