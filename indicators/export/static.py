"""Plotly figures to PNG, SVG and PDF through kaleido and Debian's chromium.

Exports are sized by preset rather than by the browser window, so a slide gets the same
picture whoever made it. PNG is rendered at scale 2 (a 1600×900 slide preset gives a
3200×1800 image) so it stays sharp on a projector; SVG and PDF are vector and keep the
preset's size in CSS pixels / points.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import plotly.graph_objects as go
import plotly.io as pio

from indicators.base.escape import printable

FigureFormat = Literal["png", "svg", "pdf"]
FORMATS: tuple[FigureFormat, ...] = ("png", "svg", "pdf")
MIME: dict[str, str] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
PNG_SCALE = 2
# Same stack the on-screen figures use; WenQuanYi is what `make run` installs.
EXPORT_FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, sans-serif"


@dataclass(frozen=True)
class Preset:
    """Output size in CSS pixels, and a zoom: the figure is laid out at size / zoom and
    rendered ``zoom`` times larger, so text, legend and margins keep the proportions the
    figure builder chose for the screen instead of shrinking on a big canvas."""

    width: int
    height: int
    zoom: float

    @property
    def layout_size(self) -> tuple[float, float]:
        return self.width / self.zoom, self.height / self.zoom


# slide: 16:9 at 1600×900, laid out like a 1000-px-wide screen chart. a4: the text width
# of an A4 page with 20 mm margins (170 mm), which the PNG's scale 2 makes ~300 dpi.
# square: the 1080×1080 post size social platforms expect.
PRESETS: dict[str, Preset] = {
    "slide": Preset(1600, 900, 1.6),
    "a4": Preset(1004, 620, 1.0),
    "square": Preset(1080, 1080, 1.35),
}
DEFAULT_PRESET = "slide"
MIN_MARGIN = 24

_server_lock = threading.Lock()
_server_started = False


def ensure_server() -> None:
    """Start kaleido's sync server once per process: a warm chromium makes exports fast."""
    global _server_started
    if _server_started:
        return
    with _server_lock:
        if not _server_started:
            import kaleido

            kaleido.start_sync_server(silence_warnings=True)
            _server_started = True


def layout_size(fig: go.Figure, preset: str) -> tuple[float, float]:
    """The size the figure is laid out at: the preset's, enlarged (same aspect ratio) when
    the figure needs more height than that, e.g. a row for each of 31 provinces. The
    render scale shrinks it back to the preset, so every row and label stays in the
    picture, a little smaller, instead of plotly dropping every second label."""
    width, height = PRESETS[preset].layout_size
    need = fig.layout.height or 0
    k = max(1.0, need / height)
    return width * k, height * k


def sized(fig: go.Figure, preset: str = DEFAULT_PRESET) -> go.Figure:
    """A copy laid out for the preset: fixed size, export font, white paper.

    Titles, the source line and the legend are the figure builder's; only size and type
    change here, so the exported picture says what the screen said.
    """
    width, height = layout_size(fig, preset)
    out = go.Figure(fig)
    out.update_layout(
        width=width,
        height=height,
        autosize=False,
        font_family=EXPORT_FONT,
        paper_bgcolor="white",
    )
    # Screen layouts may hug the edge; on a slide or page text needs a white border.
    m = out.layout.margin
    out.update_layout(
        margin={side: max(getattr(m, side) or 0, MIN_MARGIN) for side in ("l", "r", "t", "b")}
    )
    if out.layout.title.xanchor == "left":
        out.update_layout(title_pad_l=MIN_MARGIN)
    return out


@lru_cache(maxsize=64)
def _render(fig_json: str, fmt: FigureFormat, preset: str) -> bytes:
    import kaleido

    ensure_server()
    original = pio.from_json(fig_json)
    fig = sized(original, preset)
    p = PRESETS[preset]
    width, height = layout_size(original, preset)
    scale = p.width / width * (PNG_SCALE if fmt == "png" else 1)
    # kaleido directly, not pio.to_image: that passes launch options a running server
    # cannot take and warns on every call.
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    return kaleido.calc_fig_sync(_printable(fig.to_dict()), opts=opts)


def _printable(obj: object) -> object:
    """Every text of the figure without control characters: stored text with one made
    kaleido fail (error 525) and the SVG ill-formed XML."""
    if isinstance(obj, str):
        return printable(obj)
    if isinstance(obj, dict):
        return {k: _printable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_printable(v) for v in obj]
    return obj


def figure_bytes(fig: go.Figure | str, fmt: FigureFormat, preset: str = DEFAULT_PRESET) -> bytes:
    """The figure rendered as ``fmt``; cached on the figure's JSON, format and preset."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; expected one of {FORMATS}")
    if preset not in PRESETS:
        raise ValueError(f"unknown size preset {preset!r}; expected one of {tuple(PRESETS)}")
    fig_json = fig if isinstance(fig, str) else fig.to_json()
    return _render(fig_json, fmt, preset)


def pixel_size(preset: str, fmt: FigureFormat = "png") -> tuple[int, int]:
    """Width and height of the rendered file in pixels (PNG) or CSS pixels (SVG, PDF)."""
    p = PRESETS[preset]
    scale = PNG_SCALE if fmt == "png" else 1
    return round(p.width * scale), round(p.height * scale)
