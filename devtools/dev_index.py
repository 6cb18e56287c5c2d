"""`python3 dev.py index [--port 8800]`: serve this checkout's packages as a real index.

The wheels of the current sources are published into `.aegis/dev-index/<digest>/` (a static
PEP 503 tree) and served over HTTP on 127.0.0.1 until Ctrl-C. Point `aegis` at the printed
`AEGIS_INDEX` URL and the projects it makes name that URL, never a folder of this machine; a
teammate's machine or a container can resolve them while the server runs.

The digest is part of the URL because uv caches a wheel per index URL and file name: a rebuilt
wheel keeps its version, so it must appear under a new URL to be seen.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
from pathlib import Path

from devtools import simple_index

ROOT = Path(__file__).resolve().parent.parent
SERVED = ROOT / ".aegis" / "dev-index"


def build_dev_index() -> Path:
    """The static index of the current sources (built only when the sources changed)."""
    from aegis_cli.index import ensure_wheelhouse

    wheelhouse = ensure_wheelhouse(ROOT)
    index = SERVED / wheelhouse.name
    if not (index / "simple" / "index.html").is_file():
        simple_index.publish(index, sorted(wheelhouse.glob("*.whl")))
    return index


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dev.py index", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8800, help="port on 127.0.0.1 (8800)")
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error(f"--port {args.port} is not a port number (1-65535)")
    index = build_dev_index()
    handler = functools.partial(_QuietHandler, directory=str(SERVED))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as error:
        print(
            f"cannot serve on 127.0.0.1:{args.port}: {error.strerror}; try --port", file=sys.stderr
        )
        return 1
    url = f"http://127.0.0.1:{args.port}/{index.name}/simple/"
    print(f"Serving the Aegis packages of this checkout at {url} (Ctrl-C stops)")
    print(f"  export AEGIS_INDEX={url}")
    print("  uv run aegis init my-api")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    return 0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
