"""What each `aegis deploy-*` command does: local checks, then scripts over SSH.

A deploy never stops the running release before the new one is built: the project is copied
into a new `releases/<id>` folder (hard links to the previous release for unchanged files),
its images are built and tagged `<image>:aegis-<id>` while the old containers keep serving,
and only then a detached activation script on the server starts it, waits for the web health
check and switches `current`, or brings the previous release (its images re-tagged) back.
"""

from __future__ import annotations

import json
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rich.markup import escape

from aegis_cli.console import console
from aegis_cli.deploy import scripts
from aegis_cli.deploy.config import DeployConfig, check_service, load
from aegis_cli.deploy.ssh import Output, Remote, last_line
from aegis_cli.errors import AegisError, Interrupted, UsageError

EXCLUDES = (
    "/.git", "/.venv", "/data/", "/.env", "/.env.deploy", "/.aegis/",
    "__pycache__/", "*.py[cod]", ".pytest_cache/", ".mypy_cache/", ".ruff_cache/",
)  # fmt: skip
ENV_FILES = (".env.deploy", ".env")
KEEP_RELEASES = 5
IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/:-]{0,200}$")
ID = re.compile(r"^\d{8}-\d{6}(?:-\d+)?$")


def say(text: str, *, markup: bool = False, highlight: bool = False) -> None:
    """One line, never wrapped (paths stay whole, scripts can read them)."""
    console.print(text, soft_wrap=True, markup=markup, highlight=highlight)


def done(text: str) -> None:
    console.print(f"[green]✓[/] {escape(text)}", soft_wrap=True, highlight=False)


def connect(project_path: Path, accept_new_host_key: bool) -> tuple[Path, DeployConfig, Remote]:
    root = project_path.resolve()
    config = load(root)
    return root, config, Remote(root, config, accept_new_host_key=accept_new_host_key)


def values(config: DeployConfig, **more: str | int) -> dict[str, str | int]:
    return {"APP": config.path, "NAME": config.project, **more}


def script(body: str, config: DeployConfig, **more: str | int) -> str:
    return scripts.with_values(scripts.FUNCTIONS + body, **values(config, **more))


@contextmanager
def timed(what: str, phases: dict[str, float]) -> Iterator[None]:
    started = time.monotonic()
    yield
    phases[what] = time.monotonic() - started


def new_id(existing: set[str]) -> str:
    base = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    candidate, n = base, 1
    while candidate in existing:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --- deploy-setup ----------------------------------------------------------------------------


def run_setup(project_path: Path, *, accept_new_host_key: bool) -> None:
    _, config, remote = connect(project_path, accept_new_host_key)
    remote.run("true")
    done(f"connected to {config.where} (host key in .aegis/known_hosts)")
    result = remote.run(script(scripts.SETUP, config, SSH_PORT=config.port))
    for line in result.stdout.splitlines():
        state, _, text = line.partition(" ")
        if state == "ok":
            done(text)
        elif state in {"skip", "doing"}:
            say(
                f"[yellow]-[/] {escape(text)}" if state == "skip" else f"… {escape(text)}",
                markup=True,
            )
    if result.returncode != 0:
        raise AegisError(f"setting up {config.host} failed: {last_line(result)}")
    done(f"{config.host} is ready: aegis deploy")


# --- deploy ----------------------------------------------------------------------------------


