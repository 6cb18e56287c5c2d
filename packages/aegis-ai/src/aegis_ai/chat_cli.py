"""The terminal chat: streamed answers rendered as Markdown with rich.

One event loop for the whole session (database pools belong to a loop). Ctrl-C while an
answer streams cancels it (the provider request is closed, nothing is stored) and returns to
the prompt; Ctrl-C at the prompt only reminds how to leave; Ctrl-D or /exit leaves.
"""

from __future__ import annotations

import asyncio
import sys

from rich.console import Console
from rich.live import Live
from rich.markdown import Markdown

from aegis_ai.errors import ChatFailure
from aegis_ai.service import ChatResult, ChatService
from aegis_ai.store_factory import close_stores

GREETING = "How can I help you today?"
HELP = "/new starts a conversation, /history shows this one, /exit leaves (Ctrl-C stops an answer)"


class ChatSession:
    def __init__(self, conversation_id: str | None = None) -> None:
        self.service = ChatService()
        self.conversation_id = conversation_id
        self.console = Console(highlight=False)

    def once(self, question: str) -> None:
        """Answer one question; a pipe gets plain text, a terminal rendered Markdown."""
        with asyncio.Runner() as runner:
            try:
                runner.run(self._answer(question, render=self.console.is_terminal))
            finally:
                runner.run(close_stores())

    def interactive(self) -> None:
        self.console.print(
            f"[bold]{self.service.provider}[/] · {self.service.model}   [dim]{HELP}[/]"
        )
        self.console.print(f"[bold cyan]>[/] {GREETING}")
        with asyncio.Runner() as runner:
            try:
                while self._turn(runner):
                    pass
            finally:
                runner.run(close_stores())

    def _turn(self, runner: asyncio.Runner) -> bool:
        """One prompt and its answer; False when the user leaves."""
        try:
            line = self.console.input("[bold green]you>[/] ").strip()
        except EOFError:
            return False
        except KeyboardInterrupt:
            self.console.print("\n[dim](type /exit or press Ctrl-D to leave)[/]")
            return True
        if line in ("/exit", "/quit"):
            return False
        if line == "/new":
            self.conversation_id = None
            self.console.print("[dim]new conversation[/]")
        elif line == "/history":
            runner.run(self._history())
        elif line:
            self._ask(runner, line)
        return True

    def _ask(self, runner: asyncio.Runner, line: str) -> None:
        try:
            runner.run(self._answer(line, render=True))
        except KeyboardInterrupt:
            self.console.print("\n[yellow](answer stopped)[/]")
        except ChatFailure as failure:
            self.console.print(f"[red]error:[/] {failure.message}")

    async def _answer(self, question: str, *, render: bool) -> None:
        text = ""
        events = self.service.stream(question, self.conversation_id)
        if not render:
            async for item in events:
                if isinstance(item, ChatResult):
                    self.conversation_id = item.conversation_id
                else:
                    sys.stdout.write(item)
                    sys.stdout.flush()
            sys.stdout.write("\n")
            return
        with Live(Markdown(""), console=self.console, refresh_per_second=12) as live:
            async for item in events:
                if isinstance(item, ChatResult):
                    self.conversation_id = item.conversation_id
                else:
                    text += item
                    live.update(Markdown(text))

    async def _history(self) -> None:
        from aegis_ai.store_factory import get_store
        from aegis_ai.transcript import transcript

        if self.conversation_id is None:
            self.console.print("[dim]no messages yet in this conversation[/]")
            return
        found = await get_store(self.service.settings).get(self.conversation_id, None)
        for turn in transcript(found.messages if found else []):
            self.console.print(f"[bold]{turn['role']}:[/] {turn['content']}")
