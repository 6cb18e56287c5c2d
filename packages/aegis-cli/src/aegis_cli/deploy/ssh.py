"""The SSH transport: the system `ssh` and `rsync`, never a password.

Every connection runs with `BatchMode=yes` (no prompt, so no password can be typed or shown),
the project's own `.aegis/known_hosts` and `StrictHostKeyChecking=yes`; a first contact adds
the server's key only with `--accept-new-host-key` (`accept-new`: a changed key is still
refused). Scripts go to the remote shell on stdin (`sh -s`), so no value is ever parsed twice.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aegis_cli.deploy.config import KNOWN_HOSTS, DeployConfig
from aegis_cli.errors import AegisError

SSH_FAILED = 255


@dataclass
class Output:
    returncode: int
    stdout: str
    stderr: str


class Remote:
    """One server, reached as the project's `.aegis/deploy.yml` says."""

    def __init__(self, root: Path, config: DeployConfig, *, accept_new_host_key: bool = False):
        for tool in ("ssh", "rsync"):
            if shutil.which(tool) is None:
                raise AegisError(
                    f"`{tool}` is not installed on this machine",
                    hint="apt-get install openssh-client rsync (or your system's packages)",
                )
        self.root = root
        self.config = config
        known_hosts = root / KNOWN_HOSTS
        known_hosts.parent.mkdir(parents=True, exist_ok=True)
        known_hosts.touch(exist_ok=True)
        self.options = [
            "-p", str(config.port),
            "-o", "BatchMode=yes",
            "-o", f"UserKnownHostsFile={known_hosts}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", f"StrictHostKeyChecking={'accept-new' if accept_new_host_key else 'yes'}",
            "-o", "ConnectTimeout=15",
            "-o", "ServerAliveInterval=10",
            "-o", "ServerAliveCountMax=3",
            "-o", "LogLevel=ERROR",
        ]  # fmt: skip
        if config.identity_file:
            key = Path(config.identity_file).expanduser()
            if not key.is_absolute():
                key = root / key
            if not key.is_file():
                raise AegisError(f"the SSH key {key} does not exist (identity_file in deploy.yml)")
            self.options += ["-i", str(key), "-o", "IdentitiesOnly=yes"]

    def ssh_command(self, remote_command: str | None = None, *, tty: bool = False) -> list[str]:
        command = ["ssh", *self.options, *(["-t"] if tty else ["-T"]), self.config.target]
        return [*command, "--", remote_command] if remote_command else command

    def run(self, script: str, *, stream: bool = False, stdin: bytes | None = None) -> Output:
        """Run a POSIX shell script on the server; its output (printed as it comes when
        `stream`). A connection failure raises one line; the script's own exit code is kept."""
        if stdin is None:
            command = self.ssh_command("sh -s")
            data = script.encode()
        else:  # the script is the command line; stdin carries data (e.g. the .env file)
            command = self.ssh_command(f"sh -c {shlex.quote(script)}")
            data = stdin
        if not stream:
            done = subprocess.run(command, input=data, capture_output=True)
            result = Output(
                done.returncode,
                done.stdout.decode(errors="replace"),
                done.stderr.decode(errors="replace"),
            )
        else:
            result = self._stream(command, data)
        if result.returncode == SSH_FAILED:
            raise self.connection_error(result.stderr)
        if result.returncode < 0:  # ssh itself was killed: the connection is gone
            raise AegisError(
                f"the connection to {self.config.where} dropped (ssh ended by signal "
                f"{-result.returncode})"
            )
        return result

    def _stream(self, command: list[str], data: bytes) -> Output:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert process.stdin and process.stdout and process.stderr
        try:
            process.stdin.write(data)
            process.stdin.close()
            lines = []
            for raw in process.stdout:
                line = raw.decode(errors="replace")
                lines.append(line)
                sys.stdout.write("  " + line)
                sys.stdout.flush()
            stderr = process.stderr.read().decode(errors="replace")
            return Output(process.wait(), "".join(lines), stderr)
        finally:  # interrupted (Ctrl-C, SIGTERM): the connection ends with us, never orphaned
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def check(self, script: str, what: str, *, stream: bool = False) -> Output:
        """`run`, raising one line (the last line the server printed) when the script fails."""
        result = self.run(script, stream=stream)
        if result.returncode != 0:
            raise AegisError(f"{what} failed on {self.config.host}: {last_line(result)}")
        return result

    def interactive(self, remote_command: str) -> int:
        """A terminal session (deploy-shell): ssh with a tty, its exit code."""
        done = subprocess.run(self.ssh_command(remote_command, tty=sys.stdin.isatty()))
        if done.returncode == SSH_FAILED:
            raise self.connection_error("")
        return done.returncode

    def rsync(
        self, source: Path, destination: str, excludes: Sequence[str], link_dest: str | None
    ) -> Output:
        """Copy `source/` to `destination` on the server (deleting what the source lacks)."""
        ssh = " ".join(shlex.quote(part) for part in ["ssh", *self.options, "-T"])
        command = [
            "rsync", "--archive", "--compress", "--delete",
            "--stats", "-e", ssh,
            *[f"--exclude={pattern}" for pattern in excludes],
        ]  # fmt: skip
        if link_dest:
            command.append(f"--link-dest={link_dest}")
        command += [f"{source}/", f"{self.config.target}:{destination}/"]
        done = subprocess.run(command, capture_output=True)
        result = Output(
            done.returncode,
            done.stdout.decode(errors="replace"),
            done.stderr.decode(errors="replace"),
        )
        if result.returncode in {SSH_FAILED, 12} and _is_connection_problem(result.stderr):
            raise self.connection_error(result.stderr)
        if result.returncode != 0:
            raise AegisError(
                f"copying the project to {self.config.host} failed: {last_line(result)}"
            )
        return result

    def connection_error(self, stderr: str) -> AegisError:
        """One line for what stopped the connection (never the server's banner or a secret)."""
        text = stderr.lower()
        where = self.config.where
        if "remote host identification has changed" in text:
            return AegisError(
                f"the host key of {self.config.host} changed since it was first trusted: refusing",
                hint=f"if the server was really reinstalled, remove its line from {KNOWN_HOSTS}",
            )
        if "host key verification failed" in text or "host key is known" in text:
            return AegisError(
                f"the host key of {self.config.host} is not known yet ({KNOWN_HOSTS})",
                hint="check the server's fingerprint, then run again with --accept-new-host-key",
            )
        if "permission denied" in text:
            return AegisError(
                f"{where} refused the SSH key for user {self.config.user}",
                hint="set identity_file in .aegis/deploy.yml, or add your public key on the server",
            )
        if "could not resolve" in text or "name or service not known" in text:
            return AegisError(f"cannot resolve the host name {self.config.host}")
        if (
            "connection refused" in text
            or "timed out" in text
            or "no route" in text
            or "unreachable" in text
        ):
            return AegisError(f"cannot reach {where}: {_first_line(stderr) or 'no answer'}")
        if (
            "broken pipe" in text
            or "closed by remote host" in text
            or "connection reset" in text
            or "timeout" in text
        ):
            return AegisError(f"the connection to {where} dropped: {_first_line(stderr)}")
        return AegisError(f"SSH to {where} failed: {_first_line(stderr) or 'no message'}")


def _is_connection_problem(stderr: str) -> bool:
    text = stderr.lower()
    return any(
        word in text
        for word in (
            "host key",
            "permission denied",
            "connection",
            "could not resolve",
            "timed out",
            "unreachable",
        )
    )


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def last_line(result: Output) -> str:
    for text in (result.stderr, result.stdout):
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        if lines:
            return lines[-1][:300]
    return f"exit code {result.returncode}"
