"""`<slug> ai chat | providers | conversations | status`.

`ai chat` talks to the model in this process (same settings and store as the API). Failures
are one line (`Error: …`, exit 1 for one-shot commands); bugs keep their traceback.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Annotated, Any, TypeVar

import typer
from aegis_core.cli import fail

T = TypeVar("T")

app = typer.Typer(
    help="AI chat (PydanticAI): chat, list providers and conversations, check the setup.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


STATUS_STORE_TIMEOUT = 10.0


def _run(work: Coroutine[Any, Any, T]) -> T:
    """Run `work`, then close database pools inside the same loop (no 'loop is closed')."""
    from aegis_ai.store_factory import close_stores

    async def main() -> T:
        try:
            return await work
        finally:
            await close_stores()

    return asyncio.run(main())


@app.command()
def chat(
    question: Annotated[str | None, typer.Argument(help="Answer this once and exit.")] = None,
    conversation: Annotated[
        str | None, typer.Option("--conversation", "-c", help="Continue this conversation.")
    ] = None,
) -> None:
    """Chat interactively (/new, /history, /exit; Ctrl-C stops an answer), or answer once."""
    from aegis_ai.chat_cli import ChatSession
    from aegis_ai.errors import ChatFailure

    session = ChatSession(conversation)
    if question is None:
        session.interactive()
        return
    try:
        session.once(question)
    except ChatFailure as failure:
        fail(failure.message)


@app.command()
def providers(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Supported providers: which is active, its key set or not (never shown), SDK installed."""
    from aegis_ai.providers import describe
    from aegis_ai.settings import get_settings

    rows = describe(get_settings())
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        mark = "*" if row["active"] else " "
        key = "" if not row["key_env"] else f"{row['key_env']} {_present(row['key_present'])}"
        sdk = "" if row["installed"] else f"(uv add 'aegis-ai[{row['name']}]')"
        typer.echo(f"{mark} {row['name']:<18} {row['default_model']:<26} {key} {sdk}".rstrip())


def _present(present: Any) -> str:
    return "set" if present else "not set"


@app.command()
def conversations(
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many, newest first.")] = 20,
) -> None:
    """Stored conversations (this project's store: the database, or memory of this process)."""
    from aegis_ai.settings import get_settings
    from aegis_ai.store import StoreError
    from aegis_ai.store_factory import get_store

    async def listing() -> list[dict[str, Any]]:
        store = get_store(get_settings())
        return [c.summary() for c in await store.list(None, limit)]

    try:
        rows = _run(listing())
    except StoreError as exc:
        fail(str(exc))
        return
    if not rows:
        typer.echo("no conversations yet (start one with `ai chat`)")
    for row in rows:
        typer.echo(
            f"{row['id']}  {row['updated_at'][:19]}  {row['messages']:>3} msgs  {row['title']}"
        )


@app.command()
def status() -> None:
    """Provider, model, key present, last call and store; exit 1 on a warning."""
    from aegis_core.health.models import HealthStatus

    from aegis_ai.health import check_ai

    health = _run(check_ai(store_timeout=STATUS_STORE_TIMEOUT))
    typer.echo(f"{health.status}: {health.message}")
    for name, value in health.metadata.items():
        typer.echo(f"  {name}: {value}")
    if health.status in (HealthStatus.WARNING, HealthStatus.UNHEALTHY):
        raise typer.Exit(1)
