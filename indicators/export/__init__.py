"""Presenters' exports: figures as PNG/SVG/PDF, data as CSV/XLSX, the briefing pack.

Pure Python (no Streamlit): ui/downloads.py and the CLI both call these.
"""
