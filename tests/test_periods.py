from datetime import date

import pytest

from atlas.periods import PeriodError, fiscal_year_of, kind_of, period_bounds


@pytest.mark.parametrize(
    "label, start, end",
    [
        ("2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("FY2023", date(2023, 4, 1), date(2024, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-Q3", date(2023, 7, 1), date(2023, 9, 30)),
        ("2023-H1", date(2023, 1, 1), date(2023, 6, 30)),
        ("FY2023-H2", date(2023, 10, 1), date(2024, 3, 31)),
        ("FY2023-Q4", date(2024, 1, 1), date(2024, 3, 31)),
        ("2022-06-16/2024-05-31", date(2022, 6, 16), date(2024, 5, 31)),
    ],
)
def test_period_bounds(label, start, end):
    assert period_bounds(label) == (start, end)


@pytest.mark.parametrize("label", ["2023-13", "FY2023-06", "23", "2024-05-31/2022-06-16", "2023-Q5", "CY2023"])
def test_bad_labels_are_refused(label):
    with pytest.raises(PeriodError):
        period_bounds(label)


def test_fiscal_year_is_named_by_its_start():
    assert fiscal_year_of(date(2024, 3, 31)) == 2023
    assert fiscal_year_of(date(2024, 4, 1)) == 2024


def test_kind_of():
    assert [kind_of(x) for x in ("2023", "FY2023", "2023-06", "FY2023-H1", "2023-Q1")] == [
        "year", "fiscal-year", "month", "fiscal-half", "quarter"]


@pytest.mark.parametrize("label, why", [
    ("2023-02-30/2023-03-31", "not a valid date in '2023-02-30/2023-03-31'"),
    ("2024-05-31/2022-06-16", "interval '2024-05-31/2022-06-16' ends before it starts"),
    ("CY2023", "unknown period label 'CY2023'"),
    ("FY2023-06", "months are calendar months; write '2023-06', not 'FY2023-06'"),
])
def test_a_refused_label_says_why(label, why):
    """The reason reaches the reader: the period-label problem quotes it."""
    with pytest.raises(PeriodError) as refused:
        period_bounds(label)
    assert str(refused.value) == why
