"""Streamlit glue shared by the page scripts: session, cache, sign-in, preview, downloads and
the views several pages draw. Page scripts themselves live in pages/."""
