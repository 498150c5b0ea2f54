"""The printed comparison: each option's headline with its band, its paired difference from the
reference (the interval of the mean and the band of the paired differences), and the effect by
source, at the last period the options share."""

from __future__ import annotations

import pandas as pd

from simulation.model.layout import REPORTED_SOURCES
from simulation.results import format as fmt
from simulation.results.text import SOURCE_SHORT

from . import option_comparison


def _banded(row, money: bool) -> str:
    """Median [band] (mean): the median is every output's headline (docs/model.md)."""
    if money:
        return (f"{fmt.money(row['median'])} [{fmt.interval(row['lo'], row['hi'], 'money')}] "
                f"mean {fmt.money(row['mean'])}")
    return (f"{fmt.count(row['median'], 1)} [{fmt.interval(row['lo'], row['hi'])}] "
            f"mean {fmt.count(row['mean'], 1)}")


def _difference(row, money: bool) -> str:
    value = fmt.money if money else (lambda v: f"{v:+.1f}")
    sign = (lambda v: ("+" if v > 0 else "") + value(v)) if money else value
    return (f"{sign(row['difference_mean'])} (CI {sign(row['difference_ci_lo'])} to "
            f"{sign(row['difference_ci_hi'])}) [futures {sign(row['difference_lo'])} to "
            f"{sign(row['difference_hi'])}]")


def format_comparison(result: option_comparison.ComparisonResult) -> str:
    """Each option's headline with its band, its paired difference from the reference, and the
    effect by source, at the last shared period."""
    table = result.table()
    period = result.periods[-1]
    at = table[table.period == period].set_index(["option", "metric"])
    infants, net = option_comparison.HEADLINE
    rows = []
    for label in result.labels:
        r_inf, r_net = at.loc[(label, infants)], at.loc[(label, net)]
        p = at.loc[(label, option_comparison.PROBABILITY)]
        rows.append({"option": label,
                     "infants kept out of care": _banded(r_inf, False),
                     "difference (paired)": "reference" if label == result.labels[0]
                     else _difference(r_inf, False),
                     "net cost avoidance (disc.)": _banded(r_net, True),
                     "net: difference": "reference" if label == result.labels[0]
                     else _difference(r_net, True),
                     "P(net saving)": fmt.percent(p["mean"])})
    sources = []
    for label in result.labels:
        row = {"option": label}
        for source, metric in zip(REPORTED_SOURCES, option_comparison.SOURCES):
            r = at.loc[(label, metric)]
            row[SOURCE_SHORT[source]] = f"{fmt.count(r['mean'], 1)}"
        sources.append(row)
    meta = result.results[0].meta
    per = meta.get("reps_per_draw")
    how = (f"{meta['draws']} parameter draws x {per} replication{'s' * (per != 1)}, the same in "
           "every option" if meta.get("draws", 1) > 1 else
           f"{meta.get('parameters')}, {result.reps} replications")
    head = (f"{result.reps} paired replications ({how}); seed {result.seed}; money "
            f"{result.unit(net)}.\nRanges: {meta.get('band_covers', '')}.\n"
            f"To {period.replace('_', ' ')}: median [central "
            f"{result.band:.0%} of futures] mean; difference from {result.labels[0]!r}: mean (CI: "
            f"{result.conf:.0%} interval of the mean, Monte Carlo error) [futures: central "
            f"{result.band:.0%} of the paired differences]")
    with pd.option_context("display.width", 250, "display.max_colwidth", 60):
        return (head + "\n" + pd.DataFrame(rows).to_string(index=False) +
                f"\n\nInfants kept out of care to {period.replace('_', ' ')} by where the effect "
                "comes from (means)\n" + pd.DataFrame(sources).to_string(index=False))


def format_views(results: dict[str, option_comparison.ComparisonResult]) -> str:
    """The comparison in both views, the base case first, each under its own heading."""
    from simulation.results.text import view_headings
    from simulation.results.views import p_no_effect

    out = []
    for name, result in results.items():
        sc = result.scenarios[0]
        p0 = p_no_effect(sc) if name == "authority" else None
        out += ["=" * 100, *view_headings(name, sc, p0), "=" * 100, format_comparison(result),
                ""]
    return "\n".join(out).rstrip()
