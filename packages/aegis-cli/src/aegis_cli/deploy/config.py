"""`.aegis/deploy.yml`: where the project is deployed, validated every time it is read.

The file is the user's, but it ends up inside shell commands run on a server, so it is treated
as untrusted input: unknown keys, odd characters and relative paths are refused with one line,
and every value that reaches a shell is quoted with `shlex.quote` anyway.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aegis_cli.errors import UsageError

CONFIG = Path(".aegis") / "deploy.yml"
KNOWN_HOSTS = Path(".aegis") / "known_hosts"
HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9-]{1,63})*$")
IPV6 = re.compile(r"^[0-9A-Fa-f:.]+$")
USER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,31}$")
REMOTE_PATH = re.compile(r"^/[A-Za-z0-9._/-]{1,200}$")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
SERVICE = NAME
KEYS = {
    "host", "user", "port", "path", "project", "identity_file", "health_timeout", "min_free_mb",
}  # fmt: skip
HEADER = (
    "# aegis deploy settings: where `aegis deploy` ships this project (kept out of git).\n"
    "# host/user/port: the SSH server; path: the app folder on it; project: the Docker Compose\n"
    "# project name there; identity_file: the SSH key (default: ssh's own choice);\n"
    "# health_timeout: seconds the web health check may take; min_free_mb: disk a deploy needs.\n"
)


@dataclass(frozen=True)
class DeployConfig:
    host: str
    user: str
    port: int
    path: str
    project: str
    identity_file: str | None = None
    health_timeout: int = 180
    min_free_mb: int = 1024
    """A deploy stops (one line) when the disk holding the app folder has less free."""

    @property
    def target(self) -> str:
        return f"{self.user}@{self.host}"

    @property
    def where(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


def check_host(host: str) -> str:
    if host.startswith("-") or not (HOST.match(host) or (":" in host and IPV6.match(host))):
        raise UsageError(f"not a host name or IP address: {host!r}")
    return host


def check_user(user: str) -> str:
    if not USER.match(user):
        raise UsageError(f"not a user name: {user!r} (letters, digits, _ . -)")
    return user


def check_port(port: object) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise UsageError(f"not a TCP port: {port!r} (1-65535)")
    return port


def check_path(path: str) -> str:
    path = path.rstrip("/") if len(path) > 1 else path
    parts = path.split("/")
    if not REMOTE_PATH.match(path) or ".." in parts or "." in parts or len(parts) < 3:
        raise UsageError(
            f"not an app folder for the server: {path!r}",
            hint="absolute, two levels or more, e.g. /srv/my-api (letters, digits, . _ - /)",
        )
    return path


def check_name(name: str, what: str = "compose project name") -> str:
    if not NAME.match(name):
        raise UsageError(f"not a {what}: {name!r} (lowercase letters, digits, _ -)")
    return name


def check_service(name: str) -> str:
    return check_name(name, "service name")


def project_slug(root: Path) -> str:
    """The project's name from pyproject.toml, as a compose project name."""
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text())
        name = str(data["project"]["name"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        name = root.resolve().name
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_") or "app"
    return slug[:63]


def load(root: Path) -> DeployConfig:
    """Read and validate `.aegis/deploy.yml`; one line naming the problem when it is wrong."""
    import yaml

    path = root / CONFIG
    if not path.is_file():
        raise UsageError(
            f"{CONFIG} is missing: this project has no deploy target yet",
            hint="aegis deploy-init --host HOST [--user USER] [--path /srv/APP]",
        )
    try:
        data: Any = yaml.safe_load(path.read_text()[:20_000])
    except yaml.YAMLError as exc:
        raise UsageError(f"{CONFIG} is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{CONFIG} must be a mapping of settings")
    unknown = sorted(str(k) for k in data if k not in KEYS)
    if unknown:
        raise UsageError(f"{CONFIG}: unknown setting(s) {', '.join(unknown)}")
    for key in ("host", "user", "path", "project"):
        if not isinstance(data.get(key), str):
            raise UsageError(f"{CONFIG}: {key} must be set to a string")
    identity = data.get("identity_file")
    if identity is not None and (not isinstance(identity, str) or "\n" in identity):
        raise UsageError(f"{CONFIG}: identity_file must be a path")
    timeout = data.get("health_timeout", 180)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not 5 <= timeout <= 3600:
        raise UsageError(f"{CONFIG}: health_timeout must be seconds between 5 and 3600")
    min_free = data.get("min_free_mb", 1024)
    if isinstance(min_free, bool) or not isinstance(min_free, int) or not 0 <= min_free < 2**31:
        raise UsageError(f"{CONFIG}: min_free_mb must be a number of megabytes")
    return DeployConfig(
        host=check_host(data["host"]),
        user=check_user(data["user"]),
        port=check_port(data.get("port", 22)),
        path=check_path(data["path"]),
        project=check_name(data["project"]),
        identity_file=identity,
        health_timeout=timeout,
        min_free_mb=min_free,
    )


def write(root: Path, config: DeployConfig) -> Path:
    import yaml

    values: dict[str, Any] = {
        "host": config.host,
        "user": config.user,
        "port": config.port,
        "path": config.path,
        "project": config.project,
        "health_timeout": config.health_timeout,
        "min_free_mb": config.min_free_mb,
    }
    if config.identity_file:
        values["identity_file"] = config.identity_file
    path = root / CONFIG
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + yaml.safe_dump(values, sort_keys=False))
    return path


def ignore_in_git(root: Path) -> bool:
    """Add `.aegis/deploy.yml` and `.aegis/known_hosts` to .gitignore; whether it changed."""
    gitignore = root / ".gitignore"
    text = gitignore.read_text() if gitignore.exists() else ""
    lines = text.splitlines()
    missing = [
        f"/{p}" for p in (CONFIG, KNOWN_HOSTS) if f"/{p}" not in lines and str(p) not in lines
    ]
    if not missing:
        return False
    block = "\n".join(
        ["# aegis deploy: server address and its host key stay on this machine", *missing]
    )
    gitignore.write_text(text + ("" if not text or text.endswith("\n") else "\n") + block + "\n")
    return True
