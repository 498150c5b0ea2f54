"""``pausesim monitor``: a running practice's local evidence against its forecast - the answers,
their text and their folder. (On track?: :mod:`.ontrack`; Update: :mod:`.system_update` with the
prevented entries of :mod:`.prevented`.)"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulation.core import output
from simulation.core import posterior as posterior_mod
from simulation.core.monitoring import Monitoring
from simulation.model.rates import Rates

from . import ontrack, prevented, system_update
from .metrics import BY_NAME
from .views import SYSTEM_EFFECT, Views, whole


@dataclass
class Answers:
    views: Views
    data: Monitoring
    on_track: pd.DataFrame
    update: system_update.Update | None
    update_note: str  # why there is no update, or how it was made


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
    res = views.authority
    sc = res.scenario
    if SYSTEM_EFFECT not in sc.calibrated_keys():
        return None, ("no update: the authority-wide scenario has no calibrated system effect "
                      "to update")
    post = posterior_mod.load(whole(sc.calibration))
    draws = prevented.draws_from(post, sc)
    enrolled = res.row("enrolled", 0)
    monthly = prevented.system_by_month(
        draws["effect"].to_numpy(), draws["women_for_full_effect"].to_numpy(),
        Rates.from_scenario(sc), sc["authority.system_effect_form"],
        sc["authority.other_infant_care_entries_per_year"], enrolled)
    own = res.amounts(BY_NAME["infants_avoided_cohort"]).mean(axis=0)
    effect, prior, per_year = system_update.local_prior(
        draws["effect"].to_numpy(), draws["prior"].to_numpy(),
        prevented.by_year(monthly, after), prevented.by_year(own[None, :], after)[0],
        p_no_effect)
    mid = lambda f: ((f["from_month"] + f["to_month"]) / 24.0).to_numpy()  # noqa: E731
    u = system_update.update(effect, prior, mid(before), before["infants_starting_care"],
                             mid(after), after["infants_starting_care"], per_year, seed)
    note = (f"{len(before)} pre-launch and {len(after)} post-launch year(s); prior: the "
            f"calibration '{whole(sc.calibration)}' given an effect, with P(no effect here) "
            f"{u.p_no_effect(u.prior):.2f}")
    return u, note


def answers(views: Views, data: Monitoring, seed: int, p_no_effect: float | None = None):
    u, note = system_effect_update(views, data, seed, p_no_effect)
    return Answers(views, data, ontrack.table(views, data.observed()), u, note)


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
        if u.ess < 20:
            lines.append("  the update rests on few of the calibration's draws (ESS < 20): "
                         "refit the calibration with the local data before relying on it")
    lines.append("")
    lines.append("Forecast from here and Plan: not in this version (docs/monitoring.md)")
    return "\n".join(lines)


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
    output.write_json(folder / "run.json", dict(record, update=a.update_note,
                                                monitoring=a.data.origin))
