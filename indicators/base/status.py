"""The status vocabulary: the one word (and colour) every surface shows for a target.

``indicators.domain.metrics`` decides which word applies; cards, tables, charts, tiles, exports
and the command line only look it up here. While the target year is open a target has a
trend word; once the year has passed its status is the verdict, so the two can never stand
side by side and disagree.
"""

from __future__ import annotations

from typing import Literal, get_args

OpenStatus = Literal[
    "achieved",
    "on_track",
    "moderate",
    "limited",
    "deterioration",
    "insufficient_data",
    "no_data",
    "no_target",
]
Verdict = Literal["met_on_time", "met_late", "missed", "unverified"]
Status = OpenStatus | Verdict

OPEN_STATUSES: tuple[OpenStatus, ...] = get_args(OpenStatus)
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)

# Okabe-Ito hues, distinguishable with the common colour-vision deficiencies. A verdict
# takes the hue of its open counterpart (met = achieved's green, missed = limited's
# vermillion): open words and verdicts never stand in one view for the same target year, and
# every surface writes the word beside the colour. Greys say "cannot be judged", darker with
# more known: unverified, then insufficient data (a figure, no trend), then no data at all.
STATUS_COLOURS: dict[Status, str] = {
    "met_on_time": "#009E73",
    "achieved": "#009E73",
    "met_late": "#56B4E9",
    "on_track": "#56B4E9",
    "moderate": "#E69F00",
    "limited": "#D55E00",
    "missed": "#D55E00",
    "deterioration": "#CC79A7",
    "unverified": "#7F7F7F",
    "insufficient_data": "#B3B3B3",
    "no_data": "#E6E6E6",
    "no_target": "#F2F2F2",
}
# Written on each province tile and in its legend, so status is never colour alone.
STATUS_SYMBOLS: dict[Status, str] = {
    "met_on_time": "✓",
    "achieved": "✓",
    "met_late": "(✓)",
    "on_track": "↗",
    "moderate": "→",
    "limited": "↘",
    "missed": "✗",
    "deterioration": "↓",
    "unverified": "?",
    "insufficient_data": "·",
    "no_data": "–",
    "no_target": "",
}
# One order for legends and tables: verdicts first (they are final), then trends, then gaps.
DISPLAY_ORDER: tuple[Status, ...] = (
    "met_on_time",
    "met_late",
    "missed",
    "unverified",
    "achieved",
    "on_track",
    "moderate",
    "limited",
    "deterioration",
    "insufficient_data",
    "no_data",
    "no_target",
)


def is_verdict(status: str) -> bool:
    return status in VERDICTS


def colour(status: Status) -> str:
    return STATUS_COLOURS[status]


# The same palette for tasks, so "done" is the green of "achieved" everywhere.
TASK_STATUS_COLOURS = {
    "done": "#009E73",
    "in_progress": "#56B4E9",
    "not_started": "#F0E442",
    "delayed": "#D55E00",
    "unreported": "#BBBBBB",
}


def brightness(colour: str) -> float:
    """How light a '#RRGGBB' colour looks, 0 (black) to 255 (white): what decides the ink
    written on it, or whether it shows on a white page at all."""
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.299 * r + 0.587 * g + 0.114 * b


def _luminance(colour: str) -> float:
    """WCAG relative luminance of '#RRGGBB'."""
    channels = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two '#RRGGBB' colours, 1 to 21."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ink_on(colour: str) -> str:
    """Black or white, whichever reads better on `colour` (WCAG contrast, not brightness:
    on the vermillion of "missed" white is 3.9:1, below AA, and black 5.4:1)."""
    return max(("#000000", "#FFFFFF"), key=lambda ink: contrast(ink, colour))
