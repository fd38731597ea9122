"""The officials' figures: what each one plots, checked against values worked out by hand."""

from __future__ import annotations

import csv
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from indicators.base.catalog import NATIONAL
from indicators.base.paths import CATALOG_DIR
from indicators.base.periods import parse_period
from indicators.domain.review_policy import submits_for_review
from indicators.domain.snapshot import load_snapshot
from indicators.export.data import figure_data
from indicators.present import charts as F
from indicators.store import Store

AS_OF = date(2026, 11, 23)
BUILDERS_BY_TARGET = (F.bullet_chart, F.trajectory_chart, F.regions_bar, F.tile_map)


def snap_of(store: Store, as_of: date = AS_OF):
    return load_snapshot(store, as_of=as_of)


def trace(fig: go.Figure, name_part: str) -> go.BaseTraceType:
    found = [t for t in fig.data if t.name and name_part in t.name]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def source_text(fig: go.Figure) -> str:
    return " ".join(a.text for a in fig.layout.annotations).replace("<br>", "")


def as_date(x: object) -> date:
    return x if isinstance(x, date) else date.fromisoformat(str(x)[:10])


def write_provinces(
    store: Store,
    rows: list[tuple[str, str, float]],
    indicator: str = "fibre_village_share",
    unit: str = "%",
) -> None:
    frame = pd.DataFrame(
        [
            {
                "indicator_id": indicator,
                "region_code": code,
                "period": period,
                "t": parse_period(period).t,
                "value": value,
                "qualifier": None,
                "unit": unit,
                "source": "省通信管理局 test release",
                "note": None,
            }
            for code, period, value in rows
        ]
    )
    store.write_actuals(
        frame,
        kind="file",
        user="tester",
        file_name="provinces.csv",
        review=submits_for_review(store),
    )


# --- bullet ---------------------------------------------------------------------------------


def test_bullet_marks_latest_actual_target_and_baseline_of_the_scale(store):
    fig = F.bullet_chart(snap_of(store), "info_consumption_scale", "zh")
    latest = trace(fig, "最新实际值")
    assert list(latest.x) == [6.8]  # 2021, the newest published figure
    # 2020 has passed: the bar carries the verdict (5.8 < 6 in 2020, 6.8 in 2021), by name
    assert "逾期实现" in latest.name and "已实现" not in latest.name
    assert latest.marker.color == F.STATUS_COLOURS["met_late"]
    assert list(trace(fig, "目标").x) == [6.0]
    assert list(trace(fig, "基期").x) == [3.9]  # the 2016 baseline of the catalog
    source = source_text(fig)
    assert "国发〔2017〕40号 一（三）" in source and "数据截至" in source and "2021" in source
    assert "工业和信息化部" in source


def test_bullet_of_a_target_without_a_catalog_baseline_calls_its_start_the_first_actual(store):
    fig = F.bullet_chart(snap_of(store), "fibre_village_share", "en")
    assert "Start: first actual" in trace(fig, "Start").name
    assert not [t for t in fig.data if t.name and t.name.startswith("Baseline")]


# --- trajectory -----------------------------------------------------------------------------


def test_trajectory_required_path_runs_compounding_from_the_baseline_to_the_target(store):
    fig = F.trajectory_chart(snap_of(store), "info_consumption_scale", "zh")
    path = trace(fig, "所需路径")
    xs, ys = [as_date(x) for x in path.x], list(path.y)
    assert (xs[0], ys[0]) == (date(2016, 12, 31), pytest.approx(3.9))
    assert (xs[-1], ys[-1]) == (date(2020, 12, 31), pytest.approx(6.0))
    # half way (end of 2018) on a compound path: 3.9 * (6 / 3.9) ** 0.5 = 4.8374
    mid = ys[xs.index(date(2018, 12, 31))]
    assert mid == pytest.approx(4.8374, abs=1e-4)
    # the target year has passed (judged in 2026): no projection is drawn
    assert not [t for t in fig.data if t.name and "预测" in t.name]
    assert "目标年 2020" in source_text(fig)


