"""``pausesim monitor``: a running practice's local evidence against its forecast - the answers,
their text and their folder. (On track?: :mod:`.ontrack`; Update: :mod:`.system_update` with the
prevented entries of :mod:`.prevented`; Forecast from here: :mod:`.conditioned`; Plan:
:mod:`.plan`.)"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.core import output
from simulation.core import posterior as posterior_mod
from simulation.core.monitoring import Monitoring
from simulation.model.rates import Rates

from . import conditioned, ontrack, plan, prevented, system_update, women_update
from .metrics import BY_NAME
from .views import SYSTEM_EFFECT, Views, whole


@dataclass
class Answers:
    views: Views
    data: Monitoring
    on_track: pd.DataFrame
    update: system_update.Update | None
    update_note: str  # why there is no update, or how it was made
    plan: pd.DataFrame | None = None
    forecast: pd.DataFrame | None = None
    women: pd.DataFrame | None = None  # the women's parameters before and after the update
    evsi: pd.DataFrame | None = None  # filled by the analyses layer (sensitivity.evsi)


def schedule(views: Views, years: pd.DataFrame, p_no_effect: float | None = None):
    """For the authority-wide calibration's draws and one no-effect draw (the local prior,
    :func:`system_update.local_prior`): (effect, prior weight, entries prevented in each of
    ``years``), the build-up following the authority-wide view's simulated enrolments; or None
    without a calibrated system effect."""
    drawn = _schedule(views, years, p_no_effect)
    return None if drawn is None else drawn[:3]


def _schedule(views: Views, years: pd.DataFrame, p_no_effect: float | None = None):
    """:func:`schedule`, and for :func:`system_update.refit`: the draws with an effect as
    points (effect, women for the full effect) and ``prevented_of(points)``."""
    res = views.authority
    sc = res.scenario
    if SYSTEM_EFFECT not in sc.calibrated_keys():
        return None
    post = posterior_mod.load(whole(sc.calibration))
    draws = prevented.draws_from(post, sc)
    rates = Rates.from_scenario(sc)
    enrolled = res.row("enrolled", 0)
    own = prevented.by_year(res.amounts(BY_NAME["infants_avoided_cohort"]).mean(axis=0)[None, :],
                            years)[0]

    def prevented_of(points: np.ndarray) -> np.ndarray:
        monthly = prevented.system_by_month(
            points[:, 0], points[:, 1], rates, sc["authority.system_effect_form"],
            sc["authority.other_infant_care_entries_per_year"], enrolled)
        return prevented.by_year(monthly, years) + own

    effect = draws["effect"].to_numpy()
    points = draws[["effect", "women_for_full_effect"]].to_numpy(float)
    e, prior, per_year = system_update.local_prior(
        effect, draws["prior"].to_numpy(), prevented_of(points) - own, own, p_no_effect)
    return e, prior, per_year, points[effect > 0], prevented_of


def _mid(f: pd.DataFrame):
    return ((f["from_month"] + f["to_month"]) / 24.0).to_numpy()


def system_effect_update(views: Views, data: Monitoring, seed: int,
                         p_no_effect: float | None = None):
    """The system effect updated with the authority's own infant care starts (or None and the
    reason)."""
    before, after = data.baseline(), data.since_launch()
    if len(before) < 3:
        return None, (f"no update: {len(before)} pre-launch authority year(s) with a count "
                      "(at least 3 are needed for the baseline's level, trend and noise)")
    if len(after) == 0:
        return None, "no update yet: no authority year since launch with a count"
    drawn = _schedule(views, after, p_no_effect)
    if drawn is None:
        return None, ("no update: the authority-wide scenario has no calibrated system effect "
                      "to update")
    effect, prior, per_year, points, prevented_of = drawn
    counts = (_mid(before), before["infants_starting_care"], _mid(after),
              after["infants_starting_care"])
    u = system_update.update(effect, prior, *counts, per_year, seed)
    if u.ess < system_update.MIN_ESS:
        u = system_update.refit(u, points, prevented_of, *counts, seed=seed)
    note = (f"{len(before)} pre-launch and {len(after)} post-launch year(s); prior: the "
            f"calibration '{whole(views.authority.scenario.calibration)}' given an effect, with "
            f"P(no effect here) {u.p_no_effect(u.prior):.2f}")
    return u, note


#: Below this median P(no effect), in simulated authorities with none, after every year of
#: the Plan, its figures show the prior rather than the counts (:func:`plan_caveat`).
PRIOR_DRIVEN = 0.2
#: Posterior draws kept (systematic resampling) for the Plan's simulated authorities.
PLAN_DRAWS = 300


def plan_table(views: Views, data: Monitoring, update, sims: int, seed: int,
               p_no_effect: float | None = None) -> pd.DataFrame | None:
    """Power and expected posterior width after 1-5 years since launch (:mod:`.plan`), for
    authorities like this one: its fitted baseline (median level, trend and noise) when there is
    an update, else the scenario's infant care entries a year, no trend and the noise prior's
    median; with as many pre-launch years as the file counts (at least 3)."""
    if sims < 1:
        return None
    res = views.authority
    n_years = min(5, int(res.horizon // 12))
    years = pd.DataFrame({"from_month": 12.0 * np.arange(n_years),
                          "to_month": 12.0 * np.arange(1, n_years + 1)})
    drawn = schedule(views, years, p_no_effect)
    if drawn is None or n_years < 1:
        return None
    effect, prior, per_year = drawn
    rng = np.random.default_rng([seed, PLAN_DRAWS])
    p0 = float(prior[-1])  # the no-effect draw (last) keeps its point mass
    slab = prior[:-1] / prior[:-1].sum()
    counts = np.bincount(system_update.systematic(slab, PLAN_DRAWS, rng),
                         minlength=len(slab)).astype(float)
    kept = np.flatnonzero(counts)
    index = np.append(kept, len(effect) - 1)
    weight = np.append(counts[kept] / PLAN_DRAWS * (1.0 - p0), p0)
    baseline = plan_baseline(views, update)
    before = max(3, len(data.baseline()))
    return plan.power_table(effect[index], weight, per_year[index], baseline,
                            years=range(1, n_years + 1), sims=sims, seed=seed,
                            years_before=before)


def plan_baseline(views: Views, update=None) -> tuple[float, float, float]:
    """(alpha, beta, cv) of authorities like this one: its fitted baseline (median level, trend
    and noise) when there is an update, else the scenario's infant care entries a year, no trend
    and the noise prior's median."""
    res = views.authority
    if update is not None:
        return (float(np.log(update.baseline_at_launch[1])), update.trend[1],
                update.noise_cv[1])
    level = float(res.scenario["authority.other_infant_care_entries_per_year"]) + float(
        res.amounts(BY_NAME["care_entries_cohort_counterfactual"]).sum(axis=1).mean()
        * 12.0 / res.horizon)
    return float(np.log(level)), 0.0, system_update.NOISE_CV_SCALE * 0.674


