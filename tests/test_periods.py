import pytest

from indicators.base.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("raw", "label", "t"),
    [
        ("2019", "2019", 2019.0),
        (2019, "2019", 2019.0),
        (2019.0, "2019", 2019.0),
        ("2019年", "2019", 2019.0),
        ("2019Q3", "2019-Q3", 2018.75),
        ("2019-Q3", "2019-Q3", 2018.75),
        ("2019-09", "2019-09", 2018.75),
        ("2019年9月", "2019-09", 2018.75),
        ("2019-12", "2019-12", 2019.0),
        ("２０１９", "2019", 2019.0),  # full-width digits, as some Excel exports write them
        ("2019-10-31", "2019-10-31", 2018 + 304 / 365),
        ("2020-12-31", "2020-12-31", 2020.0),  # a leap year ends on day 366 of 366
        ("2020-03-01", "2020-03-01", 2019 + 61 / 366),
        ("2019年10月31日", "2019-10-31", 2018 + 304 / 365),
        (" 2019-10-31 ", "2019-10-31", 2018 + 304 / 365),
        ("２０１９-１０-３１", "2019-10-31", 2018 + 304 / 365),
    ],
)
def test_periods_are_parsed_and_placed_at_their_end(raw, label, t):
    p = parse_period(raw)
    assert p.label == label
    assert p.t == pytest.approx(t)


@pytest.mark.parametrize(
    "raw", ["2019-13", "19", "Q3 2019", "", "2019-02-30", "2019-00-10", "0000-01-01", None, "abc"]
)
def test_bad_periods_are_rejected(raw):
    with pytest.raises(PeriodError):
        parse_period(raw)


def test_a_year_figure_counts_at_the_end_of_that_year():
    assert parse_period("2020").end.isoformat() == "2020-12-31"
    assert parse_period("2020-Q1").end.isoformat() == "2020-03-31"
    assert parse_period("2020-02").end.isoformat() == "2020-02-29"