def test_trajectory_projects_the_observed_growth_to_the_target_year(store):
    # Judged in mid-2019 the newest figure is 2018's 5 (约): observed growth since 2016 is
    # (5 / 3.9) ** (1/2) - 1, and two more years of it give 5 * (5 / 3.9) = 6.4103 in 2020.
    fig = F.trajectory_chart(snap_of(store, date(2019, 6, 1)), "info_consumption_scale", "en")
    projection = trace(fig, "projected")
    assert as_date(projection.x[0]) == date(2018, 12, 31) and projection.y[0] == 5.0
    assert as_date(projection.x[-1]) == date(2020, 12, 31)
    assert projection.y[-1] == pytest.approx(6.4103, abs=1e-4)
    assert "6.41" in projection.name


def test_growth_trajectory_shows_the_derived_average_and_the_published_yearly_rate(store):
    fig = F.trajectory_chart(snap_of(store), "info_consumption_growth", "zh")
    derived = trace(fig, "由规模推算")
    values = dict(zip((as_date(x).year for x in derived.x), derived.y, strict=True))
    assert values[2020] == pytest.approx(((5.8 / 3.9) ** (1 / 4) - 1) * 100)  # 10.43 %
    # 2016-2021 (11.76 %) measures something else once 2020 has passed: not drawn
    assert 2021 not in values
    reported = trace(fig, "公布的当年同比增速")
    assert list(reported.y) == [11.1] and as_date(reported.x[0]).year == 2018
    assert list(trace(fig, "目标增速").y) == [11, 11]


def test_hover_traces_every_figure_to_its_source_and_upload(store):
    snap = snap_of(store)
    upload = int(
        snap.actuals.loc[
            snap.actuals["indicator_id"] == "info_consumption_scale", "upload_id"
        ].iloc[0]
    )
    fig = F.trajectory_chart(snap, "info_consumption_scale", "en")
    hover = " ".join(trace(fig, "Actual").hovertext)
    assert f"Upload #{upload} (published_actuals.csv)" in hover  # no account name
    assert "CRI report 2018-08-17" in hover  # where the 2017 figure was published


def test_trajectory_year_filter_sets_the_time_axis(store):
    fig = F.trajectory_chart(snap_of(store), "info_consumption_scale", "en", years=(2015, 2020))
    lo, hi = (as_date(x) for x in fig.layout.xaxis.range)
    # Whole years 2015-2020: the 2020 figure (at 2020-12-31) is the last one inside.
    assert lo == date(2015, 1, 1) and hi == date(2021, 1, 1)
    assert fig.layout.xaxis.ticklabelmode == "period"


# --- provinces ------------------------------------------------------------------------------

# Beijing 95 -> 99 (met 98); Tibet 60 -> 66 from its first figure in 2018: required growth to
# 98 by 2020 is (98/60)^(1/2)-1 = 27.8 %, observed 10 %: R = 0.36, limited; Hebei 90 -> 97:
# observed 7.78 %, required (98/90)^(1/2)-1 = 4.35 %: on track.
PROVINCES = [
    ("110000", "2018", 95.0),
    ("110000", "2019", 99.0),
    ("540000", "2018", 60.0),
    ("540000", "2019", 66.0),
    ("130000", "2018", 90.0),
    ("130000", "2019", 97.0),
]


def test_regions_bar_without_a_provincial_target_ranks_the_lowest_first_and_says_why(store):
    # The scale's 6 trillion yuan is national only: no gap, so the lowest figure leads.
    write_provinces(
        store,
        [("110000", "2019", 0.5), ("540000", "2019", 0.02)],
        indicator="info_consumption_scale",
        unit="万亿元",
    )
    fig = F.regions_bar(snap_of(store), "info_consumption_scale", "en")
    assert list(fig.layout.yaxis.categoryarray) == ["Tibet", "Beijing"]
    assert "No provincial target in the document" in fig.layout.title.subtitle.text


