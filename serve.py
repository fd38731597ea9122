"""Start the dashboard: `python serve.py [streamlit run options]` (what `make run` does).

Streamlit treats a folder named ``pages/`` beside the main script as an old-style
multipage app on the first run of each server process, so a pasted link such as /tasks ran
``pages/tasks.py`` alone, without the navigation or the language switch. This app builds its
navigation with st.navigation, so say so before the server starts.
"""

from __future__ import annotations

import importlib
import sys
import threading
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli


def upload_limit_option(argv: list[str]) -> list[str]:
    """Streamlit's own uploader limit set to the dashboard's (it would otherwise say
    "200MB per file" while the page says 50 MB), unless the command line sets it."""
    if any(a.startswith("--server.maxUploadSize") for a in argv):
        return []
    from indicators.ingest.read import max_upload_bytes

    return ["--server.maxUploadSize", str(max(1, round(max_upload_bytes() / 1024 / 1024)))]


# Loaded, and the published snapshot worked out, while the server starts: the first
# visitor's script run otherwise pays for them (about 1 s before the page's title appears).
WARM = ("pages.registry", "pages.preview", "pages.chart_view", "pages.downloads", "pages.views_nav")


def warm() -> None:
    for name in WARM:
        importlib.import_module(name)
    from pages.common import warm as warm_snapshot

    warm_snapshot()


if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    # A thread: the server listens at once; a visitor arriving sooner waits on the same
    # cache entry instead of working it out twice.
    threading.Thread(target=warm, name="warm", daemon=True).start()
    args = sys.argv[1:]
    sys.argv = [
        "streamlit",
        "run",
        str(Path(__file__).with_name("dashboard.py")),
        *args,
        *upload_limit_option(args),
    ]
    sys.exit(cli.main())
