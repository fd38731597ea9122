"""The public static site: every page and open-data file from the store, built with the app's
own card, table and figure builders (see build.py), and rebuilt when figures are published."""

from __future__ import annotations

from .build import SiteError, SiteOptions
from .publish import build_site, options_from_env, rebuild_after, site_dir

__all__ = [
    "SiteError",
    "SiteOptions",
    "build_site",
    "options_from_env",
    "rebuild_after",
    "site_dir",
]