def test_regions_bar_ranks_provinces_furthest_from_the_target_first(store):
    write_provinces(store, PROVINCES)
    fig = F.regions_bar(snap_of(store, date(2020, 6, 1)), "fibre_village_share", "zh")
    assert list(fig.layout.yaxis.categoryarray) == ["西藏", "河北", "北京"]
    bars = [t for t in fig.data if t.type == "bar"]
    gaps = {y: x for t in bars for x, y in zip(t.x, t.y, strict=True)}
    assert gaps == {
        "西藏": pytest.approx(32.0),
        "河北": pytest.approx(1.0),
        "北京": pytest.approx(-1.0),
    }
    assert {t.name for t in bars} == {"进展有限", "进展顺利", "已实现"}


def test_regions_bar_labels_sit_right_of_zero_so_none_runs_into_the_province_names(store):
    # Beijing's -1 bar runs left of zero, towards the names: its label starts at zero
    write_provinces(store, PROVINCES)
    fig = F.regions_bar(snap_of(store), "fibre_village_share", "en")
    (labels,) = [t for t in fig.data if getattr(t, "mode", None) == "text"]
    placed = {
        y: (x, text.strip()) for x, y, text in zip(labels.x, labels.y, labels.text, strict=True)
    }
    assert placed == {
        "Tibet": (pytest.approx(32.0), "32 · Unverified"),
        "Hebei": (pytest.approx(1.0), "1 · Unverified"),
        "Beijing": (0.0, "-1 · Met on time"),
    }
    assert labels.textposition == "middle right" and labels.hoverinfo == "skip"
    # the axis leaves room on the right for the longest label, and none on the left for one
    low, high = fig.layout.xaxis.range
    assert low == pytest.approx(-1 - 0.02 * 33) and high == pytest.approx(32 + 0.45 * 33)
    # the chart's data download lists the provinces once each, not the labels again
    data = figure_data(fig, "en")
    assert sorted(data.iloc[:, 1]) == ["Beijing", "Hebei", "Tibet"]


def test_provinces_get_verdicts_not_trends_once_the_year_has_passed(store):
    # 2019 figures only: Beijing met 98 before the deadline; Tibet and Hebei had no
    # 2020 figure, so their outcome is unknown, whatever their 2019 trend was
    write_provinces(store, PROVINCES)
    fig = F.regions_bar(snap_of(store), "fibre_village_share", "zh")
    by_name = {y: t.name for t in fig.data if t.type == "bar" for y in t.y}
    assert by_name == {"西藏": "无法核实", "河北": "无法核实", "北京": "按期实现"}


def test_tile_map_draws_one_equal_square_per_province_coloured_by_status(store, catalog):
    write_provinces(store, PROVINCES)
    fig = F.tile_map(snap_of(store, date(2020, 6, 1)), "fibre_village_share", "en")
    squares = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(squares) == len(catalog.provinces) == 31
    assert {round(s.x1 - s.x0, 6) for s in squares} == {0.92}
    assert {round(s.y1 - s.y0, 6) for s in squares} == {0.92}
    by_place = {(round((s.x0 + s.x1) / 2), round((s.y0 + s.y1) / 2)): s.fillcolor for s in squares}
    beijing, tibet, shanghai = (catalog.regions[c] for c in ("110000", "540000", "310000"))
    assert by_place[(beijing.tile_col, beijing.tile_row)] == F.STATUS_COLOURS["achieved"]
    assert by_place[(tibet.tile_col, tibet.tile_row)] == F.STATUS_COLOURS["limited"]
    assert by_place[(shanghai.tile_col, shanghai.tile_row)] == F.STATUS_COLOURS["no_data"]
    # The legend and each tile write the status as a symbol too: never colour alone.
    assert {"✓ Achieved", "↘ Limited progress", "↗ On track", "– No data"} <= {
        t.name for t in fig.data if t.name
    }
    labels = {t for tr in fig.data if tr.text is not None for t in tr.text}
    # each tile prints the province's figure in the target's unit, not a % achieved
    assert any(label.startswith("<b>Tibet</b>") and "↘ 66%" in label for label in labels)
    assert any(label.startswith("<b>Beijing</b>") and "✓ 99%" in label for label in labels)
    assert not any("67%" in label or "101%" in label for label in labels)
    assert fig.layout.yaxis.scaleanchor == "x"  # squares stay square


