"""Expected value of sample information (EVSI) of an authority's own infant care counts, for the
commissioning decision (``pausesim monitor``'s Plan; ``docs/monitoring.md``).

Decision: commission the practice (again) or not, the budget view (GBP at the price base,
discounted, to the scenario's horizon; :mod:`.voi` with λ = 0). For draw ``i`` of the local
prior of the system effect (:func:`simulation.results.system_update.local_prior`: the
calibration's draws given an effect and one draw with none), the incremental net benefit of
commissioning is

    INB_i = E[net cost avoidance, base case] + v x S_i,

the base case's mean net present value (the practice's own women) plus the other mothers' infant
care entries the draw's system effect prevents to the horizon, ``S_i`` (the effect's build-up
with the simulated enrolments, :mod:`simulation.results.prevented`), each worth ``v``
(:func:`simulation.results.views.value_per_entry`, discounted care costs avoided per entry).

**EVSI of k years** (preposterior analysis by simulation): ``sims`` authorities, each with a
truth drawn from the local prior, a baseline like this authority's (the Plan's: fitted median
level, trend and noise, or the scenario's size), the Plan's number of pre-launch years and
``k`` years since launch simulated from the update's own model; each updated as ``pausesim
monitor`` would, giving ``m_s = E[INB | data_s]``. Then

    EVSI(k) = E_s[max(0, m_s)] - max(0, E_s[m_s]),

:func:`.voi.expected_value_of_choosing_later` applied to the preposterior means (the same
formula EVPPI applies to E[INB | parameter group]). EVPI of the effect (the effect known
exactly) is the same function on the draws' own INB: the most any data could be worth. Standard
error: bootstrap over the simulated authorities. Per decision (one authority's
commissioning); ``voi.population_multiplier`` scales it to several.

Limits: the budget view only (no value placed on an infant kept out of care: the council's
cash question); the women's parameters are held at their means (their uncertainty is the
practice's own series' to resolve, not the authority's counts); the years counted from launch,
as the Plan's; the decision is one made at the end of the k years with nothing else learned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.model.rates import Rates
from simulation.results import monitor, prevented, system_update
from simulation.results.views import NPV, value_per_entry

from . import voi

#: Simulated authorities per number of years.
DEFAULT_SIMS = 200
#: Prior draws kept (systematic resampling) to keep each simulated update cheap.
DRAWS = 300


def inb(views, effect_points: np.ndarray) -> tuple[np.ndarray, dict]:
    """INB_i (GBP per decision) of draws ``effect_points`` (n, 2: effect, women for the full
    effect) and what it rests on."""
    res = views.authority
    sc = res.scenario
    horizon = res.horizon
    monthly = prevented.system_by_month(
        effect_points[:, 0], effect_points[:, 1], Rates.from_scenario(sc),
        sc["authority.system_effect_form"], sc["authority.other_infant_care_entries_per_year"],
        res.row("enrolled", 0))
    entries = monthly[:, : int(np.ceil(horizon))].sum(axis=1)
    base_npv = float(views.base.value(NPV, horizon).mean())
    v = value_per_entry(views, horizon)
    return base_npv + v * entries, {"base_npv": base_npv, "value_per_entry": v,
                                    "months": horizon}


#: Bootstrap resamples of the simulated authorities for EVSI's standard error.
BOOTSTRAP = 200


def preposterior(effect, weight, value, prevented, baseline, years_before: int, years_after: int,
                 sims: int, seed: int = 0) -> np.ndarray:
    """``sims`` preposterior means E[INB | data_s]: each simulated authority's truth drawn from
    ``weight`` over the draws (``effect``; ``value``: INB_i; ``prevented``: (draws, years)
    entries prevented in post-launch years), its counts from the update's model with
    ``baseline`` (alpha, beta, cv), updated as ``pausesim monitor`` would."""
    rng = np.random.default_rng([seed, years_after, 0xE751])
    t_before = -np.arange(years_before, 0, -1) + 0.5
    t_after = np.arange(years_after) + 0.5
    per = np.asarray(prevented, float)[:, :years_after]
    alpha, beta, cv = baseline
    means = np.empty(sims)
    for s in range(sims):
        truth = rng.choice(len(effect), p=weight)
        y_before = system_update.simulate_counts(alpha, beta, cv, t_before,
                                                 np.zeros(years_before), rng)
        y_after = system_update.simulate_counts(alpha, beta, cv, t_after, per[truth], rng)
        u = system_update.update(effect, weight, t_before, y_before, t_after, y_after, per,
                                 seed=s)
        means[s] = float(np.dot(u.weight, value))
    return means


def evsi_of(means: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """EVSI from preposterior means (:func:`.voi.expected_value_of_choosing_later`) and its
    bootstrap standard error over the simulated authorities."""
    rng = np.random.default_rng([seed, 0xB007])
    boot = [voi.expected_value_of_choosing_later(means[rng.integers(0, len(means), len(means))])
            for _ in range(BOOTSTRAP)]
    return float(voi.expected_value_of_choosing_later(means)), float(np.std(boot, ddof=1))


def table(views, data, update=None, sims: int = DEFAULT_SIMS, seed: int = 0,
          p_no_effect: float | None = None, years=range(1, 6)) -> pd.DataFrame | None:
    """One row per number of years since launch: EVSI, its SE, EVPI of the effect, the
    expected net benefit now; None without a calibrated system effect or with ``sims`` < 1."""
    if sims < 1:
        return None
    res = views.authority
    n_years = min(max(years), int(res.horizon // 12))
    spans = pd.DataFrame({"from_month": 12.0 * np.arange(n_years),
                          "to_month": 12.0 * np.arange(1, n_years + 1)})
    drawn = monitor._schedule(views, spans, p_no_effect)
    if drawn is None or n_years < 1:
        return None
    effect, prior, per_year, points, _ = drawn
    slab = effect > 0
    # keep DRAWS of the draws with an effect (systematic resampling), the no-effect draw last
    rng = np.random.default_rng([seed, 0xE751])
    p0 = float(prior[~slab].sum())
    counts = np.bincount(system_update._systematic(prior[slab] / prior[slab].sum(), DRAWS, rng),
                         minlength=int(slab.sum())).astype(float)
    kept = np.flatnonzero(counts)
    index = np.append(np.flatnonzero(slab)[kept], np.flatnonzero(~slab)[0])
    weight = np.append(counts[kept] / DRAWS * (1.0 - p0), p0)
    pts = np.vstack([points[kept], [[0.0, 1.0]]])
    value, basis = inb(views, pts)
    e, per = effect[index], per_year[index]
    alpha, beta, cv = monitor.plan_baseline(views, update)
    before = max(3, len(data.baseline()))
    now = float(np.dot(weight, value))
    sampled = value[system_update._systematic(weight, 4000, np.random.default_rng([seed, 1]))]
    evpi = float(voi.expected_value_of_choosing_later(sampled))
    rows = []
    for k in years:
        if k > n_years:
            break
        means = preposterior(e, weight, value, per, (alpha, beta, cv), before, k, sims, seed)
        value_k, se = evsi_of(means, seed)
        rows.append({"years_after_launch": k, "years_before_launch": before,
                     "evsi_gbp": value_k, "evsi_se_gbp": se,
                     "evpi_system_effect_gbp": evpi,
                     "expected_net_benefit_now_gbp": now,
                     "decision_now": "commission" if now > 0 else "do not commission",
                     "share_of_authorities_changing_the_decision": float(
                         np.mean((means > 0) != (now > 0))),
                     "value_per_entry_gbp": basis["value_per_entry"],
                     "base_case_npv_gbp": basis["base_npv"], "months": basis["months"],
                     "sims": sims, "unit": f"{res.price_label}, per decision"})
    return pd.DataFrame(rows)

