"""Every command the CLI recommends works: each hint and each status fix is run as printed."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from tests.lifecycle_support import commit, fails, git, ok
from tests.support import aegis, run

COMMAND = re.compile(
    r"aegis (?:add-service|remove-service|add|remove|status|upgrade|components|services)"
    r"(?: (?:'[^']*'|--[a-z-]+|[a-z][a-z0-9_,\[\]-]*))*"
)


def recommended(text: str) -> list[str]:
    """The `aegis …` command lines in a hint or a status fix, in order."""
    found = COMMAND.findall(text)
    assert found, f"no recommended command in:\n{text}"
    return found


def follow(project: Path, text: str) -> list[str]:
    """Run each recommended command as a user would paste it; each must succeed."""
    commands = recommended(text)
    for line in commands:
        result = aegis(*shlex.split(line)[1:], cwd=project)
        assert result.returncode == 0, f"`{line}` was recommended but fails:\n{result.output}"
        assert "Traceback" not in result.output
        if git(project, "status", "--porcelain"):
            commit(project, f"ran {line}")
    return commands


def _fixes(project: Path) -> list[str]:
    return [d["fix"] for d in json.loads(ok("status", "--json", cwd=project).stdout)["drift"]]


def _uv(project: Path, *args: str) -> None:
    result = run(["uv", *args], cwd=project)
    assert result.returncode == 0, result.output
    commit(project, f"uv {' '.join(args)}")


def test_hints_of_refusals_name_commands_that_work(project: Path) -> None:
    assert follow(project, fails(2, "upgrade", "worker", cwd=project).stderr) == [
        "aegis add worker"
    ]
    assert follow(project, fails(2, "upgrade", "ai", cwd=project).stderr) == [
        "aegis add-service ai"
    ]
    assert follow(project, fails(2, "add", "auth", cwd=project).stderr) == ["aegis services"]
    assert follow(project, fails(2, "add-service", "worker", cwd=project).stderr)

    ok("add", "scheduler[sqlite]", cwd=project)
    commit(project)
    hint = fails(2, "remove", "database", cwd=project).stderr
    assert follow(project, hint) == ["aegis remove scheduler"]
    ok("remove", "database", cwd=project)


def test_status_fixes_are_commands_that_work(project: Path) -> None:
    ok("add", "scheduler[sqlite]", cwd=project)
    commit(project)
    _uv(project, "remove", "aegis-scheduler")
    [fix] = _fixes(project)
    assert recommended(fix) == ["aegis add 'scheduler[sqlite]'", "aegis remove scheduler"]
    follow(project, fix.split(" (or ")[0])
    assert _fixes(project) == []

    added = run(["uv", "add", "aegis-worker"], cwd=project)
    assert added.returncode == 0, added.output
    human = ok("status", cwd=project).stdout
    assert "fix: aegis add worker" in human and "Commit first" in human, human
    assert fails(1, "add", "worker", cwd=project).stderr.count("uncommitted changes") == 1
    commit(project, "uv add aegis-worker")
    assert "Commit first" not in ok("status", cwd=project).stdout
    [fix] = _fixes(project)
    assert follow(project, fix) == ["aegis add worker"]
    assert _fixes(project) == []

    (project / ".aegis" / "manifest.json").unlink()
    commit(project, "lost the manifest")
    hint = fails(1, "remove", "worker", cwd=project).stderr
    assert recommended(hint) == ["aegis status --repair"]
    assert set(_fixes(project)) == {"aegis status --repair"}
    follow(project, hint)
    assert _fixes(project) == []
    ok("remove", "worker", cwd=project)


def test_help_of_service_commands_shows_services(project: Path) -> None:
    for command, kind, other in (
        ("add-service", "service", "worker"),
        ("remove-service", "service", "scheduler"),
        ("add", "component", "auth"),
        ("remove", "component", "auth"),
    ):
        text = ok(command, "--help", cwd=project).stdout
        assert f"Comma list of {kind}s" in text, text
        assert other not in text.split("Arguments:")[1].split("Options:")[0], text
