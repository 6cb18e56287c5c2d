"""A real chromium a test drives step by step (`session.mjs`), with the network blocked.

    with BrowserSession() as browser:
        browser.goto(f"{server.url}/dashboard/", flet=True)
        assert browser.expect("2 problems")
        server.stop()                       # the test acts between two steps
        assert browser.expect("disconnected since")

Only 127.0.0.1 is reachable; `external_requests()` lists what tried to leave. Prerequisites
are checked like `render_dashboard`'s (skip locally, fail under `CI=true`).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.browser.browser import ARTIFACTS, HERE, chromium_path, ensure_prerequisites

SCRIPT = HERE / "session.mjs"
SERIOUS = frozenset({"serious", "critical"})


class BrowserStepError(RuntimeError):
    """A step the browser could not carry out (not: a text that did not appear)."""


class BrowserSession:
    """One chromium page; each method is one step and returns what the page showed."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> BrowserSession:
        ensure_prerequisites()
        self._process = subprocess.Popen(
            ["node", str(SCRIPT)],
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "CHROMIUM": chromium_path()},
        )
        self._read()  # the "ready" line: the browser started
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        process = self._process
        if process is None:
            return
        try:
            if process.poll() is None and process.stdin is not None:
                process.stdin.write('{"cmd": "close"}\n')
                process.stdin.flush()
            process.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()

    def step(self, cmd: str, **args: Any) -> dict[str, Any]:
        process = self._process
        assert process is not None and process.stdin is not None, "use `with BrowserSession()`"
        process.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        process.stdin.flush()
        answer = self._read()
        if not answer.get("ok"):
            raise BrowserStepError(f"{cmd} {args}: {answer.get('error')}")
        return answer

    def _read(self) -> dict[str, Any]:
        assert self._process is not None and self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise BrowserStepError(f"session.mjs exited ({self._process.poll()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    # --- steps ---------------------------------------------------------------------------

    def goto(self, url: str, *, flet: bool = False) -> str:
        """Open `url`; for a Flet page also wait for it to load and enable its text layer."""
        return str(self.step("goto", url=url, flet=flet)["url"])

    def expect(self, text: str, timeout: float = 15.0) -> bool:
        """Whether `text` becomes visible within `timeout` seconds."""
        return bool(self.step("expect", text=text, timeout=int(timeout * 1000))["found"])

    def gone(self, text: str, timeout: float = 15.0) -> bool:
        """Whether `text` is (or becomes) hidden or absent within `timeout` seconds."""
        return bool(self.step("gone", text=text, timeout=int(timeout * 1000))["gone"])

    def count(self, selector: str, minimum: int = 1, timeout: float = 15.0) -> int:
        """How many elements match `selector`, waiting up to `timeout` for `minimum`."""
        answer = self.step("wait_selector", selector=selector, min=minimum, timeout=timeout * 1000)
        return int(answer["count"])

    def click(self, text: str | None = None, *, role: str | None = None, name: str = "") -> None:
        self.step("click", text=text, role=role, name=name)

    def type_into(self, name: str, value: str) -> None:
        """Type `value` into the text field labelled `name`, replacing what it held."""
        self.step("type", name=name, value=value)

    def position(
        self, text: str | None = None, *, role: str | None = None, name: str = ""
    ) -> tuple[float, float]:
        """Where the first element with `text` (or `role` and `name`) is: (x, y) in pixels."""
        box = self.step("box", text=text, role=role, name=name)["box"]
        if box is None:
            raise BrowserStepError(f"{text or name!r} is not on the page")
        return float(box["x"]), float(box["y"])

    def color_scheme(self, scheme: str) -> None:
        """Switch the browser to `dark` or `light`, as a person's system setting would."""
        self.step("color_scheme", scheme=scheme)

    def viewport(self, width: int, height: int) -> None:
        self.step("viewport", width=width, height=height)

    def screenshot(self, name: str | Path) -> Path:
        """Save under test-artifacts/ (gitignored) unless `name` is absolute."""
        path = Path(name) if Path(name).is_absolute() else ARTIFACTS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.step("screenshot", path=str(path))["blank"]:
            raise BrowserStepError(f"the page stayed blank; last shot in {path}")
        return path

    def find(self, text: str) -> bool:
        """Whether the browser's Find (Ctrl+F) finds `text` on the page."""
        return bool(self.step("find", text=text)["found"])

    def body_text(self) -> str:
        """The page's text as a person could select and copy it (or the browser's Find)."""
        return str(self.step("body_text")["text"])

    def select_and_copy(self, text: str) -> str:
        """Drag the mouse across `text` as a person would, press Ctrl+C; return the clipboard."""
        self.step("select_copy", text=text)
        return self.clipboard()

    def clipboard(self) -> str:
        """What a paste would insert now."""
        return str(self.step("clipboard")["text"])

    def clipboard_holding(self, text: str, timeout: float = 15.0) -> str:
        """The clipboard once it holds `text` (or as it is after `timeout` seconds).

        A click on a page's Copy button reaches the clipboard asynchronously (the server tells
        the page what to write), so a read right after the click may see the previous copy."""
        from aegis_core.testing import wait_until

        wait_until(lambda: text in self.clipboard(), timeout, interval=0.2)
        return self.clipboard()

    def serious_accessibility_violations(self) -> list[dict[str, Any]]:
        """axe-core's violations of impact serious or critical on the page as it is now."""
        violations: list[dict[str, Any]] = self.step("axe")["violations"]
        return [v for v in violations if v.get("impact") in SERIOUS]

    def external_requests(self) -> list[str]:
        """Requests to anything but 127.0.0.1 (every one of them was aborted)."""
        return list(self.step("report")["external_requests"])

    def console_errors(self) -> list[str]:
        return list(self.step("report")["console_errors"])