def run_deploy(project_path: Path, *, accept_new_host_key: bool) -> None:
    started = time.monotonic()
    phases: dict[str, float] = {}
    root, config, remote = connect(project_path, accept_new_host_key)
    env_file = next((root / name for name in ENV_FILES if (root / name).is_file()), None)
    if env_file is None:
        raise UsageError(
            "no .env.deploy or .env to send as the server's .env",
            hint="write .env.deploy with the production settings (see .env.example)",
        )
    with timed("check server", phases):
        state = prepare(remote, config)
    previous, existing = state
    release = new_id(existing)
    say(f"Deploying release {release} to {config.where}:{config.path}")
    try:
        with timed("copy files", phases):
            copy_release(remote, config, root, release, previous, env_file)
        done(f"copied the project ({env_file.name} as .env) into releases/{release}")
        with timed("build", phases):
            build_release(remote, config, release)
        done("built the images (the running release was not touched)")
    except KeyboardInterrupt:
        raise Interrupted(
            "the server still runs the previous release" if previous else "nothing was started"
        ) from None
    except AegisError as exc:  # a failed copy or build, a dropped connection: nothing switched
        exc.after = exc.after or (
            "nothing was switched: the server still runs the previous release"
            if previous
            else "nothing was started"
        )
        raise
    with timed("start + health", phases):
        code = activate(remote, config, release, previous)
    with timed("prune", phases):
        if code == scripts.ACTIVE:
            remote.run(script(scripts.PRUNE, config, KEEP=KEEP_RELEASES))
    total = time.monotonic() - started
    figures = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
    say(f"[dim]{figures}; total {total:.1f} s[/]", markup=True)
    report_activation(code, config, release, previous)


def prepare(remote: Remote, config: DeployConfig) -> tuple[str, set[str]]:
    """Check the server (Docker, Compose, disk); the running release and the existing ones."""
    result = remote.run(script(scripts.PREPARE, config, MIN_FREE_KB=config.min_free_mb * 1024))
    if result.returncode != 0:
        raise AegisError(last_line(result))
    previous, existing = "", set()
    for line in result.stdout.splitlines():
        key, _, value = line.partition("=")
        if key == "current":
            previous = value.strip()
        elif key == "release":
            existing.add(value.strip())
    if previous and not ID.match(previous):
        previous = ""
    return previous, existing


def copy_release(
    remote: Remote, config: DeployConfig, root: Path, release: str, previous: str, env: Path
) -> None:
    destination = f"{config.path}/releases/{release}"
    link_dest = f"../{previous}" if previous else None
    remote.rsync(root, destination, EXCLUDES, link_dest)
    target = f"{destination}/.env"
    sent = remote.run(
        f"umask 077 && cat > {_q(target)}", stdin=env.read_bytes()
    )  # the secrets travel on stdin, never on a command line
    if sent.returncode != 0:
        raise AegisError(f"sending {env.name} failed: {last_line(sent)}")


def build_release(remote: Remote, config: DeployConfig, release: str) -> None:
    configured = remote.run(script(scripts.CONFIG, config, NEW=release))
    if configured.returncode != 0:
        raise AegisError(f"docker compose rejects the project: {last_line(configured)}")
    built = remote.run(script(scripts.BUILD, config, NEW=release))
    if built.returncode != 0:
        tail = "\n".join(built.stdout.strip().splitlines()[-15:])
        say(tail, markup=False, highlight=False)
        raise AegisError(
            f"the build of release {release} failed on {config.host}: {last_line(built)}",
            after="nothing was switched: the previous release still runs",
        )
    for image in built_images(configured.stdout):
        tag = f"{image_repository(image)}:aegis-{release}"
        tagged = remote.run(script(scripts.TAG, config, NEW=release, IMAGE=image, TAG=tag))
        if tagged.returncode != 0:
            raise AegisError(f"tagging {image} failed: {last_line(tagged)}")


def built_images(compose_json: str) -> list[str]:
    """The images compose builds (services with `build:`), from `docker compose config`."""
    try:
        services = json.loads(compose_json).get("services", {})
    except (json.JSONDecodeError, AttributeError):
        raise AegisError("docker compose config did not answer JSON") from None
    images = set()
    for name, service in services.items():
        if isinstance(service, dict) and "build" in service:
            image = str(service.get("image") or f"{name}")
            if not IMAGE.match(image):
                raise AegisError(f"unexpected image name in the compose file: {image!r}")
            images.add(image)
    return sorted(images)


