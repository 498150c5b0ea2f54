"""The printed summary of a run (``pausesim run``, ``Results.text()``)."""

from __future__ import annotations

import pandas as pd

from . import format as fmt
from .metrics import SOURCE_LABELS

SOURCE_SHORT = {"declined": "offered, not enrolled", "enrolled": "enrolled at conception",
                "after_programme": "after the programme", "authority": "other mothers (system "
                "effect)"}


def parameter_note(meta: dict, scenario) -> str:
    """Where the run's parameters come from."""
    if meta.get("parameters") == "posterior draws":
        kept = meta.get("kept_from_scenario") or []
        own = f"; the scenario's own values of {', '.join(kept)} kept" if kept else ""
        return (f"{meta['draws']} parameter sets drawn from calibration {meta['calibration']!r} "
                f"({meta['reps_per_draw']} replications each): the ranges include parameter "
                f"uncertainty{own}")
    if scenario.calibration:
        return (f"point estimate of calibration {scenario.calibration!r} (--point): the ranges "
                "are chance alone, not parameter uncertainty")
    return ("uncalibrated evidence-based defaults (calibration 'none'): the ranges are chance "
            "alone")


def _row(table: pd.DataFrame, metric: str, period: str) -> pd.Series:
    hit = table[(table.metric == metric) & (table.period == period)]
    if hit.empty:
        raise KeyError(f"{metric} at {period} is not in the summary")
    return hit.iloc[0]


def _banded(table, metric, period, money=False) -> str:
    r = _row(table, metric, period)
    if money:
        return f"{fmt.money(r['mean']):>9}  [{fmt.interval(r['lo'], r['hi'], 'money')}]"
    return f"{fmt.count(r['mean'], 1):>7}  [{fmt.interval(r['lo'], r['hi'])}]"


def summary_text(results, table: pd.DataFrame | None = None) -> str:
    """A readable summary of a run's headline figures."""
    table = results.summary() if table is None else table
    band = table.band.iloc[0]
    sc = results.scenario
    sim = results.simulated
    years = sorted({p for p in table.period if p.startswith("year_")}, key=lambda p: int(p[5:]))
    last = years[-1]
    lines = [f"pausesim {sim.version} | {sc.name} | seed {sim.seed} | {results.reps} paired "
             f"replications | engine {sim.engine} | capacity {sc.capacity} women",
             f"Parameters: {parameter_note(results.meta, sc)}.",
             f"Ranges: mean  [central {band:.0%} of simulated futures].", ""]
    lines.append("Infants kept out of care, authority-wide")
    if "month_21" in set(table.period):
        t1 = _banded(table, "infants_avoided_cumulative", "month_21")
        lines.append(f"  first 21 months (T1)          {t1}")
    for y in years:
        label = f"in {y.replace('_', ' ')}" + (" (T2)" if y == "year_5" else "")
        lines.append(f"  {label:<30}{_banded(table, 'infants_avoided_in_year', y)}")
    lines.append(f"  cumulative to {last.replace('_', ' '):<16}"
                 f"{_banded(table, 'infants_avoided_cumulative', last)}")
    total = _row(table, "infants_avoided_cumulative", last)["mean"]
    lines += ["", f"Where they come from (to {last.replace('_', ' ')}; share of the mean total)"]
    means = [_row(table, f"infants_avoided_{source}_cumulative", last)["mean"]
             for source in SOURCE_SHORT]
    shown = fmt.shares([m / total for m in means]) if total > 0 else ["n/a"] * len(means)
    for (source, label), share in zip(SOURCE_SHORT.items(), shown):
        lines.append(f"  {label:<30}{_banded(table, f'infants_avoided_{source}_cumulative', last)}"
                     f"   {share}")
    lines += ["", f"To {last.replace('_', ' ')}"]
    for label, metric in (("care entries, with practice", "care_entries_programme_cumulative"),
                          ("care entries, without", "care_entries_counterfactual_cumulative"),
                          ("women offered a place", "women_offered_cumulative"),
                          ("women enrolled", "women_enrolled_cumulative"),
                          ("women completed", "women_completed_cumulative")):
        lines.append(f"  {label:<30}{_banded(table, metric, last)}")
    rate = sc["costs.discount_rate_per_year"]
    lines += ["", f"Money ({results.price_label}, discounted at {rate:.1%} a year; net = care "
                  "costs avoided minus programme cost, cumulative)"]
    for y in years:
        p = _row(table, "probability_net_saving_discounted", y)["mean"]
        net = _banded(table, "net_cost_avoidance_cumulative_discounted", y, True)
        lines.append(f"  to {y.replace('_', ' ')}: net {net}   P(net saving) {fmt.percent(p)}")
    prog = _row(table, "programme_cost_cumulative_discounted", last)["mean"]
    bcr = _row(table, "benefit_cost_ratio_discounted", last)["mean"]
    per = _row(table, "cost_per_infant_avoided_discounted", last)
    be = _row(table, "break_even_month_discounted", "horizon")
    later = _row(table, "cost_avoided_after_horizon_discounted", "horizon")
    lines += [f"  care costs avoided to {last.replace('_', ' ')}: "
              f"{_banded(table, 'cost_avoided_cumulative_discounted', last, True)}",
              f"  programme cost: {fmt.money(prog)}; benefit-cost ratio {fmt.ratio(bcr)}; "
              f"programme cost per infant kept out of care {fmt.money(per['mean'])} "
              f"(median {fmt.money(per['median'])})",
              f"  break-even month (median): {fmt.months(be['median'])}",
              f"  not in these figures: later care costs avoided for infants still in care at "
              f"the horizon, {fmt.money(later['mean'])} "
              f"[{fmt.interval(later['lo'], later['hi'], 'money')}]"]
    return "\n".join(lines)


__all__ = ["parameter_note", "summary_text", "SOURCE_LABELS"]
