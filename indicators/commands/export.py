"""export-figure and export-pack: the presenters' exports, for scripted reports."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import plotly.graph_objects as go

from indicators.base.i18n import LANGS, Lang
from indicators.commands import add_db_option
from indicators.domain.snapshot import Snapshot, load_snapshot
from indicators.export.pack import PACK_FORMATS, build_pack
from indicators.export.static import DEFAULT_PRESET, FORMATS, PRESETS, figure_bytes
from indicators.store import Store

FIGURE_KINDS = ("bullet", "trajectory", "regions")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export-figure", help="write one target's chart as PNG, SVG or PDF")
    p.add_argument("target_id", metavar="TARGET_ID")
    p.add_argument("--kind", choices=FIGURE_KINDS, required=True)
    p.add_argument(
        "--format", choices=FORMATS, default=None, help="default: from OUT's suffix, else png"
    )
    p.add_argument("--lang", choices=LANGS, default="zh")
    p.add_argument(
        "--size",
        choices=tuple(PRESETS),
        default=DEFAULT_PRESET,
        help="slide 1600x900 (PNG at 2x), a4 report width, square",
    )
    _common(p)
    p.set_defaults(func=cmd_export_figure)

    p = sub.add_parser("export-pack", help="write the briefing pack (PDF or PPTX)")
    p.add_argument("--lang", choices=LANGS, default="zh")
    p.add_argument(
        "--format", choices=PACK_FORMATS, default=None, help="default: from OUT's suffix, else pdf"
    )
    _common(p)
    p.set_defaults(func=cmd_export_pack)


def _common(p: argparse.ArgumentParser) -> None:
    add_db_option(p)
    p.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="judge progress as on this date (YYYY-MM-DD; default today)",
    )
    p.add_argument("out", metavar="OUT", type=Path)


F = TypeVar("F", bound=str)


def _format(out: Path, given: str | None, allowed: tuple[F, ...]) -> F:
    """The --format given, else OUT's suffix if allowed, else the first allowed format.

    Returned as the element of ``allowed`` it equals, so the result keeps its Literal type.
    """
    wanted = given or out.suffix.lower().lstrip(".")
    return next((f for f in allowed if f == wanted), allowed[0])


def _builder(kind: str) -> Callable[[Snapshot, str, Lang], go.Figure]:
    from indicators.present import charts

    return {
        "bullet": charts.bullet_chart,
        "trajectory": charts.trajectory_chart,
        "regions": charts.regions_bar,
    }[kind]


def cmd_export_figure(args: argparse.Namespace) -> int:
    snap = load_snapshot(Store(args.db), as_of=args.as_of)
    target = snap.catalog.targets.get(args.target_id)
    if target is None:
        print(
            f"error: no target {args.target_id!r}; `python -m indicators status` lists them",
            file=sys.stderr,
        )
        return 1
    if not target.quantitative:
        print(f"error: {target.id} is a qualitative target and has no chart", file=sys.stderr)
        return 1
    if args.kind == "regions" and not (target.regional and snap.regional(target.id)):
        # The page says so too; an empty slide reading "no data" is no chart to hand out.
        why = "has no provincial figures" if target.regional else "is not set per province"
        print(
            f"error: {target.id} {why}, so there is no provinces chart to write; "
            "try --kind bullet or --kind trajectory",
            file=sys.stderr,
        )
        return 1
    fmt = _format(args.out, args.format, FORMATS)
    data = figure_bytes(_builder(args.kind)(snap, target.id, args.lang), fmt, args.size)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"{args.out}: {args.kind} chart of {target.id}, {fmt}, {args.size}, {len(data):,} bytes")
    return 0


def cmd_export_pack(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    snap = load_snapshot(Store(args.db), as_of=args.as_of)
    fmt = _format(args.out, args.format, PACK_FORMATS)
    data = build_pack(snap, args.lang, fmt)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(
        f"{args.out}: briefing pack, {fmt}, {args.lang}, {len(data):,} bytes, "
        f"{time.perf_counter() - started:.1f} s"
    )
    return 0