def test_tile_map_by_pct_achieved_uses_a_colour_scale(store):
    write_provinces(store, PROVINCES)
    fig = F.tile_map(snap_of(store), "fibre_village_share", "en", metric="pct_achieved")
    assert any(getattr(t.marker, "showscale", False) for t in fig.data)
    labels = " ".join(" ".join(t.text) for t in fig.data if t.text is not None)
    # coloured by % achieved (Tibet: 66 / 98 = 67.3 %), labelled with the figure itself
    assert "66%" in labels and "67%" not in labels


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_tile_never_prints_a_rounded_ratio_that_contradicts_its_mark(store, lang):
    # 97.6 % against 98 % is 99.6 % achieved, which rounds to "100%" beside a cross
    write_provinces(store, [("130000", "2020", 97.6), ("110000", "2020", 99.6)])
    fig = F.tile_map(snap_of(store), "fibre_village_share", lang)
    labels = {
        t.split("</b>")[0].removeprefix("<b>"): t for tr in fig.data if tr.text for t in tr.text
    }
    hebei, beijing = ("Hebei", "Beijing") if lang == "en" else ("河北", "北京")
    assert labels[hebei].endswith("✗ 97.6%</span>")
    assert labels[beijing].endswith("99.6%</span>") and "✗" not in labels[beijing]
    assert "100%" not in " ".join(labels.values())


@pytest.mark.parametrize(
    ("lang", "axis"), [("en", "Gap (percentage points)"), ("zh", "差距（百分点）")]
)
def test_the_gap_axis_of_a_share_is_in_percentage_points(store, lang, axis):
    write_provinces(store, PROVINCES)
    fig = F.regions_bar(snap_of(store), "fibre_village_share", lang)
    assert fig.layout.xaxis.title.text == axis


