"""Numbers as pausesim prints them (simulation.results.format)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulation.results import format as fmt


@pytest.mark.parametrize("value, text", [
    (1_280_000, "£1.28m"), (-320_000, "-£320k"), (4_426, "£4,426"), (999_999.7, "£1.00m"),
    (999_400, "£999k"), (9_999.6, "£10,000"), (0.2, "£0"), (math.inf, "not reached"),
    (math.nan, "n/a")])
def test_money(value, text):
    assert fmt.money(value).replace("\u2212", "-") == text


def test_percent_never_rounds_to_certainty():
    assert fmt.percent(0.001) == "<1%" and fmt.percent(0.999) == ">99%"
    assert fmt.percent(0.0) == "0%" and fmt.percent(1.0) == "100%"


def test_tidy_frame_rounds_to_significant_digits_and_keeps_the_rest():
    frame = pd.DataFrame({"x": [1654999.9999999998, 0.1 + 0.2, -3.14159265358979, np.inf, 0.0,
                                np.nan, 1e-12 / 3, 123456789012.3], "n": range(8)})
    tidy = fmt.tidy_frame(frame)
    assert tidy.x.tolist()[:3] == [1655000.0, 0.3, -3.141592654]
    assert np.isinf(tidy.x[3]) and tidy.x[4] == 0.0 and np.isnan(tidy.x[5])
    assert tidy.x[6] == 3.333333333e-13 and tidy.x[7] == 123456789000.0
    assert tidy.n.tolist() == list(range(8)) and frame.x[0] == 1654999.9999999998


@pytest.mark.parametrize("parts,shown", [
    ([0.2, 5.3, 3.7, 36.5], ["<1%", "12%", "8%", "80%"]),  # each rounded alone: 1+12+8+80 = 101
    ([1, 1, 1], ["34%", "33%", "33%"]),
    ([-0.2, 4.8, 3.6, 39.1], ["-1%", "10%", "8%", "83%"]),  # a source that adds care entries
    ([0, 3, 1], ["0%", "75%", "25%"]),
])
def test_shares_of_a_whole_add_up_to_100(parts, shown):
    total = sum(parts)
    assert fmt.shares([p / total for p in parts]) == shown
    assert sum(int(s.strip("<%")) for s in shown if s != "<1%") == 100


def test_shares_that_are_not_of_a_whole_are_each_rounded():
    assert fmt.shares([0.5, float("nan")]) == ["50%", "n/a"]
    assert fmt.shares([0.5, 0.6]) == ["50%", "60%"]
