"""`<slug> ai …` as users run it: the interactive chat through a real pseudo-terminal
(rich rendering, /history, /new, Ctrl-C stopping an answer), one-shot answers and listings."""

from __future__ import annotations

import re
import sys
import time

from aegis_ai.sandbox import Project
from aegis_ai.testing import FakeOpenAI
from aegis_core.testing.terminal import Terminal

CLI = "from aegis_core.cli import build_cli; build_cli('proj')()"


def cli_terminal(project: Project, *args: str) -> Terminal:
    """The project's CLI (`<slug> ARGS`) on a real terminal."""
    return Terminal([sys.executable, "-c", CLI, *args], cwd=project.root, env=project.env)


def test_interactive_chat_history_new_and_ctrl_c(project: Project, provider: FakeOpenAI) -> None:
    chat = cli_terminal(project, "ai", "chat")
    chat.expect("How can I help you today?")
    chat.send("Explain webhooks\r")
    chat.expect("echo: Explain webhooks (user messages seen: 1)")
    chat.send("Give an example\r")
    chat.expect("echo: Give an example (user messages seen: 2)")
    chat.send("/history\r")
    chat.expect("user: Explain webhooks")
    chat.expect("assistant: echo: Give an example")
    chat.send("/new\r")
    chat.expect("new conversation")

    provider.chunk_delay = 0.5
    chat.send("one two three four five six seven eight nine ten\r")
    chat.expect("echo: one")
    chat.send("\x03")  # Ctrl-C while the answer streams
    chat.expect("(answer stopped)")
    deadline = time.monotonic() + 20
    while provider.streams_cancelled == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert provider.streams_cancelled == 1, "Ctrl-C closed the provider's stream"

    provider.chunk_delay = 0
    chat.send("still here?\r")
    chat.expect("echo: still here? (user messages seen: 1)")  # the stopped answer was not kept
    chat.expect("you>")
    # CPython's input() drops a SIGINT that lands between writing the prompt and blocking in
    # read(): it is handled only after the next Enter. A person cannot press Ctrl-C within that
    # microsecond window; the test can, so it waits as long as a person would at least.
    time.sleep(0.5)
    chat.send("\x03")  # Ctrl-C at the prompt does not leave either
    chat.expect("type /exit or press Ctrl-D to leave")
    chat.send("/exit\r")
    assert chat.wait() == 0


def test_interactive_chat_reports_a_provider_failure_and_goes_on(
    project: Project, provider: FakeOpenAI
) -> None:
    provider.mode = "unauthorized"
    chat = cli_terminal(project, "ai", "chat")
    chat.expect("How can I help you today?")
    chat.send("hello\r")
    chat.expect("error: openai-compatible rejected the API key: check AI_API_KEY")
    provider.mode = "ok"
    chat.send("hello again\r")
    chat.expect("echo: hello again")
    chat.send("\x04")  # Ctrl-D leaves
    assert chat.wait() == 0


def test_one_shot_answers_in_plain_text_for_pipes(project: Project, provider: FakeOpenAI) -> None:
    done = project.cli("ai", "chat", "Explain webhooks")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "echo: Explain webhooks (user messages seen: 1)\n"
    provider.mode = "rate_limited"
    failed = project.cli("ai", "chat", "again")
    assert failed.returncode == 1
    assert failed.stderr == "Error: openai-compatible is rate limiting requests; try again later\n"
    assert "Traceback" not in failed.stderr


def test_one_shot_offline_says_it_is_the_test_model(project: Project) -> None:
    done = project.cli("ai", "chat", "hello")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("[offline test model]")


def test_providers_and_status_never_show_a_key(project: Project) -> None:
    secret = "sk-do-not-print-42"
    env = {"AI_PROVIDER": "openai", "OPENAI_API_KEY": secret}
    providers = project.cli("ai", "providers", **env)
    status = project.cli("ai", "status", **env)
    assert providers.returncode == 0 and status.returncode == 0, status.stderr
    assert secret not in providers.stdout + status.stdout
    assert re.search(r"^\* openai +gpt-4o-mini +OPENAI_API_KEY set", providers.stdout, re.M)
    assert "anthropic" in providers.stdout
    assert status.stdout.startswith("healthy: openai gpt-4o-mini configured")
    assert "key_present: True" in status.stdout


def test_status_names_a_missing_key_and_fails(project: Project) -> None:
    status = project.cli("ai", "status", AI_PROVIDER="anthropic")
    assert status.returncode == 1
    assert status.stdout.startswith("warning: AI_PROVIDER=anthropic needs ANTHROPIC_API_KEY")


def test_bad_settings_are_one_line(project: Project) -> None:
    done = project.cli("ai", "status", AI_PROVIDER="openia")
    assert done.returncode != 0
    assert "AI_PROVIDER" in done.stderr and "Traceback" not in done.stderr
