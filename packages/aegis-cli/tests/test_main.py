"""The entry point: a Ctrl-C that no transaction turned into a sentence still gets one."""

from __future__ import annotations

import pytest
from aegis_cli import main as entry
from aegis_cli.commands import status


def test_a_ctrl_c_outside_any_transaction_says_interrupted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """typer turns KeyboardInterrupt into a silent exit 130; the entry point names it."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(status, "run_status", interrupted)
    monkeypatch.setattr("sys.argv", ["aegis", "status"])
    with pytest.raises(SystemExit) as caught:
        entry.main()
    assert caught.value.code == 130
    assert "interrupted; nothing was changed" in capsys.readouterr().err
