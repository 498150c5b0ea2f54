"""The printout (simulation/results/text.py): the headline is the median, the mean is labelled."""

from __future__ import annotations

from simulation.results import study


def test_printout_headline_is_the_median_and_the_mean_is_labelled(national):
    """Old behaviour: ``run`` printed unlabelled means while the report quoted medians. The
    printed line of the NPV to year 5 starts with the summary's median and labels the mean."""
    from simulation.results import format as fmt
    from simulation.results.text import HEADLINE_NOTE, summary_text

    res = study.simulate(national, reps=8, seed=4, draws=4)
    table = res.summary()
    text = summary_text(res, table)
    assert "the headline figure is the median" in HEADLINE_NOTE
    assert HEADLINE_NOTE.format(band=0.9) in text
    row = table[(table.metric == "net_cost_avoidance_cumulative_discounted")
                & (table.period == "year_5")].iloc[0]
    (line,) = [ln for ln in text.splitlines() if ln.strip().startswith("to year 5: net")]
    assert line.split("net", 1)[1].split()[0] == fmt.money(row["median"])
    assert f"mean {fmt.money(row['mean'])}" in line
