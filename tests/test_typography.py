"""Chinese text uses full-width ，：；（） beside Chinese; English keeps ASCII. Over every
label and every sentence the app and the pack put together from them (cards, tables, every
chart's text, the pack's tables and method note)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from indicators.base.i18n import _, labels
from indicators.domain.snapshot import load_snapshot
from indicators.store import Store
from tests.conftest import AS_OF

# Chinese characters, CJK punctuation (。、“”〔〕) and full-width forms (（）：％).
CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]"
HALF = r"[,:;()]"
HALF_BESIDE_CJK = re.compile(f"{CJK}{HALF}|{HALF}{CJK}")
FULL = re.compile(r"[，：；（）]")
HAS_CJK = re.compile(r"[\u4e00-\u9fff]")


# A formula keeps its ASCII brackets: "(5.8 ÷ 3.9)^(1/4)" is arithmetic, not a sentence.
FORMULA = re.compile(r"\([^()]*[÷×/^][^()]*\)")


def half_width_beside_chinese(text: str) -> list[str]:
    """Each half-width mark next to a Chinese character, with a little context."""
    text = FORMULA.sub("F", text)
    return [text[max(0, m.start() - 6) : m.end() + 6] for m in HALF_BESIDE_CJK.finditer(text)]


def full_width_in_english(text: str) -> list[str]:
    # A quote of the Chinese original on an English page keeps its own marks.
    return [] if HAS_CJK.search(text) else FULL.findall(text)


def test_the_rule_finds_what_the_issue_quoted():
    assert len(half_width_beside_chinese("目标:6 万亿元(2020年)")) == 3  # ":", "(" and ")"
    assert half_width_beside_chinese("差 0.2 万亿元（目标的 3.3%）;2021 首次") == [
        "的 3.3%）;2021 首"
    ]
    assert half_width_beside_chinese("目标：6 万亿元（2020年）；52,000 与 12:30") == []
    assert full_width_in_english("Target: 6 (2020)") == [] and full_width_in_english("a（b") == [
        "（"
    ]


def _template(text: str) -> str:
    return re.sub(r"\{[^}]*\}", "X", text)


def test_every_label_uses_the_marks_of_its_language():
    zh = {k: half_width_beside_chinese(_template(v["zh"])) for k, v in labels().items()}
    en = {k: full_width_in_english(_template(v["en"])) for k, v in labels().items()}
    assert {k: v for k, v in zh.items() if v} == {}
    assert {k: v for k, v in en.items() if v} == {}


def _figure_texts(fig) -> Iterator[str]:
    layout = fig.layout
    yield str(layout.title.text or "")
    for axis in ("xaxis", "yaxis"):
        ax = getattr(layout, axis, None)
        if ax is not None and ax.title is not None:
            yield str(ax.title.text or "")
        if ax is not None and ax.ticktext is not None:
            yield from map(str, ax.ticktext)
    yield from (str(a.text or "") for a in layout.annotations or ())
    for trace in fig.data:
        yield str(getattr(trace, "name", "") or "")
        for attr in ("text", "hovertext"):
            value = getattr(trace, attr, None)
            if isinstance(value, str):
                yield value
            elif value is not None:
                yield from (str(v) for v in value)


def _generated(snap, lang) -> Iterator[tuple[str, str]]:
    from indicators.domain.method import citations, sections
    from indicators.export.pack import pack_content
    from indicators.present import charts as F
    from indicators.present.cards import headline_cards, target_card, verdict_summary
    from indicators.present.tables import (
        checklist_table,
        regions_table,
        targets_table,
        tasks_table,
    )

    cat = snap.catalog
    quantitative = [t for t in cat.targets.values() if t.quantitative]
    cards = headline_cards(snap, lang) + [target_card(snap, t.id, lang) for t in quantitative]
    for c in cards:
        for field in ("value", "target", "pct_achieved", "gap", "status_label", "detail"):
            yield f"card {c.target_id}.{field}", str(getattr(c, field) or "")
    yield "summary", verdict_summary(headline_cards(snap, lang), lang)
    frames = [("targets", targets_table(snap, lang)), ("tasks", tasks_table(snap, lang))]
    frames += [(f"checklist {d}", checklist_table(snap, d, lang)) for d in cat.domains]
    frames += [(f"regions {t.id}", regions_table(snap, t.id, lang)) for t in quantitative]
    for name, frame in frames:
        for col in frame.columns:
            yield f"{name} column", str(col)
            for value in frame[col]:
                if isinstance(value, str):
                    yield f"{name}.{col}", value
    figs = [
        (f"{b.__name__} {t.id}", b(snap, t.id, lang))
        for t in quantitative
        for b in (F.bullet_chart, F.trajectory_chart, F.regions_bar, F.tile_map)
    ]
    figs += [(f"milestones {d}", F.milestone_timeline(snap, d, lang)) for d in cat.domains]
    figs += [("departments", F.department_summary(snap, lang))]
    figs += [("progress", F.pct_achieved_bar(snap, lang))]
    for name, fig in figs:
        for text in _figure_texts(fig):
            yield name, text
    content = pack_content(snap, lang, today=AS_OF)
    yield "pack", " ".join([content.subtitle, content.as_of, *content.without_figures])
    for col in content.overview.columns:
        yield "pack overview column", str(col)
    for row in content.overview.itertuples(index=False):
        yield "pack overview", " ".join(str(v) for v in row)
    for table in content.tables:
        yield "pack table", f"{table.heading} {table.subheading}"
        for item in table.items:
            yield f"pack {table.kind}", " ".join([item.clause, item.lead, item.status, item.domain])
    yield from (("method", p) for p in content.method)
    for s in sections(lang):
        yield "method page", s.heading
        yield "method page", s.body
    yield from (("citations", c) for c in citations(cat, lang))


@pytest.fixture(scope="module")
def snap(_built_db, tmp_path_factory):
    import shutil

    from tests.test_figures import PROVINCES, write_provinces

    path = tmp_path_factory.mktemp("typo") / "db.duckdb"
    shutil.copy(_built_db, path)
    store = Store(path)
    write_provinces(store, PROVINCES)  # the provinces' charts and tables have text too
    return load_snapshot(store, as_of=AS_OF)


def test_every_generated_chinese_sentence_uses_full_width_marks(snap):
    found = {}
    for where, text in _generated(snap, "zh"):
        if bad := half_width_beside_chinese(re.sub(r"<[^>]+>", " ", text)):
            found.setdefault(where, bad)
    assert found == {}


def test_every_generated_english_sentence_keeps_ascii_marks(snap):
    found = {}
    for where, text in _generated(snap, "en"):
        if bad := full_width_in_english(re.sub(r"<[^>]+>", " ", text)):
            found.setdefault(where, bad)
    assert found == {}
    assert _("overview.as_of", "en", period="2021", when="–") == "Data as of 2021; last upload –"
