"""The printed summary of a run (``pausesim run``, ``Results.text()``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import format as fmt
from .metrics import SOURCE_LABELS
from .results import is_span, measured_t1, measured_t2, period_words, span_order
from .views import calibration_words, t2_as_measured

SOURCE_SHORT = {"declined": "offered, not enrolled", "enrolled": "enrolled at conception",
                "after_programme": "after the programme", "authority": "other mothers (system "
                "effect)"}


def parameter_note(meta: dict, scenario) -> str:
    """Where the run's parameters come from, and exactly what its ranges include."""
    from .draws import covers

    if meta.get("draws", 1) > 1:
        kept = meta.get("kept_from_scenario") or []
        own = f"; the scenario's own values of {', '.join(kept)} kept" if kept else ""
        source = (f"calibration {calibration_words(meta['calibration'])} and declared ranges"
                  if meta.get("calibration") else "declared ranges")
        return (f"{meta['draws']} parameter sets drawn from {source} "
                f"({meta['reps_per_draw']} replications each){own}: "
                + meta.get("band_covers", covers(meta)))
    if scenario.calibration:
        return (f"point estimate of calibration {calibration_words(scenario.calibration)} "
                "(--point): the ranges are chance alone, not parameter uncertainty - too narrow "
                "to cite; quote a run with parameter uncertainty (the default)")
    return ("uncalibrated evidence-based defaults, one parameter set: the ranges are chance "
            "alone")


def _row(table: pd.DataFrame, metric: str, period: str) -> pd.Series:
    hit = table[(table.metric == metric) & (table.period == period)]
    if hit.empty:
        raise KeyError(f"{metric} at {period} is not in the summary")
    return hit.iloc[0]


def _banded(table, metric, period, money=False) -> str:
    """Median [band] (mean): the median is the headline (see :data:`HEADLINE_NOTE`)."""
    r = _row(table, metric, period)
    if money:
        return (f"{fmt.money(r['median']):>9}  [{fmt.interval(r['lo'], r['hi'], 'money')}]  "
                f"mean {fmt.money(r['mean'])}")
    return (f"{fmt.count(r['median'], 1):>7}  [{fmt.interval(r['lo'], r['hi'])}]  "
            f"mean {fmt.count(r['mean'], 1)}")


#: Which central statistic every output's headline uses, and why (docs/model.md).
HEADLINE_NOTE = ("median  [central {band:.0%} of simulated futures]  mean: the headline figure "
                 "is the median (the middle simulated future; the outcomes are skewed, so the "
                 "mean - the expected value, which adds up across areas - is shown beside it, "
                 "labelled)")