def answers(views: Views, data: Monitoring, seed: int, p_no_effect: float | None = None,
            plan_sims: int = 100):
    u, note = system_effect_update(views, data, seed, p_no_effect)
    return Answers(views, data, ontrack.table(views, data.observed()), u, note,
                   plan_table(views, data, u, plan_sims, seed, p_no_effect),
                   conditioned.table(views, data.observed(), u),
                   women_update.table(views, data.observed(), seed))


def text(a: Answers) -> str:
    """The printout."""
    lines = ["On track? (each observed value against the forecast at the same month; "
             "percentile among simulated futures)"]
    t = a.on_track
    if t.empty:
        lines.append("  no practice values observed yet")
    for (_series, month), g in t.groupby(["series", "month"], sort=False):
        row = {r["view"]: r for _, r in g.iterrows()}
        b, w = row["base"], row["authority"]
        lines.append(f"  {b['label']}, month {month}: observed {b['observed']:g}; base case "
                     f"{b['lo']:g}-{b['hi']:g} (percentile {b['percentile']:.0f}), "
                     f"authority-wide {w['lo']:g}-{w['hi']:g} (percentile "
                     f"{w['percentile']:.0f}): " + (
                         f"{b['verdict']}" if b["verdict"] == w["verdict"] else
                         f"base case {b['verdict']}; authority-wide {w['verdict']}"))
    if not t.empty:
        lines.append(f"  ({len(t) // 2} observed value(s): about 1 in "
                     f"{1 / (1 - t['band'].iloc[0]):.0f} falls outside its band by chance "
                     "alone)")
    lines.append("")
    lines.append("Update: the women's parameters, from the practice's own series (each "
                 "parameter set weighted by how well its futures reproduce them): median "
                 "[90% interval], before -> after")
    lines.extend(women_update.text(a.women if a.women is not None else pd.DataFrame(
        columns=["view"])))
    lines.append("")
    lines.append("Update: the system effect on other mothers' infant care entries, from the "
                 "authority's own infants under one starting care")
    if a.update is None:
        lines.append(f"  {a.update_note}")
    else:
        u = a.update
        for r in u.table():
            lines.append(f"  {r['posterior']}: P(no effect) {r['p_no_effect']:.2f}; median "
                         f"{r['median']:.1f}, 90% {r['lo_90']:.1f} to {r['hi_90']:.1f} "
                         f"entries a year at full size; effective sample size "
                         f"{r['effective_sample_size']:.0f}")
        lo, med, hi = u.baseline_at_launch
        lines.append(f"  baseline at launch {med:.1f} a year (90% {lo:.1f}-{hi:.1f}), trend "
                     f"{u.trend[1]:+.1%} a year, year-to-year CV beyond chance "
                     f"{u.noise_cv[1]:.2f} ({a.update_note})")
        if u.last_year_excess > 0:
            lines.append(f"  regression to the mean: the last pre-launch year was "
                         f"{u.last_year_excess:.1f} above the fitted baseline; a comparison "
                         "with that year alone would credit the practice with that fall too")
        for note in u.notes:
            lines.append(f"  {note}")
        if u.ess < system_update.MIN_ESS:
            lines.append(f"  the update still rests on few draws (ESS {u.ess:.0f} < "
                         f"{system_update.MIN_ESS}): read its interval as rough")
    lines.append("")
    lines.append("Plan: years of this authority's own counts since launch needed to tell no "
                 "system effect from the national-size one (simulated authorities like this one)")
    if a.plan is None or a.plan.empty:
        lines.append("  not computed (--plan-sims 0, or no calibrated system effect)")
    else:
        p = a.plan
        lines.append(f"  national-size effect: {p['national_effect_per_year'].iloc[0]:.1f} "
                     f"entries a year at full size; {int(p['sims'].iloc[0])} authorities per "
                     f"figure (Monte Carlo SE at most {p['mc_se_at_most'].iloc[0]:.2f})")
        for _, r in p.iterrows():
            lines.append(f"  {int(r['years_after_launch'])} year(s): power {r['power']:.0%} "
                         f"(90% interval excludes no effect), false alarm "
                         f"{r['false_alarm']:.0%}; median P(no effect) "
                         f"{r['median_p_no_effect_if_none']:.2f} if none, "
                         f"{r['median_p_no_effect_if_national']:.2f} if national-size; median "
                         f"90% width {r['median_width_90']:.1f}")
    caveat = plan_caveat(a.plan)
    if caveat:
        lines.append(f"  {caveat}")
    lines.extend(evsi_text(a.evsi))
    lines.append("")
    lines.append("Forecast from here: the horizon's figures, the simulated futures weighted by "
                 "how well they reproduce the observed series (and, authority-wide, by the "
                 "update)")
    f = a.forecast
    if f is None or f.empty:
        lines.append("  not computed")
    else:
        for _, r in f.iterrows():
            money = r["figure"].startswith("net")
            show = (lambda v: f"£{v / 1e6:.2f}m") if money else (lambda v: f"{v:.1f}")
            lines.append(f"  {'base case' if r['view'] == 'base' else 'authority-wide'}, "
                         f"{r['label']}: forecast {show(r['median_forecast'])} "
                         f"[{show(r['lo_forecast'])} to {show(r['hi_forecast'])}], from here "
                         f"{show(r['median_from_here'])} [{show(r['lo_from_here'])} to "
                         f"{show(r['hi_from_here'])}]: band {r['band_width_ratio']:.0%} of its "
                         f"width; {_local(r)} (ESS {r['effective_sample_size']:.0f} of "
                         f"{int(r['replications'])})")
        lines.extend(headline_text(f))
        if (f["effective_sample_size"] < conditioned.MIN_ESS).any():
            lines.append(f"  few futures reproduce the history (ESS < {conditioned.MIN_ESS}): "
                         "run more --reps before relying on the narrowed bands")
    return "\n".join(lines)


