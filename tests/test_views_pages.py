"""The officials' pages in Streamlit's AppTest: language, URL filters, empty data, task status."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

import ui.common
from indicators.domain.auth import Accounts, Session
from tests.support import StartDashboard
from ui.auth_ui import AuthKeys
from ui.view_state import ViewKeys

# url paths differ from the file names: a pages/NAME.py stem would be opened without
# st.navigation (Streamlit's old pages-directory lookup) when a link is pasted.
VIEW_PAGES = ("overview", "provinces", "task-list", "methodology")


def start(dashboard: StartDashboard, db_path, **params: str) -> AppTest:
    """Run the dashboard once and remember its pages (AppTest keeps them after run one)."""
    at = dashboard(db_path, **params)
    assert not at.exception, at.exception
    at.pages = {
        info.get("url_pathname") or "overview": h  # type: ignore[attr-defined]
        for h, info in at._registered_pages.items()
    }
    return at


def open_page(at: AppTest, url_path: str) -> AppTest:
    # switch_page() takes file paths; domain pages are callables, so ask for the page hash.
    at._page_hash = at.pages[url_path]  # type: ignore[attr-defined]
    at.run()
    assert not at.exception, (url_path, at.exception)
    return at


def page_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "info")
        for e in getattr(at, kind)
    ]
    parts += [df.value.to_string() for df in at.dataframe]
    # As the reader sees it: worked-out text is escaped for Markdown where it is drawn.
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", "\n".join(str(p) for p in parts))


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_shows_headline_cards_the_target_table_and_the_data_date(dashboard, store, lang):
    at = start(dashboard, store.path, lang=lang)
    text = page_text(at)
    if lang == "zh":
        assert "6.8 万亿元" in text and "数据截至 2021" in text and "逾期实现" in text
        assert "重点目标" in text
    else:
        assert "6.8 trillion yuan" in text and "Data as of 2021" in text
        assert "Met late" in text and "Unverified" in text  # the legend names what is shown
    assert charts(at) == 1  # the progress chart
    # Sparklines are inline SVG (the cards paint before plotly.js loads), each labelled.
    sparks = [m.value for m in at.markdown if m.value.startswith('<svg role="img"')]
    assert len(sparks) >= 4
    table = at.dataframe[0].value
    assert len(table) == sum(t.quantitative for t in store.catalog().targets.values())


@pytest.mark.parametrize(
    ("lang", "summary", "fibre"),
    [
        (
            "zh",
            "7 个重点目标：按期实现 2 · 逾期实现 1 · 未实现 1 · 无法核实 3",
            "行政村通光纤比例：",
        ),
        (
            "en",
            "7 headline targets: Met on time 2 · Met late 1 · Missed 1 · Unverified 3",
            "Administrative villages with fibre: ",
        ),
    ],
)
def test_overview_counts_the_headline_verdicts_above_the_cards(
    dashboard, store, lang, summary, fibre
):
    # By hand from the shipped figures: fibre 98% and 5G met in their year (2020, 2019);
    # the scale reached 6 trillion in 2021, after 2020; the growth average fell short;
    # related output, station coverage and training projects have no figure to judge by.
    at = start(dashboard, store.path, lang=lang)
    texts = [m.value for m in at.markdown]
    head = texts.index(f"**{summary}**")
    items = texts[head + 1].split("\n")
    assert len(items) == 7
    met = "Met on time" if lang == "en" else "按期实现"
    fibre_line = next(i for i in items if i.startswith(f"- {fibre}"))
    assert fibre_line.endswith(met.replace(" ", "\u00a0"))
    # before the cards: the first thing under the title and the data date
    assert [t for t in texts[:head] if not t.startswith("<style")] == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_never_shows_a_trend_word_once_every_target_year_has_passed(
    dashboard, store, lang
):
    # every quantitative target is due by 2020: in 2026 each card, table row and the legend
    # speak in verdicts only, so nothing can say "on track" beside "missed"
    from indicators.base.i18n import _
    from indicators.base.status import OPEN_STATUSES

    at = start(dashboard, store.path, lang=lang)
    text = page_text(at)
    trends = [s for s in OPEN_STATUSES if s not in ("no_data", "no_target")]
    for status in trends:
        assert _(f"status.{status}", lang) not in text, status
    for status in ("met_on_time", "met_late", "missed", "unverified"):
        assert _(f"status.{status}", lang) in text, status


def test_language_switch_changes_the_labels_and_the_url(dashboard, store):
    at = start(dashboard, store.path)
    assert at.title[0].value == "信息消费与“互联网+”目标监测"
    at.radio(key="lang").set_value("en").run()
    assert "target tracker" in at.title[0].value
    assert at.query_params["lang"] == "en"
    assert "Headline targets" in page_text(at)


def test_every_view_and_domain_page_renders_in_both_languages(dashboard, store):
    at = start(dashboard, store.path)
    domains = [p for p in at.pages if p.startswith("domain-")]
    assert len(domains) == len(store.catalog().domains)  # one page per catalog domain
    for lang in ("zh", "en"):
        at.query_params["lang"] = lang
        at.session_state["lang"] = lang
        for path in (*VIEW_PAGES, *domains):
            open_page(at, path)
            assert at.title, path


def test_domain_page_draws_bullet_and_trajectory_for_each_target_with_figures(dashboard, store):
    at = open_page(start(dashboard, store.path, lang="en"), "domain-scale")
    text = page_text(at)
    for name in ("Information consumption scale", "Output of related sectors"):
        assert name in text
    # Scale and growth have figures (two charts each); related output has none yet, so
    # it gets one line instead of two empty charts.
    assert charts(at) == 2 * 2
    assert "No figures yet" in text
    assert (
        "5.8 trillion yuan in 2020, short by 0.2 trillion yuan (3.3% of the target); first met 2021"
    ) in text


def test_region_and_years_come_from_the_url_and_stay_in_it(dashboard, store):
    at = start(dashboard, store.path, region="110000", years="2015-2020")
    open_page(at, "domain-scale")
    assert at.selectbox(key=ViewKeys.widget(ViewKeys.REGION)).value == "110000"
    assert at.slider(key=ViewKeys.widget(ViewKeys.YEARS)).value == (2015, 2020)
    assert at.query_params["region"] == "110000" and at.query_params["years"] == "2015-2020"
    # the scale has no provincial target: the page says so for Beijing
    assert any("北京" in i.value and "分省目标" in i.value for i in at.info)


def test_changing_a_filter_rewrites_the_url(dashboard, store):
    at = open_page(start(dashboard, store.path), "domain-rural_access")
    assert "region" not in at.query_params  # national is the default
    at.selectbox(key=ViewKeys.widget(ViewKeys.REGION)).set_value("540000").run()
    assert at.query_params["region"] == "540000"
    at.slider(key=ViewKeys.widget(ViewKeys.YEARS)).set_range(2016, 2021).run()
    assert at.query_params["years"] == "2016-2021"
    assert "西藏" in page_text(at)


def test_tasks_page_filters_by_department_role_and_status_from_the_url(dashboard, store):
    snap_links = [d for d in store.catalog().task_departments if d.department_id == "miit"]
    leads = {d.task_id for d in snap_links if d.role == "lead"}
    at = open_page(start(dashboard, store.path, dept="miit", role="lead"), "task-list")
    assert len(at.dataframe[0].value) == len(leads)
    assert f"共 {len(leads)} 项任务" in page_text(at)
    at.multiselect(key=ViewKeys.widget(ViewKeys.TASK_STATUS)).set_value(["done"]).run()
    assert len(at.dataframe[0].value) == 0
    assert at.query_params["task_status"] == "done" and at.query_params["dept"] == "miit"


def test_a_planner_changes_a_task_status_and_it_is_recorded_with_who(dashboard, store):
    Accounts(store).add("wangming", "long enough")
    at = start(dashboard, store.path, lang="en", dept="miit", role="lead")
    now = time.time()
    at.session_state[AuthKeys.SESSION] = Session("wangming", now, now)
    open_page(at, "task-list")
    task_id = at.selectbox(key="views.status.task").value
    at.radio(key="views.status.status").set_value("done")
    at.text_area(key="views.status.evidence").set_value("MIIT notice 2020-05")
    at.button(key="views.status.submit").click().run()
    assert not at.exception
    current = store.current_statuses("task").set_index("subject_id").loc[task_id]
    assert (current["status"], current["user_name"], current["evidence"]) == (
        "done",
        "wangming",
        "MIIT notice 2020-05",
    )
    assert any("wangming" in s.value for s in at.success)
    at.run()
    assert "Done" in at.dataframe[0].value.to_string()


def test_viewers_see_no_status_form(dashboard, store):
    at = open_page(start(dashboard, store.path), "task-list")
    assert not [b for b in at.button if b.key == "views.status.submit"]


def test_every_page_on_an_empty_database_says_no_data_and_never_raises(dashboard, empty_store):
    for lang, word in (("zh", "暂无数据"), ("en", "No data")):
        at = start(dashboard, empty_store.path, lang=lang)
        for path in [p for p in at.pages if p.startswith("domain-")] + list(VIEW_PAGES):
            open_page(at, path)
            if path != "methodology":
                assert word in page_text(at), (lang, path)


def test_a_running_server_turns_to_verdicts_when_the_year_ends_without_any_write(
    dashboard, monkeypatch, store
):
    # The snapshot is cached per data version; the day is part of the key, so the
    # 2020 targets get their verdicts on 1 January 2021 though nothing was written.
    monkeypatch.setattr(ui.common, "today", lambda: date(2020, 12, 31))
    at = start(dashboard, store.path, lang="en")
    scale = at.dataframe[0].value.set_index("id").loc["info_consumption_scale"]
    assert scale["Status"] == "Moderate progress"
    monkeypatch.setattr(ui.common, "today", lambda: date(2021, 1, 1))
    at.run()
    scale = at.dataframe[0].value.set_index("id").loc["info_consumption_scale"]
    # 5.8 of 6 trillion yuan in 2020, the target year: short by 0.2.
    assert scale["Status"] == "Missed"


def test_the_year_filter_runs_from_the_first_figure_to_the_last_target_year(
    dashboard, monkeypatch, store
):
    monkeypatch.setattr(ui.common, "today", lambda: date(2024, 6, 1))
    at = open_page(start(dashboard, store.path), "domain-scale")
    slider = at.slider(key=ViewKeys.widget(ViewKeys.YEARS))
    # First published figure 2013; latest target year 2025 (today, 2024, is inside).
    assert (slider.min, slider.max) == (2013, 2025)
    assert slider.value == (2013, 2025)


def test_a_year_range_outside_the_data_in_the_url_is_ignored(dashboard, monkeypatch, store):
    monkeypatch.setattr(ui.common, "today", lambda: date(2024, 6, 1))
    at = open_page(start(dashboard, store.path, years="2010-2020"), "domain-scale")
    assert at.slider(key=ViewKeys.widget(ViewKeys.YEARS)).value == (2013, 2025)
    assert "years" not in at.query_params


def test_the_method_page_lists_the_shipped_sources_with_their_url_state(dashboard, store):
    at = open_page(start(dashboard, store.path, lang="en"), "methodology")
    text = page_text(at)
    assert "Sources of the published figures shipped with the dashboard" in text
    # The shipped file records no URL yet (the reference citations give none): said so.
    assert (
        "- MIIT and National Development and Reform Commission (CRI report 2018-08-17) — "
        "no URL recorded" in text
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_domain_page_shows_each_quote_in_the_page_language_with_the_original(
    dashboard, store, lang
):
    at = open_page(start(dashboard, store.path, lang=lang), "domain-rural_access")
    captions = [c.value for c in at.caption]
    if lang == "en":
        assert (
            "Text (Guofa [2017] No. 40, Section 3 (13)) in English: “By 2020, connect 98% "
            "of administrative villages to optical fibre” · Original: “到2020年實現98%的"
            "行政村通光纖”"
        ) in captions
    else:
        assert "原文（国发〔2017〕40号 三（十三））：“到2020年实现98%的行政村通光纤”" in captions


def test_readable_writes_the_named_number_columns_as_values_and_a_dash_where_none() -> None:
    import pandas as pd

    table = pd.DataFrame(
        {"pct": [92.1, None, 100.0], "gap": [0.125, 1234.5, float("nan")], "id": ["a", "b", "c"]}
    )
    shown = ui.common.readable(table, ["pct", "gap", "not a column"])
    # format_value: thousands separated, two decimals at most, trailing zeros dropped
    # (0.125 is exactly 1/8, so it rounds half to even: 0.12).
    assert shown["pct"].tolist() == ["92.1", "–", "100"]
    assert shown["gap"].tolist() == ["0.12", "1,234.5", "–"]
    assert shown["id"].tolist() == ["a", "b", "c"]
    assert table["pct"].tolist()[0] == 92.1  # the table itself is left as it was


def test_every_likely_address_is_a_hidden_page_that_leads_to_a_listed_one(dashboard, store):
    from pages.registry import ALIASES

    at = start(dashboard, store.path)
    listed = {p.get("url_pathname") for p in at._registered_pages.values()}  # type: ignore[attr-defined]
    # an alias whose page was renamed would silently vanish: each must still lead somewhere
    assert set(ALIASES.values()) <= listed
    assert set(ALIASES) <= listed  # served (hidden) beside the pages
    assert {"tasks", "upload", "history", "method", "pack", "home"} <= set(ALIASES)


def test_a_likely_address_draws_its_page_there_and_a_domain_id_its_domain(dashboard, store):
    at = start(dashboard, store.path)
    # the legacy file name (a page file), a domain's id (a page function), and /home
    for alias, title in (
        ("tasks", "任务分工与进展"),
        ("scale", "信息消费规模与带动"),
        ("home", "目标监测"),
    ):
        open_page(at, alias)
        assert title in at.title[0].value, alias
        assert "没有 /" not in page_text(at), alias  # no "there is no such page" line


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh", "没有 /overview/x 这个页面，已为您打开总览。"),
        ("en", "There is no page /overview/x: here is the overview."),
    ],
)
def test_the_overview_names_a_nested_path_serve_sent_there_and_no_other_page_does(
    dashboard, store, lang, line
):
    at = start(dashboard, store.path, lang=lang, missing="overview/x")
    assert [line] == [re.sub(r"\\(.)", r"\1", i.value) for i in at.info]
    open_page(at, "task-list")  # the query string still names it: said on the overview only
    assert "overview/x" not in page_text(at)


def test_the_snapshot_worked_out_at_start_is_the_one_the_first_visitor_reads(
    dashboard, store, monkeypatch
):
    # serve.py calls warm() while the server starts, so the first browser after a start
    # does not wait for the snapshot: it must fill the very cache entry a page run reads.
    import ui.common

    monkeypatch.setenv("INDICATORS_DB", str(store.path))
    loads: list[object] = []
    real = ui.common.load_snapshot

    def counted(*args: object, **kwargs: object) -> object:
        loads.append(kwargs.get("preview"))
        return real(*args, **kwargs)

    monkeypatch.setattr(ui.common, "load_snapshot", counted)
    ui.common.warm()
    assert loads == [None]
    at = start(dashboard, store.path)
    assert "重点目标" in " ".join(m.value for m in at.subheader)
    assert loads == [None]  # the page run found it


def test_the_cards_worked_out_at_start_in_both_languages_are_the_ones_the_page_draws(
    dashboard, store, monkeypatch
):
    import ui.common
    from pages import overview

    monkeypatch.setenv("INDICATORS_DB", str(store.path))
    calls: list[str] = []
    real = overview.headline_cards

    def counted(snap, lg):
        calls.append(lg)
        return real(snap, lg)

    counted.__module__, counted.__qualname__ = real.__module__, real.__qualname__
    monkeypatch.setattr(overview, "headline_cards", counted)
    ui.common.warm(counted)
    assert sorted(calls) == ["en", "zh"]
    for lang in ("zh", "en"):
        at = start(dashboard, store.path, lang=lang)
        assert not at.exception
    assert sorted(calls) == ["en", "zh"]  # both page runs drew the cards made at start


def test_a_status_chip_is_a_coloured_square_or_an_outline_where_the_colour_is_pale_on_white():
    from indicators.base.status import STATUS_COLOURS, brightness

    assert brightness("#FFFFFF") == 255 and brightness("#000000") == 0
    assert ui.common.chip(STATUS_COLOURS["met_late"], "met late") == (
        ':color[■]{foreground="#56B4E9"}\u00a0met\u00a0late'
    )
    assert ui.common.chip(STATUS_COLOURS["no_data"], "暂无数据") == ":gray[□]\u00a0暂无数据"


def test_an_alias_falls_back_to_a_redirect_if_streamlit_no_longer_names_a_pages_source(
    monkeypatch,
) -> None:
    import types

    from pages import registry

    moved: list[object] = []
    monkeypatch.setattr(registry.st, "switch_page", lambda page, **kw: moved.append(page))
    page = types.SimpleNamespace(url_path="task-list")  # no `_page`
    registry._in_place(page)()  # type: ignore[arg-type]
    assert moved == [page]