def image_repository(image: str) -> str:
    """`name:tag` -> `name` (a registry port, `host:5000/name`, is not a tag)."""
    if ":" in image.rsplit("/", 1)[-1]:
        return image.rsplit(":", 1)[0]
    return image


def activate(remote: Remote, config: DeployConfig, release: str, previous: str) -> int:
    """Start `release`, wait for health, switch or roll back: all on the server, detached."""
    body = script(
        scripts.ACTIVATE, config, NEW=release, PREV=previous, TIMEOUT=config.health_timeout
    )
    wrapper = scripts.with_values(scripts.DETACH, APP=config.path, NEW=release, BODY=body)
    say(f"… starting release {release}, waiting for the web health check")
    on_its_own = (
        "the server finishes the switch on its own (the new release if healthy, else the "
        "previous one): see aegis deploy-status"
    )
    try:
        result = remote.run(wrapper, stream=True)
    except KeyboardInterrupt:
        raise Interrupted(on_its_own) from None
    except AegisError as exc:  # the connection dropped while the server was switching
        exc.after = on_its_own
        raise
    return result.returncode


def report_activation(code: int, config: DeployConfig, release: str, previous: str) -> None:
    if code == scripts.ACTIVE:
        done(f"release {release} is live on {config.host} (web healthy)")
        return
    if code == scripts.ROLLED_BACK:
        raise AegisError(
            f"release {release} failed its health check",
            after=f"rolled back automatically: release {previous} runs again",
        )
    if code == scripts.ROLLBACK_FAILED:
        raise AegisError(
            f"release {release} failed its health check, and bringing {previous} back failed too",
            after="see aegis deploy-logs and aegis deploy-status",
        )
    if code == scripts.FAILED_NO_PREVIOUS:
        raise AegisError(
            f"release {release} failed its health check and there is no previous release",
            after="see aegis deploy-logs",
        )
    raise AegisError(f"starting release {release} stopped with exit code {code}")


# --- day to day ------------------------------------------------------------------------------


def run_status(project_path: Path, *, accept_new_host_key: bool) -> None:
    _, config, remote = connect(project_path, accept_new_host_key)
    result = remote.run(script(scripts.STATUS, config))
    say(f"{config.where}:{config.path} (compose project {config.project})", markup=False)
    say(result.stdout.rstrip(), markup=False, highlight=False)
    if result.returncode != 0:
        raise AegisError(f"reading the status failed: {last_line(result)}")


def in_current(config: DeployConfig, command: str) -> str:
    return script(scripts.IN_CURRENT + command, config)


def run_logs(
    project_path: Path, *, follow: bool, service: str | None, tail: int, accept_new_host_key: bool
) -> None:
    _, config, remote = connect(project_path, accept_new_host_key)
    args = ["logs", "--no-color", "--tail", str(tail), *(["-f"] if follow else [])]
    if service:
        args.append(check_service(service))
    # Ctrl-C or a SIGTERM (a supervisor, `timeout`) ends following quietly, ssh included
    previous = signal.signal(signal.SIGTERM, _stop_following)
    try:
        result = remote.run(in_current(config, f"compose {_words(args)} 2>&1"), stream=True)
    except KeyboardInterrupt:
        return
    finally:
        signal.signal(signal.SIGTERM, previous)
    _check(result, "reading the logs")


