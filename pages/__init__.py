"""Thin Streamlit views. Layout only: numbers, SQL and figures come from ``indicators``."""
