"""`aegis ingress-enable --domain D --email E [--dry-run]`: HTTPS with Let's Encrypt.

Edits only the project's ingress stubs (the marked blocks of `traefik/traefik.yml` and
`traefik/dynamic/aegis.yml`) inside one lifecycle transaction, so a failure leaves both as they
were. Running it again with another domain rewrites the same blocks.

The manifest is left alone on purpose: the two files now hold the project's own configuration,
so they count as edited. `aegis upgrade ingress` then writes a newer stub beside them instead
of over them (which would silently drop HTTPS), and `aegis remove ingress` keeps and lists them.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from aegis_cli.commands.ingress_config import Https, check_domain, check_email, replace_block
from aegis_cli.errors import UsageError
from aegis_cli.lifecycle.manifest import load
from aegis_cli.lifecycle.project import open_project
from aegis_cli.lifecycle.transaction import Transaction, transaction

MAX_STUB_CHARS = 200_000


def run_ingress_enable(domain: str, email: str, project_path: Path, *, dry_run: bool) -> None:
    https = Https(check_domain(domain), check_email(email))
    project = open_project(project_path)
    manifest = load(project.root)
    if "ingress" not in manifest.components:
        raise UsageError(
            "this project has no ingress component", hint="add it first: aegis add ingress"
        )
    with transaction(project.root, dry_run=dry_run) as tx:
        changed = _rewrite(tx, https)
        tx.checkpoint("write-files")
    _report(https, changed, dry_run=dry_run)


def _rewrite(tx: Transaction, https: Https) -> dict[str, tuple[str, str]]:
    """Each stub's new text; relative path → (before, after) for those that change."""
    changed: dict[str, tuple[str, str]] = {}
    for relative, blocks in https.blocks().items():
        before = tx.read(relative)
        if before is None:
            raise UsageError(
                f"{relative} is missing", hint="restore it from a fresh `aegis add ingress`"
            )
        if len(before) > MAX_STUB_CHARS:
            raise UsageError(
                f"{relative} is over {MAX_STUB_CHARS // 1000} kB: not the stub aegis wrote",
                hint="restore it from a fresh `aegis add ingress`",
            )
        after = before
        for name, body in blocks.items():
            after = replace_block(after, name, body, relative=relative)
        if after == before:
            continue
        changed[relative] = (before, after)
        tx.write(relative, after.encode())
    return changed


def _report(https: Https, changed: dict[str, tuple[str, str]], *, dry_run: bool) -> None:
    from rich.markup import escape

    from aegis_cli.console import console

    if not changed:
        console.print(f"HTTPS for {https.domain} is already configured; nothing to do.")
        return
    verb = "Would update" if dry_run else "Updated"
    console.print(f"[bold]{verb} the ingress for https://{escape(https.domain)}[/]")
    for relative, (before, after) in changed.items():
        console.print(f"  - {escape(relative)}")
        if dry_run:
            diff = difflib.unified_diff(
                before.splitlines(), after.splitlines(), relative, relative, lineterm=""
            )
            for line in diff:
                console.print(f"    {escape(line)}", soft_wrap=True)
    if dry_run:
        console.print("Dry run: nothing was changed.")
    else:
        console.print(
            "[dim]Point the domain's DNS at the server, keep ports 80 and 443 open, then "
            "redeploy (make prod-up). Review with `git diff`, then commit.[/]"
        )
