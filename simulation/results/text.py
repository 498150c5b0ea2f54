"""The printed summary of a run (``pausesim run``, ``Results.text()``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import format as fmt
from .metrics import SOURCE_LABELS
from .views import calibration_words, t2_as_measured

SOURCE_SHORT = {"declined": "offered, not enrolled", "enrolled": "enrolled at conception",
                "after_programme": "after the programme", "authority": "other mothers (system "
                "effect)"}


def parameter_note(meta: dict, scenario) -> str:
    """Where the run's parameters come from."""
    if meta.get("parameters") == "posterior draws":
        kept = meta.get("kept_from_scenario") or []
        own = f"; the scenario's own values of {', '.join(kept)} kept" if kept else ""
        return (f"{meta['draws']} parameter sets drawn from calibration "
                f"{calibration_words(meta['calibration'])} "
                f"({meta['reps_per_draw']} replications each): the ranges include parameter "
                f"uncertainty{own}")
    if scenario.calibration:
        return (f"point estimate of calibration {calibration_words(scenario.calibration)} "
                "(--point): the ranges are chance alone, not parameter uncertainty - too narrow "
                "to cite; quote a run with parameter uncertainty (the default)")
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
    lines.append("Infants kept out of care (all sources below)")
    if "month_21" in set(table.period):
        t1 = _banded(table, "infants_avoided_cumulative", "month_21")
        lines.append(f"  first 21 months (T1 period)   {t1}")
    for y in years:
        label = f"in {y.replace('_', ' ')}"
        lines.append(f"  {label:<30}{_banded(table, 'infants_avoided_in_year', y)}")
    if results.horizon >= 60:
        per_year = t2_as_measured(results)
        lines.append(f"  a year over years 3-5 (T2)    {fmt.count(per_year.mean(), 1):>7}  "
                     f"[{fmt.interval(*np.quantile(per_year, [(1 - band) / 2, (1 + band) / 2]))}"
                     "]")
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


#: The printed heading of each view (the base case first).
VIEW_HEADINGS = {
    "base": ["BASE CASE: the practice's own women, as the evidence on them supports",
             "(calibrated to the micro-evidence; no effect on other mothers' infants)"],
    "authority": ["AUTHORITY-WIDE SCENARIO: if the fall in all infant care entries measured in "
                  "five long-running Pause areas also happens here",
                  "(a system effect on other mothers' infants, calibrated to the national "
                  "figures and given that there is one; no study has measured it)"]}


def view_headings(name: str, scenario, p_no_effect: float | None = None) -> list[str]:
    """The heading of one view as its scenario was simulated: :data:`VIEW_HEADINGS`, said
    otherwise for a run without a calibration or without any system effect."""
    head = list(VIEW_HEADINGS[name])
    if scenario.calibration is None:
        head[1] = ("(no calibration: the registry's evidence-based defaults"
                   + ("; no effect on other mothers' infants)" if name == "base" else
                      f"; system effect {scenario['authority.system_effect_per_year']:g} a year "
                      "as given)"))
    elif name == "authority" and p_no_effect is not None:
        head[1] = head[1][:-1] + (f"; its calibration gives P(no effect) {fmt.percent(p_no_effect)}"
                                  ", set aside here)")
    elif name == "authority" and "authority.system_effect_per_year" not in \
            scenario.calibrated_keys():
        head[1] = (f"(calibration {scenario.calibration!r}; system effect "
                   f"{scenario['authority.system_effect_per_year']:g} a year as given)")
    return head


def views_text(views, tables: dict | None = None) -> str:
    """The printed summary of both views (the base case first), the break-even threshold and
    P(no effect): what ``pausesim run`` prints."""

    tables = tables or {}
    out = []
    sc = views.scenario
    p0 = views.p_no_effect()
    for name, res in views.items():
        rule = "=" * 100
        out += [rule, *view_headings(name, res.scenario, p0), rule,
                summary_text(res, tables.get(name)), ""]
    out += [break_even_text(views), ""]
    out.append(f"Both views: same seed, replications and options ({sc.name}); every figure "
               "above belongs to the view it is printed under.")
    return "\n".join(out)


def break_even_text(views) -> str:
    """The break-even threshold by year and P(net saving) over the system effect's size."""
    from . import views as views_mod

    table = views_mod.break_even(views)
    curve = views_mod.net_saving_curve(views)
    band = table.band.iloc[0]
    lines = ["BREAK-EVEN: infant care entries among other mothers the practice must prevent, on "
             "top of the base case, for its net present value to reach zero",
             f"(cumulative to the end of each period; at the base case's mean NPV [central "
             f"{band:.0%} of the base case's futures]; as a share of the authority's other "
             "infant care entries in the period; and what the authority-wide scenario has the "
             "practice prevent, mean)"]
    for _, r in table.iterrows():
        label = r.period.replace("_", " ")
        lines.append(f"  to {label:<12} {fmt.count(r.threshold, 1):>7}  "
                     f"[{fmt.count(r.lo, 1)} to {fmt.count(r.hi, 1)}]   "
                     f"{fmt.percent(r.share_of_other_entries)} of other mothers' entries;   "
                     f"authority-wide scenario: {fmt.count(r.authority_scenario_prevents_mean, 1)}")
    last = table.iloc[-1]
    lines.append(f"  each prevented entry is worth {fmt.money(last.value_per_entry)} of care costs "
                 f"to {last.period.replace('_', ' ')} ({views.base.price_label}, discounted)")
    marks = curve.iloc[np.linspace(0, len(curve) - 1, 6).round().astype(int)]
    lines.append("  P(net saving) to the horizon if the practice prevents, in expectation, this "
                 "many other mothers' infant care entries:")
    lines.append("    " + "   ".join(f"{fmt.count(r.prevented, 0)}: "
                                      f"{fmt.percent(r.probability_net_saving)}"
                                      for _, r in marks.iterrows()))
    return "\n".join(lines)


__all__ = ["parameter_note", "summary_text", "views_text", "SOURCE_LABELS"]
