"""Tracking the targets of Guofa 2017 No. 40 and Guofa 2015 No. 40 against actual figures.

Data flows one way: ``data/`` (catalog files) -> this package (catalog, store, ingest,
metrics, figures, export; no Streamlit here) -> ``pages/`` (thin Streamlit views).
"""
