"""A derived figure is never shown as an actual: the average growth computed from the scale
series, and the station share computed from two published counts, say so with formula and
inputs on the card, the table (and so the pack and files) and the chart's subtitle."""

from __future__ import annotations

from datetime import date

import pytest

from indicators.base.i18n import _
from indicators.domain.method import sections
from indicators.domain.snapshot import load_snapshot
from indicators.present.cards import target_card
from indicators.present.charts import trajectory_chart
from indicators.present.tables import targets_table

AS_OF = date(2026, 11, 23)
# (5.8 / 3.9) ** (1 / 4) - 1 = 0.10432...: 10.43 % a year, 2016 -> 2020
GROWTH = ((5.8 / 3.9) ** 0.25 - 1) * 100


def test_hand_computed_growth():
    assert f"{GROWTH:.2f}" == "10.43"


@pytest.fixture
def snap(store):
    return load_snapshot(store, as_of=AS_OF)


def test_the_growth_card_says_derived_with_formula_and_inputs(snap):
    en = target_card(snap, "info_consumption_growth", "en")
    assert en.caption == "Derived figure (2020)"
    assert en.derivation == (
        "derived, not published: (5.8 ÷ 3.9)^(1/4) − 1 = 10.43%, "
        "from 3.9 trillion yuan (2016) and 5.8 trillion yuan (2020)"
    )
    assert en.pct_achieved == "–"  # no "% achieved" for a rate target
    zh = target_card(snap, "info_consumption_growth", "zh")
    assert zh.caption == "推算值（2020）"
    assert zh.derivation is not None and "(5.8 ÷ 3.9)^(1/4) − 1 = 10.43%" in zh.derivation
    assert "3.9 万亿元（2016）" in zh.derivation


def test_the_unverified_station_card_leads_with_the_verdict_and_the_dated_last_figure(snap):
    en = target_card(snap, "village_info_station_coverage", "en")
    assert en.value == "Unverified"
    assert en.caption == "last figure 2018-06: about 34%"
    assert (en.pct_achieved, en.gap) == ("–", "–")  # no old shortfall in the lead
    assert en.derivation == (
        "derived, not published: 204,000 villages ÷ about 600,000 administrative villages"
        " = about 34%"
    )
    zh = target_card(snap, "village_info_station_coverage", "zh")
    assert zh.caption == "最近数据 2018-06：约34%"
    assert zh.derivation is not None and "20.4万个村 ÷ 约60万个行政村" in zh.derivation


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_table_and_so_the_pack_and_files_mark_derived_figures(snap, lang):
    table = targets_table(snap, lang).set_index("id")
    latest = _("col.latest", lang)
    growth = table.loc["info_consumption_growth"]
    assert growth[latest] == ("10.43（推算）" if lang == "zh" else "10.43 (derived)")
    detail = growth[_("col.detail", lang)]
    assert "(5.8 ÷ 3.9)^(1/4) − 1" in detail
    pct = growth[_("col.pct_achieved", lang)]
    assert pct is None or pct != pct  # % achieved: none for a rate
    station = table.loc["village_info_station_coverage"]
    assert ("推算" if lang == "zh" else "derived") in station[latest]
    assert table.loc["info_consumption_scale"][latest] == "6.8"  # published: no mark


def test_the_chart_subtitles_carry_the_derivation(snap):
    def subtitle(target_id: str) -> str:
        fig = trajectory_chart(snap, target_id, "en")
        return fig.layout.title.subtitle.text.replace("<br>", " ")

    assert "(5.8 ÷ 3.9)^(1/4) − 1 = 10.43%" in subtitle("info_consumption_growth")
    assert "204,000 villages ÷ about 600,000" in subtitle("village_info_station_coverage")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_method_page_says_what_is_derived_and_lists_no_measure_not_shown(lang):
    text = " ".join(s.heading + s.body for s in sections(lang))
    assert ("时间进度" not in text) if lang == "zh" else ("Time elapsed" not in text)
    assert ("推算值" in text) if lang == "zh" else ("derived" in text)
    assert "never estimates" not in text and "不估算或补造实际数值" not in text


def test_the_bullet_legend_calls_a_derived_figure_derived(snap):
    from indicators.present.charts import bullet_chart

    names = [t.name for t in bullet_chart(snap, "info_consumption_growth", "en").data if t.name]
    assert any(n.startswith("Derived figure 10.43% (2020)") for n in names)
    assert not any(n.startswith("Latest actual") for n in names)
