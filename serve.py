"""Start the dashboard: `python serve.py [streamlit run options]` (what `make run` does).

Streamlit treats a folder named ``pages/`` beside the main script as an old-style
multipage app on the first run of each server process, so a pasted link such as /tasks ran
``pages/tasks.py`` alone, without the navigation or the language switch. This app builds its
navigation with st.navigation, so say so before the server starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(Path(__file__).with_name("dashboard.py")), *sys.argv[1:]]
    sys.exit(cli.main())
