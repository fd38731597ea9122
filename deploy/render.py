"""Fill deploy/indicators.nginx.conf for this machine: the replicas' addresses, the port to
listen on, the installed Streamlit's static folder and the app's upload limit.

    .venv/bin/python deploy/render.py --replicas 127.0.0.1:8501,127.0.0.1:8502 --listen 80 \
        > /etc/nginx/conf.d/indicators.conf
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).with_name("indicators.nginx.conf")


def streamlit_static() -> Path:
    """The installed Streamlit's static folder (found, not imported: this runs anywhere)."""
    spec = importlib.util.find_spec("streamlit")
    assert spec is not None and spec.origin is not None, "streamlit is not installed"
    return Path(spec.origin).parent / "static"


def render(replicas: Sequence[str], listen: str, *, max_body_mb: int | None = None) -> str:
    if max_body_mb is None:
        from indicators.ingest.read import upload_backstop_mb

        max_body_mb = upload_backstop_mb()
    servers = "\n".join(f"    server {r} max_fails=1 fail_timeout=10s;" for r in replicas)
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in (
        ("UPSTREAM_SERVERS", servers),
        ("LISTEN", listen),
        ("MAX_BODY_MB", str(max_body_mb)),
        ("STREAMLIT_STATIC", str(streamlit_static())),
    ):
        text = text.replace(f"@{name}@", value)
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", required=True, help="host:port,host:port,...")
    parser.add_argument("--listen", default="80")
    args = parser.parse_args(argv)
    replicas = [r.strip() for r in args.replicas.split(",") if r.strip()]
    sys.stdout.write(render(replicas, args.listen))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