def summary_text(results, table: pd.DataFrame | None = None) -> str:
    """A readable summary of a run's headline figures."""
    table = results.summary() if table is None else table
    band = table.band.iloc[0]
    sc = results.scenario
    sim = results.simulated
    years = sorted({p for p in table.period if is_span(p)}, key=span_order)
    last = years[-1]
    to_last = "month " + str(int(np.ceil(results.horizon))) if last.startswith("months_") \
        else last.replace("_", " ")
    lines = [f"pausesim {sim.version} | {sc.name} | seed {sim.seed} | {results.reps} paired "
             f"replications | engine {sim.engine} | capacity {sc.capacity} women",
             f"Parameters: {parameter_note(results.meta, sc)}.",
             f"Ranges: {HEADLINE_NOTE.format(band=band)}.", ""]
    lines.append("Infants kept out of care (all sources below)")
    if "month_21" in set(table.period):
        t1 = _banded(table, "infants_avoided_cumulative", "month_21")
        label = "first 21 months (T1 period)" if measured_t1(sc) else "first 21 months"
        lines.append(f"  {label:<30}{t1}")
    for y in years:
        label = f"in {period_words(y)}"
        lines.append(f"  {label:<30}{_banded(table, 'infants_avoided_in_year', y)}")
    if results.horizon >= 60:
        per_year = t2_as_measured(results)
        label = "a year over years 3-5 (T2)" if measured_t2(sc) else "a year over years 3-5"
        lines.append(f"  {label:<30}{fmt.count(np.median(per_year), 1):>7}  "
                     f"[{fmt.interval(*np.quantile(per_year, [(1 - band) / 2, (1 + band) / 2]))}"
                     f"]  mean {fmt.count(per_year.mean(), 1)}")
    lines.append(f"  cumulative to {to_last:<16}"
                 f"{_banded(table, 'infants_avoided_cumulative', last)}")
    total = _row(table, "infants_avoided_cumulative", last)["mean"]
    lines += ["", f"Where they come from (to {to_last}; share of the mean total)"]
    means = [_row(table, f"infants_avoided_{source}_cumulative", last)["mean"]
             for source in SOURCE_SHORT]
    shown = fmt.shares([m / total for m in means]) if total > 0 else ["n/a"] * len(means)
    for (source, label), share in zip(SOURCE_SHORT.items(), shown):
        lines.append(f"  {label:<30}{_banded(table, f'infants_avoided_{source}_cumulative', last)}"
                     f"   {share}")
    lines += ["", f"To {to_last}"]
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
        end = f"month {y.split('_')[-1]} (part-year)" if y.startswith("months_") else \
            y.replace("_", " ")
        lines.append(f"  to {end}: net {net}   P(net saving) {fmt.percent(p)}")
    prog = _row(table, "programme_cost_cumulative_discounted", last)["mean"]
    bcr = _row(table, "benefit_cost_ratio_discounted", last)["mean"]
    per = _row(table, "cost_per_infant_avoided_discounted", last)
    be = _row(table, "break_even_month_discounted", "horizon")
    later = _row(table, "cost_avoided_after_horizon_discounted", "horizon")
    lines += [f"  care costs avoided to {to_last}: "
              f"{_banded(table, 'cost_avoided_cumulative_discounted', last, True)}",
              f"  programme cost (mean): {fmt.money(prog)}; benefit-cost ratio (of the means) "
              f"{fmt.ratio(bcr)}; "
              f"programme cost per infant kept out of care (ratio of the means) "
              f"{fmt.money(per['mean'])} (median {fmt.money(per['median'])})",
              f"  break-even month (median): {fmt.months(be['median'])}",
              f"  not in these figures: later care costs avoided for infants still in care at "
              f"the horizon, median {fmt.money(later['median'])} "
              f"[{fmt.interval(later['lo'], later['hi'], 'money')}] mean "
              f"{fmt.money(later['mean'])}"]
    warning = precision_warning(results)
    if warning:
        lines.append(f"  WARNING: {warning}")
    return "\n".join(lines)


def precision_warning(results) -> str | None:
    """The warning when the run's P(net saving) to the horizon is not within +-5 points."""
    from .precision import net_saving_warning

    h = results.horizon
    net = results.value("net_cost_avoidance_cumulative_discounted", h)
    return net_saving_warning(net > 0, results.simulated.set_index, f"to month {h:g}")


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


def _end_words(period: str, months: float) -> str:
    """``year 5``, or ``month 18`` for a part-year's end."""
    return period.replace("_", " ") if period.startswith("year_") else f"month {months:g}"


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
        label = _end_words(r.period, r.months)
        lines.append(f"  to {label:<12} {fmt.count(r.threshold, 1):>7}  "
                     f"[{fmt.count(r.lo, 1)} to {fmt.count(r.hi, 1)}]   "
                     f"{fmt.percent(r.share_of_other_entries)} of other mothers' entries;   "
                     f"authority-wide scenario: {fmt.count(r.authority_scenario_prevents_mean, 1)}")
    last = table.iloc[-1]
    lines.append(f"  each prevented entry is worth {fmt.money(last.value_per_entry)} of care costs "
                 f"to {_end_words(last.period, last.months)} "
                 f"({views.base.price_label}, discounted)")
    marks = curve.iloc[np.linspace(0, len(curve) - 1, 6).round().astype(int)]
    lines.append("  P(net saving) to the horizon if the practice prevents, in expectation, this "
                 "many other mothers' infant care entries:")
    lines.append("    " + "   ".join(f"{fmt.count(r.prevented, 0)}: "
                                      f"{fmt.percent(r.probability_net_saving)}"
                                      for _, r in marks.iterrows()))
    return "\n".join(lines)


__all__ = ["parameter_note", "summary_text", "views_text", "SOURCE_LABELS"]
