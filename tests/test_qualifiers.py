"""A figure's qualifier bounds its number: "近80%" never meets 80 %, "超过98%" may meet 98 %,
"约34%" counts at 34 with the qualifier printed beside the verdict. Expectations by hand."""

from datetime import date

import pytest

from indicators.base.catalog import Target
from indicators.base.qualifiers import PREFIXES, TABLE, kind_of
from indicators.domain.metrics import Point, assess
from indicators.domain.wording import gap_text, pct_text, status_label, summary_line, verdict_text
from indicators.ingest.values import parse_value
from tests.targets import make_target

AFTER = date(2021, 6, 30)  # the 2020 target year has passed
BEFORE = date(2020, 6, 30)


def share(**kw) -> Target:
    return make_target(
        **{
            **dict(
                id="fibre",
                domain_id="rural",
                kind="share",
                unit="%",
                target_value=80.0,
                baseline_period="2015",
            ),
            **kw,
        }
    )


def at(year: int, value: float, qualifier: str | None = None) -> Point:
    return Point(str(year), float(year), value, qualifier)


@pytest.mark.parametrize(
    ("written", "stored", "kind"),
    [
        ("近80", "近", "below"),
        ("接近80", "近", "below"),
        ("不足98", "<", "below"),
        ("低于98", "<", "below"),
        ("98%以下", "≤", "below"),
        ("未达98", "<", "below"),
        ("未满98", "<", "below"),
        ("<98", "<", "below"),
        ("≤98", "≤", "below"),
        ("nearly 80", "近", "below"),
        ("under 98", "<", "below"),
        ("less than 98", "<", "below"),
        ("below 98", "<", "below"),
        ("超过98", ">", "above"),
        ("98%以上", "≥", "above"),
        ("逾98", ">", "above"),
        ("多于98", ">", "above"),
        (">98", ">", "above"),
        ("over 98", ">", "above"),
        ("more than 98", ">", "above"),
        ("约34", "约", "approximate"),
        ("34%左右", "约", "approximate"),
        ("about 34", "约", "approximate"),
    ],
)
def test_every_written_qualifier_is_read_and_classified(written, stored, kind):
    cell = parse_value(written)
    assert cell.qualifier == stored
    assert kind_of(cell.qualifier) == kind
    assert cell.value in (80.0, 98.0, 34.0)


def test_one_table_both_languages():
    written = [w for w, _s in PREFIXES]
    assert len(written) == len(set(written))  # each written form means one thing
    kinds = {q.stored: q.kind for q in TABLE}
    assert kinds == {"<": "below", "≤": "below", "近": "below", ">": "above", "≥": "above"} | {
        "约": "approximate"
    }


@pytest.mark.parametrize("qualifier", ["近", "<", "≤"])
def test_below_figure_never_meets_its_own_number(qualifier):
    # 近80 against 80 (2020): short by more than 0 -> missed, never met.
    p = assess(share(), [at(2020, 80.0, qualifier)], as_of=AFTER)
    assert p.status == "missed"
    assert p.shortfall == 0.0
    assert p.shortfall_bound == "more_than"
    assert "short by more than 0 percentage points" in (verdict_text(p, "en") or "")
    assert "大于 0 个百分点" in (verdict_text(p, "zh") or "")
    assert pct_text(p) == "<100%"


def test_below_figure_under_a_higher_target_is_short_by_more_than_the_difference():
    # 不足98 against 100: short by more than 100 - 98 = 2
    p = assess(share(target_value=100.0), [at(2020, 98.0, "<")], as_of=AFTER)
    assert (p.status, p.shortfall, p.shortfall_bound) == ("missed", 2.0, "more_than")


def test_below_figure_before_the_year_is_not_achieved():
    p = assess(share(), [at(2019, 80.0, "近")], as_of=BEFORE)
    assert p.status != "achieved"
    assert (p.gap, p.gap_bound) == (0.0, "more_than")
    assert gap_text(p, "en") == "short by more than 0 percentage points"


def test_below_figure_above_the_target_still_meets():
    # 近90 against 80: the figure is close under 90, far above 80
    p = assess(share(), [at(2020, 90.0, "近")], as_of=AFTER)
    assert p.status == "met_on_time"
    assert p.shortfall_bound is None


@pytest.mark.parametrize("qualifier", [">", "≥"])
def test_above_figure_may_meet(qualifier):
    p = assess(share(target_value=98.0), [at(2020, 98.0, qualifier)], as_of=AFTER)
    assert p.status == "met_on_time"


def test_above_figure_short_of_the_target_is_short_by_up_to():
    # 超过75 against 80: short by at most 80 - 75 = 5
    p = assess(share(), [at(2020, 75.0, ">")], as_of=AFTER)
    assert (p.status, p.shortfall, p.shortfall_bound) == ("missed", 5.0, "up_to")
    assert "short by up to 5 percentage points" in (verdict_text(p, "en") or "")


def test_ceiling_mirrors_the_rule():
    # lower is better, ceiling 5: "超过5" is above 5, so never within it; "<5" is.
    ceiling = share(target_value=5.0, direction="decrease", baseline_value=9.0)
    assert ceiling.lower_is_better
    over = assess(ceiling, [at(2020, 5.0, ">")], as_of=AFTER)
    assert (over.status, over.shortfall, over.shortfall_bound) == ("missed", 0.0, "more_than")
    under = assess(ceiling, [at(2020, 5.0, "<")], as_of=AFTER)
    assert under.status == "met_on_time"


def test_approximate_counts_at_its_number_and_says_so_beside_the_verdict():
    p = assess(share(), [at(2020, 80.0, "约")], as_of=AFTER)
    assert p.status == "met_on_time"
    assert status_label(p, "en") == "Met on time (approx. figure)"
    assert status_label(p, "zh") == "按期实现（据约数）"
    assert summary_line(p, "zh").startswith("按期实现（据约数）")
    exact = assess(share(), [at(2020, 80.0)], as_of=AFTER)
    assert status_label(exact, "en") == "Met on time"


def test_a_later_exact_figure_meets_late_after_a_below_figure():
    p = assess(share(), [at(2020, 80.0, "近"), at(2021, 81.0)], as_of=date(2022, 1, 1))
    assert p.status == "met_late"
    assert p.shortfall_bound == "more_than"
