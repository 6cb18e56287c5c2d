"""`aegis deploy-*`: ship the project to a server over SSH and run it there with Compose.

Only typer is imported here; each command imports `aegis_cli.deploy` when it runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ProjectPath = Annotated[
    Path,
    typer.Option("--project-path", "-p", help="The project to deploy (default: this folder)."),
]
AcceptNew = Annotated[
    bool,
    typer.Option(
        "--accept-new-host-key",
        help="First contact: trust the server's host key and keep it in .aegis/known_hosts.",
    ),
]
Service = Annotated[
    str | None, typer.Option("--service", "-s", help="One compose service, e.g. web.")
]


def register(app: typer.Typer) -> None:
    """Add the deploy-* commands to the `aegis` command."""

    @app.command("deploy-init")
    def deploy_init(
        host: Annotated[str, typer.Option("--host", help="The server: name or IP address.")],
        user: Annotated[
            str | None, typer.Option("--user", help="SSH user (default: root).")
        ] = None,
        path: Annotated[
            str | None, typer.Option("--path", help="App folder on the server (default /srv/NAME).")
        ] = None,
        port: Annotated[int, typer.Option("--port", help="SSH port.")] = 22,
        identity_file: Annotated[
            str | None, typer.Option("--identity-file", "-i", help="SSH private key to use.")
        ] = None,
        project_path: ProjectPath = Path("."),
    ) -> None:
        """Write .aegis/deploy.yml (kept out of git): where `aegis deploy` ships the project."""
        from aegis_cli.deploy import config as cfg
        from aegis_cli.deploy.steps import done, say

        root = project_path.resolve()
        if not (root / "pyproject.toml").is_file():
            from aegis_cli.errors import UsageError

            raise UsageError(f"{root} is not a project folder (no pyproject.toml)")
        slug = cfg.project_slug(root)
        config = cfg.DeployConfig(
            host=cfg.check_host(host),
            user=cfg.check_user(user or "root"),
            port=cfg.check_port(port),
            path=cfg.check_path(path or f"/srv/{slug}"),
            project=cfg.check_name(slug),
            identity_file=identity_file,
        )
        written = cfg.write(root, config)
        done(f"wrote {written.relative_to(root)}: {config.where}, app folder {config.path}")
        if cfg.ignore_in_git(root):
            done(".gitignore now keeps .aegis/deploy.yml and .aegis/known_hosts out of git")
        else:
            done(".aegis/deploy.yml is already kept out of git (.gitignore)")
        say("Next: aegis deploy-setup --accept-new-host-key (first contact), then aegis deploy")

    @app.command("deploy-setup")
    def deploy_setup(
        project_path: ProjectPath = Path("."), accept_new_host_key: AcceptNew = False
    ) -> None:
        """Prepare the server over SSH: Docker and Compose, firewall, app folder (idempotent)."""
        from aegis_cli.deploy.steps import run_setup

        run_setup(project_path, accept_new_host_key=accept_new_host_key)

    @app.command("deploy")
    def deploy(
        project_path: ProjectPath = Path("."), accept_new_host_key: AcceptNew = False
    ) -> None:
        """Ship a new release: copy, build, start, health check; roll back when it fails."""
        from aegis_cli.deploy.steps import run_deploy

        run_deploy(project_path, accept_new_host_key=accept_new_host_key)

    @app.command("deploy-status")
    def deploy_status(
        project_path: ProjectPath = Path("."), accept_new_host_key: AcceptNew = False
    ) -> None:
        """The running release, its containers and the last deploys."""
        from aegis_cli.deploy.steps import run_status

        run_status(project_path, accept_new_host_key=accept_new_host_key)

    @app.command("deploy-logs")
    def deploy_logs(
        follow: Annotated[
            bool, typer.Option("--follow", "-f", help="Keep printing new lines.")
        ] = False,
        service: Service = None,
        tail: Annotated[int, typer.Option("--tail", help="Lines per service to start with.")] = 100,
        project_path: ProjectPath = Path("."),
        accept_new_host_key: AcceptNew = False,
    ) -> None:
        """The server's container logs (every service, or -s SERVICE)."""
        from aegis_cli.deploy.steps import run_logs

        run_logs(
            project_path, follow=follow, service=service, tail=max(tail, 0),
            accept_new_host_key=accept_new_host_key,
        )  # fmt: skip

    @app.command("deploy-restart")
    def deploy_restart(
        project_path: ProjectPath = Path("."), accept_new_host_key: AcceptNew = False
    ) -> None:
        """Restart every service of the running release."""
        from aegis_cli.deploy.steps import run_compose

        run_compose(project_path, "restart", accept_new_host_key=accept_new_host_key)

    @app.command("deploy-stop")
    def deploy_stop(
        project_path: ProjectPath = Path("."), accept_new_host_key: AcceptNew = False
    ) -> None:
        """Stop every service on the server (data stays; `aegis deploy-restart` starts them)."""
        from aegis_cli.deploy.steps import run_compose

        run_compose(project_path, "stop", accept_new_host_key=accept_new_host_key)

    @app.command("deploy-shell")
    def deploy_shell(
        service: Annotated[
            str, typer.Option("--service", "-s", help="The compose service.")
        ] = "web",
        command: Annotated[
            str | None, typer.Option("--command", "-c", help="Run this instead of a shell.")
        ] = None,
        project_path: ProjectPath = Path("."),
        accept_new_host_key: AcceptNew = False,
    ) -> None:
        """A shell inside a running service on the server (or one command with -c)."""
        from aegis_cli.deploy.steps import run_shell

        run_shell(project_path, service, command, accept_new_host_key=accept_new_host_key)

    @app.command("deploy-backup")
    def deploy_backup(
        project_path: ProjectPath = Path("."), accept_new_host_key: AcceptNew = False
    ) -> None:
        """Back up the running release on the server: files and data (SQLite copy or pg_dump)."""
        from aegis_cli.deploy.steps import run_backup

        run_backup(project_path, accept_new_host_key=accept_new_host_key)

    @app.command("deploy-backups")
    def deploy_backups(
        project_path: ProjectPath = Path("."), accept_new_host_key: AcceptNew = False
    ) -> None:
        """List the backups kept on the server."""
        from aegis_cli.deploy.steps import run_backups

        run_backups(project_path, accept_new_host_key=accept_new_host_key)

    @app.command("deploy-rollback")
    def deploy_rollback(
        backup: Annotated[
            str | None,
            typer.Option("--backup", "-b", help="Restore this backup (files and data) instead."),
        ] = None,
        project_path: ProjectPath = Path("."),
        accept_new_host_key: AcceptNew = False,
    ) -> None:
        """Go back to the previous release, or restore a backup with -b ID."""
        from aegis_cli.deploy.steps import run_rollback

        run_rollback(project_path, backup, accept_new_host_key=accept_new_host_key)
