"""What `aegis ingress-enable` writes into the ingress stubs: the blocks between aegis markers.

`traefik/traefik.yml` gets the HTTP → HTTPS redirect on the `web` entrypoint and the Let's
Encrypt resolver (ACME HTTP challenge, storage on the `letsencrypt` volume);
`traefik/dynamic/aegis.yml` gets HTTPS routers for the domain with HSTS, the admin ones behind
the allowlist. Values are validated first and written as JSON strings (valid YAML), and the
domain's alphabet cannot close Traefik's backquoted rule strings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from aegis_cli.errors import AegisError, UsageError

STATIC = "traefik/traefik.yml"
DYNAMIC = "traefik/dynamic/aegis.yml"
ACME_STORAGE = "/letsencrypt/acme.json"
ADMIN_RULE = (
    "PathPrefix(`/dashboard`) || PathPrefix(`/docs`) || PathPrefix(`/redoc`)"
    " || Path(`/openapi.json`)"
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]{1,64}@([A-Za-z0-9.-]{1,253})$")


def check_domain(raw: str) -> str:
    """A public DNS name such as example.com (lowercased); no IP, port, path or wildcard."""
    domain = raw.strip().lower().rstrip(".")
    labels = domain.split(".")
    if (
        len(domain) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise UsageError(
            f"--domain {raw[:80]!r} is not a domain name",
            hint="give the name your DNS points at this server, e.g. --domain app.example.com",
        )
    return domain


def check_email(raw: str) -> str:
    """The address Let's Encrypt writes to about expiring certificates."""
    email = raw.strip()
    match = _EMAIL.match(email)
    if match is None or ".." in email:
        raise UsageError(
            f"--email {raw[:80]!r} is not an e-mail address",
            hint="Let's Encrypt writes there about your certificates, e.g. --email ops@example.com",
        )
    check_domain(match.group(1))  # the mail domain must be a real name too
    return email


@dataclass(frozen=True)
class Https:
    domain: str
    email: str

    def blocks(self) -> dict[str, dict[str, str]]:
        """File → marker name → the lines between its markers (unindented)."""
        return {
            STATIC: {"https-redirect": self._redirect(), "acme": self._acme()},
            DYNAMIC: {"https-routers": self._routers()},
        }

    @staticmethod
    def _redirect() -> str:
        return (
            "redirections:\n  entryPoint:\n"
            "    to: websecure\n    scheme: https\n    permanent: true\n"
        )

    def _acme(self) -> str:
        return (
            "certificatesResolvers:\n  letsencrypt:\n    acme:\n"
            f"      email: {json.dumps(self.email)}\n"
            f"      storage: {json.dumps(ACME_STORAGE)}\n"
            "      httpChallenge:\n        entryPoint: web\n"
        )

    def _routers(self) -> str:
        host = f"Host(`{self.domain}`)"
        app = json.dumps(host)
        admin = json.dumps(f"{host} && ({ADMIN_RULE})")
        main = json.dumps(self.domain)
        tls = f"  tls:\n    certResolver: letsencrypt\n    domains:\n      - main: {main}\n"
        return (
            f'app-https:\n  rule: {app}\n  entryPoints: ["websecure"]\n'
            f'  middlewares: ["hsts"]\n  service: app\n{tls}'
            f'admin-https:\n  rule: {admin}\n  priority: 10000\n  entryPoints: ["websecure"]\n'
            f'  middlewares: ["admin-allowlist", "hsts"]\n  service: app\n{tls}'
        )


def replace_block(text: str, name: str, body: str, *, relative: str) -> str:
    """`text` with the lines between `# >>> aegis:NAME` and `# <<< aegis:NAME` replaced by
    `body`, indented like the opening marker."""
    lines = text.splitlines(keepends=True)
    begin = _find(lines, f"# >>> aegis:{name}", 0)
    end = _find(lines, f"# <<< aegis:{name}", begin + 1) if begin >= 0 else -1
    if begin < 0 or end < 0:
        raise AegisError(
            f"{relative} lacks the '# >>> aegis:{name}' / '# <<< aegis:{name}' marker lines",
            hint="put them back where a fresh `aegis add ingress` has them, then run this again",
        )
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    inner = [f"{indent}{line}\n" if line else "\n" for line in body.rstrip("\n").split("\n")]
    return "".join(lines[: begin + 1] + inner + lines[end:])


def _find(lines: list[str], marker: str, start: int) -> int:
    return next((i for i in range(start, len(lines)) if lines[i].strip() == marker), -1)