def plan_caveat(p: pd.DataFrame) -> str:
    """A warning when the Plan's figures show the prior rather than the counts: even in the
    simulated authorities with no effect, the update after every year still gives P(no effect)
    below :data:`PRIOR_DRIVEN` (the calibration's own prior is a few per cent)."""
    if p is None or p.empty or p["median_p_no_effect_if_none"].max() >= PRIOR_DRIVEN:
        return ""
    return (f"Even where there is no effect, the update still gives P(no effect) of only "
            f"{p['median_p_no_effect_if_none'].max():.0%} at most after these years: the "
            "power and false alarms above are the prior's (the calibration's own P(no effect "
            "here)), not what the counts can show; an authority that doubts the effect should "
            "say how much with --p-no-effect (0.5: even odds; docs/monitoring.md).")


def _local(r) -> str:
    """'rests X% on local evidence (...)' for one row of the forecast from here."""
    if pd.isna(r["local_share"]):
        return "local evidence's share not defined (the futures do not vary)"
    parts = [f"the practice's series alone {r['local_share_practice_series']:.0%}"]
    if not pd.isna(r["local_share_authority_counts"]):
        parts.append(f"the authority's counts alone {r['local_share_authority_counts']:.0%}")
    elif r["view"] == "authority":
        parts.append("no update from the authority's counts yet")
    return f"{r['local_share']:.0%} on local evidence ({', '.join(parts)})"