def _stop_following(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_compose(project_path: Path, verb: str, *, accept_new_host_key: bool) -> None:
    _, config, remote = connect(project_path, accept_new_host_key)
    result = remote.run(in_current(config, f"compose {verb} 2>&1"), stream=True)
    _check(result, f"docker compose {verb}")
    done(f"{verb}: done on {config.host}")


def shell_command(config: DeployConfig, service: str, command: str | None) -> str:
    """The remote command line of deploy-shell: a shell in SERVICE, or COMMAND run there."""
    service = check_service(service)
    head = f"cd {_q(config.path + '/current')} && docker compose -p {_q(config.project)} exec"
    if command is None:
        return f"{head} {_q(service)} sh"
    return f"{head} -T {_q(service)} sh -c {_q(command)}"


def run_shell(
    project_path: Path, service: str, command: str | None, *, accept_new_host_key: bool
) -> None:
    _, config, remote = connect(project_path, accept_new_host_key)
    code = remote.interactive(shell_command(config, service, command))
    if code != 0:
        raise AegisError(f"the shell in {service} ended with exit code {code}", exit_code=code)


# --- backups and rollback --------------------------------------------------------------------


def run_backup(project_path: Path, *, accept_new_host_key: bool) -> str:
    _, config, remote = connect(project_path, accept_new_host_key)
    backup = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    result = remote.run(
        script(scripts.BACKUP, config, ID=backup, DATA_TAR=scripts.DATA_TAR.strip())
    )
    _check(result, "the backup")
    for line in result.stdout.splitlines():
        done(line)
    return backup


def list_backups(remote: Remote, config: DeployConfig) -> list[list[str]]:
    result = remote.run(script(scripts.BACKUPS, config))
    _check(result, "listing the backups")
    return [line.split("\t") for line in result.stdout.splitlines() if line.strip()]


def run_backups(project_path: Path, *, accept_new_host_key: bool) -> None:
    _, config, remote = connect(project_path, accept_new_host_key)
    rows = list_backups(remote, config)
    if not rows:
        say("no backups yet (aegis deploy-backup)")
        return
    say("backup            release           size      contents")
    for row in rows:
        say("  ".join(f"{cell:<16}" for cell in row).rstrip(), markup=False)


def run_rollback(project_path: Path, backup: str | None, *, accept_new_host_key: bool) -> None:
    _, config, remote = connect(project_path, accept_new_host_key)
    current, existing = prepare(remote, config)
    if backup is None:
        target = previous_release(remote, config, current)
        say(f"Rolling back from release {current} to {target} (data stays as it is)")
        code = activate(remote, config, target, current)
        report_activation(code, config, target, current)
        return
    if not ID.match(backup):
        raise UsageError(f"not a backup id: {backup!r} (see aegis deploy-backups)")
    release = new_id(existing)
    say(f"Restoring backup {backup} as release {release} (files and data)")
    restored = remote.run(script(scripts.RESTORE_FILES, config, BACKUP=backup, NEW=release))
    _check(restored, f"unpacking backup {backup}")
    done(restored.stdout.strip().splitlines()[-1])
    build_release(remote, config, release)
    done("built the images of the restored release")
    data = remote.run(script(scripts.RESTORE_DATA, config, BACKUP=backup, NEW=release))
    _check(data, "restoring the data")
    for line in data.stdout.splitlines():  # the data volume, and the database dump if any
        if " restored from " in line:
            done(line)
    code = activate(remote, config, release, current)
    report_activation(code, config, release, current)


def previous_release(remote: Remote, config: DeployConfig, current: str) -> str:
    log = remote.run(f"cat {_q(config.path + '/releases.log')} 2>/dev/null || true").stdout
    active = [line.split()[0] for line in log.splitlines() if line.split()[1:2] == ["active"]]
    folders = remote.run(
        f"ls -1 {_q(config.path + '/releases')} 2>/dev/null || true"
    ).stdout.split()
    before = [rid for rid in active if rid != current and rid in folders and ID.match(rid)]
    if not current or not before:
        raise UsageError("there is no earlier release on the server to roll back to")
    return before[-1]


def _check(result: Output, what: str) -> None:
    if result.returncode != 0:
        raise AegisError(f"{what} failed: {last_line(result)}")


def _q(value: str) -> str:
    import shlex

    return shlex.quote(value)


def _words(args: list[str]) -> str:
    return " ".join(_q(arg) for arg in args)