def write_guangxi(store: Store, source: str | None = "Guangxi bureau") -> None:
    store.write_actuals(
        pd.DataFrame(
            [
                {
                    "indicator_id": "fibre_village_share",
                    "region_code": "450000",
                    "period": "2020",
                    "t": 2020.0,
                    "value": 98.0,
                    "qualifier": None,
                    "unit": "%",
                    "source": source,
                    "note": None,
                }
            ]
        ),
        kind="file",
        user="tester",
        file_name="gx.csv",
        review=submits_for_review(store),
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("builder", [F.regions_bar, F.tile_map])
def test_province_figures_cite_the_provincial_figures_they_plot(store, builder, lang):
    write_guangxi(store)
    text = source_text(builder(snap_of(store), "fibre_village_share", lang))
    assert "Guangxi bureau" in text
    assert "no figures yet" not in text and "暂无数据" not in text


def test_province_figures_without_a_named_source_do_not_claim_no_figures(store):
    write_guangxi(store, source=None)
    text = source_text(F.regions_bar(snap_of(store), "fibre_village_share", "en"))
    assert "source not given" in text and "no figures yet" not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_long_titles_wrap_to_fit_a_half_width_column(store, lang):
    from indicators.present.chart_parts import text_width, title_width

    write_guangxi(store)
    snap = snap_of(store)
    for builder in (F.regions_bar, F.tile_map):
        title = builder(snap, "fibre_village_share", lang).layout.title.text
        lines = title.split("<br>")
        limit = title_width(60)
        assert all(text_width(line) <= limit for line in lines), title
        if text_width(title.replace("<br>", " ")) > limit:
            assert len(lines) > 1
    title = F.regions_bar(snap, "fibre_village_share", "en").layout.title.text
    assert "<br>" in title  # "Administrative villages with fibre: provinces ..."


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_tile_label_line_fits_its_tile(store, catalog, lang):
    from indicators.present.chart_parts import text_width

    write_guangxi(store)
    fig = F.tile_map(snap_of(store), "fibre_village_share", lang)
    labels = [t for tr in fig.data if tr.mode == "text" for t in tr.text]
    assert len(labels) == len(catalog.provinces)
    names = [label.split("</b>")[0].removeprefix("<b>") for label in labels]
    for name in names:
        assert all(text_width(line) <= F.TILE_LABEL_CHARS for line in name.split("<br>")), name
    if lang == "en":
        assert "Inner<br>Mongolia" in names and "Heilong-<br>jiang" in names
    else:
        assert "黑龙江" in names and "内蒙古" in names
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1


def test_tile_label_breaks_long_names_at_words_and_syllables():
    assert F.tile_label("Heilongjiang") == "Heilong-<br>jiang"
    assert F.tile_label("Guangdong") == "Guang-<br>dong"
    assert F.tile_label("Inner Mongolia") == "Inner<br>Mongolia"
    assert F.tile_label("Beijing") == "Beijing"
    assert F.tile_label("黑龙江") == "黑龙江"


# --- milestones and tasks -------------------------------------------------------------------


def test_milestone_timeline_shows_the_5g_launch_against_its_deadline(store):
    fig = F.milestone_timeline(snap_of(store), "infrastructure", "en")
    deadline = trace(fig, "Deadline")
    assert [as_date(x) for x in deadline.x] == [date(2020, 12, 31)]
    launch = trace(fig, "Met on time")
    assert [as_date(x) for x in launch.x] == [date(2019, 10, 31)]
    assert list(launch.y) == ["5G commercial launch"]


def test_department_summary_counts_each_task_a_department_leads_or_shares(store):
    with (CATALOG_DIR / "task_departments.csv").open(encoding="utf-8") as fh:
        miit_tasks = {r["task_id"] for r in csv.DictReader(fh) if r["department_id"] == "miit"}
    store.set_status("task", sorted(miit_tasks)[0], "done", user="planner")
    fig = F.department_summary(snap_of(store), "zh")
    miit = store.catalog().departments["miit"].name("zh")
    counts = {t.name: dict(zip(t.y, t.x, strict=True)).get(miit, 0) for t in fig.data}
    assert sum(counts.values()) == len(miit_tasks)
    assert counts["已完成"] == 1
    assert counts["未报告"] == len(miit_tasks) - 1


# --- every figure ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_stands_on_its_own(store, lang):
    write_provinces(store, PROVINCES)
    snap = snap_of(store)
    figs = [
        b(snap, t.id, lang)
        for t in snap.catalog.targets.values()
        if t.quantitative
        for b in BUILDERS_BY_TARGET
    ]
    figs += [F.milestone_timeline(snap, d, lang) for d in snap.catalog.domains]
    figs += [F.department_summary(snap, lang), F.pct_achieved_bar(snap, lang)]
    word = "来源" if lang == "zh" else "Source"
    target_word = "目标" if lang == "zh" else "target"
    for fig in figs:
        assert fig.layout.title.text
        text = source_text(fig)
        assert target_word in text.lower(), fig.layout.title.text
        # a figure that draws something cites it; an empty one cites nothing
        assert (word in text) == (len(fig.data) > 0), fig.layout.title.text
        assert fig.layout.font.family == F.FONT_FAMILY
        named = [t for t in fig.data if t.name and t.showlegend is not False]
        assert fig.layout.showlegend == (len(named) > 0)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_actuals_every_figure_says_no_data(empty_store, lang):
    snap = snap_of(empty_store)
    no_data = "暂无数据" if lang == "zh" else "No data"
    for t in snap.catalog.targets.values():
        if not t.quantitative:
            continue
        for build in BUILDERS_BY_TARGET:
            fig = build(snap, t.id, lang)
            assert no_data in source_text(fig) or t.kind == "milestone", (build, t.id)
    assert no_data in source_text(F.pct_achieved_bar(snap, lang))
    assert F.sparkline_svg(snap, "info_consumption_scale", lang) == ""


def test_status_colours_are_the_okabe_ito_ones_everywhere():
    okabe_ito = {"#009E73", "#56B4E9", "#E69F00", "#D55E00", "#CC79A7", "#F0E442"}
    greys = ("unverified", "insufficient_data", "no_data", "no_target")
    coloured = {c for s, c in F.STATUS_COLOURS.items() if s not in greys}
    assert coloured <= okabe_ito
    # the greys differ in lightness, so "one figure" never looks like "no figure"
    shades = [F.STATUS_COLOURS[s] for s in greys]
    assert all(c[1:3] == c[3:5] == c[5:7] for c in shades)
    assert len(set(shades)) == len(shades)
    # statuses that can stand side by side (one phase) never share a colour
    from indicators.base.status import OPEN_STATUSES, VERDICTS

    for phase in (OPEN_STATUSES, VERDICTS):
        colours = [F.STATUS_COLOURS[s] for s in phase]
        assert len(set(colours)) == len(colours), phase
    assert {c for s, c in F.TASK_STATUS_COLOURS.items() if s != "unreported"} <= okabe_ito
    assert F.TASK_STATUS_COLOURS["done"] == F.STATUS_COLOURS["achieved"]


def test_national_code_is_the_default_region(store):
    snap = snap_of(store)
    assert (
        F.bullet_chart(snap, "fibre_village_share", "zh").to_json()
        == F.bullet_chart(snap, "fibre_village_share", "zh", NATIONAL).to_json()
    )


def test_a_province_already_above_the_target_gets_no_backward_path(store):
    # Guangdong's first figure, 98.6 %, already meets 98 %: a path "required" from 98.6 down
    # to 98 would tell officials to fall; the legend says it is already met instead
    write_provinces(store, [("440000", "2018", 98.6), ("440000", "2019", 99.2)])
    fig = F.trajectory_chart(
        snap_of(store, date(2020, 6, 1)), "fibre_village_share", "en", "440000"
    )
    assert not [t for t in fig.data if t.name and t.name.startswith("Required path")]
    assert "already met at the start (2018)" in trace(fig, "already met").name


def test_an_empty_provincial_chart_cites_no_national_source(store):
    # Shanghai has no fibre figure: nothing drawn, so only the target clause, no publication
    snap = snap_of(store)
    for build in (F.bullet_chart, F.trajectory_chart):
        text = source_text(build(snap, "fibre_village_share", "zh", "310000"))
        assert "来源" not in text and "人民日报" not in text
        assert "目标：国发〔2017〕40号 三（十三）" in text


def test_sparkline_svg_draws_the_series_scaled_into_its_box_with_the_target_dashed(store):
    svg = F.sparkline_svg(snap_of(store), "fibre_village_share", "en", width=100, height=50)
    # 98 (2019-08) -> 99 (2021-05), target 98: the line runs from the bottom-left corner
    # (x = pad 5, y = 50 - 5) to the top-right one (95, 5); the target sits on the bottom.
    assert '<polyline points="5.0,45.0 95.0,5.0"' in svg
    assert 'y1="45.0" y2="45.0"' in svg and "stroke-dasharray" in svg
    assert 'aria-label="Administrative villages with fibre' in svg
    assert F.sparkline_svg(snap_of(store), "related_output", "en") == ""


def test_the_year_span_runs_from_the_first_figure_to_the_last_target_year(store):
    # First published figure: scale 2013; latest target year in the catalog: 2025.
    assert snap_of(store, date(2024, 6, 1)).year_span() == (2013, 2025)


def test_the_year_span_grows_to_include_today_once_every_target_year_has_passed(store):
    assert snap_of(store, date(2027, 1, 1)).year_span() == (2013, 2027)


def test_without_figures_the_year_span_starts_at_the_earliest_catalog_baseline(empty_store):
    # Baselines in the catalog: 2016 and 2017.
    assert snap_of(empty_store, date(2024, 6, 1)).year_span() == (2016, 2025)


@pytest.mark.parametrize("width", range(16, 80))
def test_a_wrapped_source_line_starts_no_line_with_a_closing_mark_and_ends_none_with_an_opening_one(
    width,
):
    from indicators.present.chart_parts import NO_LINE_END, NO_LINE_START, text_width, wrap

    text = "来源：省通信管理局 test release；目标：国发〔2017〕40号 三（十三）。数据截至 2019"
    lines = wrap(text, width).split("<br>")
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not [line for line in lines[1:] if line[0] in NO_LINE_START], lines
    assert not [line for line in lines[:-1] if line[-1] in NO_LINE_END], lines
    assert all(text_width(line) <= width for line in lines), lines