def headline_text(forecast: pd.DataFrame) -> list[str]:
    """How much of the headline (infants kept out of care to the horizon) now rests on local
    rather than national evidence, per view (:func:`.conditioned.local_share`)."""
    share = conditioned.headline_shares(forecast)
    if not share:
        return []
    said = [f"{'base case' if v == 'base' else 'authority-wide'} {x:.0%}"
            for v, x in share.items()]
    return [f"  the headline (infants kept out of care to the horizon) now rests on local "
            f"evidence for about: {'; '.join(said)}; the rest on the national evidence "
            "(1 - variance from here / forecast variance: the local data's weight in a "
            "precision-weighted average; docs/monitoring.md)"]


def evsi_text(frame: pd.DataFrame | None) -> list[str]:
    """Printout lines of the Plan's expected value of sample information
    (:mod:`simulation.sensitivity.evsi`)."""
    if frame is None or frame.empty:
        return ["  EVSI not computed (--plan-sims 0, or no calibrated system effect)"]
    r0 = frame.iloc[0]
    lines = [f"  value of the counts for the commissioning decision (budget view, {r0['unit']}):"
             f" expected net benefit now £{r0['expected_net_benefit_now_gbp'] / 1e6:.2f}m "
             f"({r0['decision_now']}); the system effect known exactly (EVPI) would be worth "
             f"£{r0['evpi_system_effect_gbp'] / 1e3:,.0f}k"]
    for _, r in frame.iterrows():
        lines.append(f"  EVSI of {int(r['years_after_launch'])} year(s) of the authority's "
                     f"counts: £{r['evsi_gbp'] / 1e3:,.1f}k (SE £{r['evsi_se_gbp'] / 1e3:,.1f}k)"
                     f"; the decision changes in "
                     f"{r['share_of_authorities_changing_the_decision']:.0%} of simulated "
                     "authorities")
    return lines


def write(a: Answers, folder: Path, record: dict) -> None:
    """The folder: ``on_track.csv``, ``on_track.png``, ``system_effect_update.csv`` and
    ``system_effect_draws.csv`` (with an update), ``observed.csv``, ``run.json``."""
    import matplotlib.pyplot as plt

    output.write_table(a.on_track, folder, "on_track", parquet=False)
    output.write_table(a.data.observed(), folder, "observed", parquet=False)
    fig = ontrack.fan_chart(a.views, a.data.observed())
    fig.savefig(folder / "on_track.png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    if a.update is not None:
        u = a.update
        rows = pd.DataFrame(u.table())
        rows["baseline_at_launch_median"] = u.baseline_at_launch[1]
        rows["trend_per_year_median"] = u.trend[1]
        rows["noise_cv_median"] = u.noise_cv[1]
        rows["last_pre_launch_year_above_baseline"] = u.last_year_excess
        rows["years_before"], rows["years_after"] = u.years_before, u.years_after
        output.write_table(rows, folder, "system_effect_update", parquet=False)
        output.write_table(pd.DataFrame({"system_effect_per_year": u.effect,
                                         "prior_weight": u.prior, "updated_weight": u.weight}),
                           folder, "system_effect_draws", parquet=False)
    if a.plan is not None:
        output.write_table(a.plan, folder, "plan", parquet=False)
    if a.evsi is not None:
        output.write_table(a.evsi, folder, "evsi", parquet=False)
    if a.women is not None and not a.women.empty:
        output.write_table(a.women, folder, "women_parameters_update", parquet=False)
    if a.forecast is not None:
        output.write_table(a.forecast, folder, "forecast_from_here", parquet=False)
    output.write_json(folder / "run.json", dict(record, update=a.update_note,
                                                monitoring=a.data.origin))
