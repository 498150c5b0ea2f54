"""Expected value of sample information (EVSI) of an authority's own infant care counts, for the
commissioning decision (``pausesim monitor``'s Plan; ``docs/monitoring.md``).

Decision: commission the practice (again) or not, the budget view (GBP at the price base,
discounted, to the scenario's horizon; :mod:`.voi` with λ = 0). For draw ``i`` of the local
prior of the system effect (:func:`simulation.results.system_update.local_prior`: the
calibration's draws given an effect and one draw with none), the incremental net benefit of
commissioning is

    INB_ig = NPV_g + v x S_ig,

``NPV_g`` the base case's net present value (the practice's own women) and ``S_ig`` the other
mothers' infant care entries the draw's system effect prevents to the horizon (the effect's
build-up with the simulated enrolments, :mod:`simulation.results.prevented`), each worth ``v``
(:func:`simulation.results.views.value_per_entry`, discounted care costs avoided per entry),
for group ``g`` of the practice's simulated futures.

**The women's side.** The authority's counts see the practice's women twice: their own infant
care entries avoided are part of the fall, and their enrolments build the system effect up. So
the prior's draws are pairs (effect draw ``i``, group ``g``): the authority-wide view's
replications (the futures the Update's prevented entries follow) sorted by the entries they are
expected to prevent in the counted years and cut into :data:`WOMEN_GROUPS` equal groups, each
with its own avoided entries, enrolment paths and NPV (:func:`women_side`: the base case's mean
NPV plus how far the group's own women's net value sits from its mean in the same futures; in
one view the two correlate at about 0.85, across the two views' futures at about 0.05). Group
means average to the run's means, so the prior's expected INB is the one with the women at
their means; what the counts can learn about the women (a practice whose women avoid more
entries shows a larger fall, and is worth more) moves the INB with them. Each simulated
authority's truth is an effect draw and *one* replication (its own avoided entries and
enrolments), not the mean.

**EVSI of k years** (preposterior analysis by simulation): ``sims`` authorities, each with a
truth drawn from the local prior, a baseline like this authority's (the Plan's: fitted median
level, trend and noise, or the scenario's size), the Plan's number of pre-launch years and
``k`` years since launch simulated from the update's own model; each updated as ``pausesim
monitor`` would, over the paired draws (the women's side included), giving ``m_s = E[INB |
data_s]``. Then

    EVSI(k) = E_s[max(0, m_s)] - max(0, E_s[m_s]),

:func:`.voi.expected_value_of_choosing_later` applied to the preposterior means (the same
formula EVPPI applies to E[INB | parameter group]). EVPI of the effect (the effect known
exactly) is the same function on each effect draw's INB averaged over the women's groups: the
most the effect's resolution could be worth (the counts also teach a little about the women, so
EVSI is not bounded by it exactly). Standard error: bootstrap over the simulated authorities.
Per decision (one authority's commissioning); ``voi.population_multiplier`` scales it to
several.

Limits: the budget view only (no value placed on an infant kept out of care: the council's
cash question); the women's side varies by replication and is learned only through the counts
(the practice's own series, which would teach more about the women in the same years, are not
part of this EVSI); within a group the women are at the group's means; the years counted from
launch, as the Plan's; the decision is one made at the end of the k years with nothing else
learned.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from simulation.model.rates import Rates
from simulation.results import monitor, prevented, system_update
from simulation.results.metrics import BY_NAME
from simulation.results.views import NPV, value_per_entry

from . import voi

#: Simulated authorities per number of years.
DEFAULT_SIMS = 200
#: Care costs avoided among other mothers (the system effect's), discounted.
OTHER_MOTHERS_COST = "cost_avoided_authority_cumulative_discounted"
#: Prior draws kept (systematic resampling) to keep each simulated update cheap.
DRAWS = 300
#: Groups of the practice's simulated futures the prior's draws are paired with (the women's
#: side; 1: the women at their means, as before version 0.4.1).
WOMEN_GROUPS = 4


def women_side(views, spans) -> dict:
    """Per replication of the authority-wide view (the futures the Update's prevented entries
    follow): the practice's own women's infant care entries avoided in each of ``spans`` (reps,
    years), women enrolled each month (reps, months), and their NPV to the horizon (reps,): the
    base case's mean plus how far the replication's own women's net value (its NPV less the
    care costs it avoids among other mothers) sits from that view's mean, so that a future
    whose women avoid more entries is worth more (in the same future) and the mean is the base
    case's."""
    a, b = views.authority, views.base
    own = prevented.by_year(a.amounts(BY_NAME["infants_avoided_cohort"]), spans)
    own_net = a.value(NPV, a.horizon) - a.value(OTHER_MOTHERS_COST, a.horizon)
    npv = float(b.value(NPV, b.horizon).mean()) + own_net - own_net.mean()
    return {"own": own, "enrolled": a.row("enrolled", 0), "npv": npv.astype(float)}


def strata(driver: np.ndarray, groups: int) -> list[np.ndarray]:
    """Replication indices in ``groups`` groups of (nearly) equal size, by ``driver``."""
    order = np.argsort(driver, kind="stable")
    return [g for g in np.array_split(order, min(groups, len(order))) if len(g)]


def joint_draws(effect, weight, points, women: dict, system_of, spans, horizon: float,
                value_per: float, groups: int = WOMEN_GROUPS):
    """The prior's draws paired with groups of the practice's futures (module docstring).

    ``effect``, ``weight``, ``points`` (draws, 2: effect, women for the full effect): the
    system effect's draws; ``women``: :func:`women_side` (any replications, equally likely);
    ``system_of(points, enrolled) -> (draws, reps, months)``: other mothers' entries prevented
    for each replication's enrolments; ``spans``: the counted years. Returns (effect, weight,
    value: INB, prevented: (draws, years), truth: a function drawing one simulated authority's
    true prevented entries)."""
    effect, weight = np.asarray(effect, float), np.asarray(weight, float)
    monthly = system_of(points, women["enrolled"])  # (draws, reps, months)
    system = prevented.by_year(monthly, spans)  # (draws, reps, years)
    entries = monthly[:, :, : int(np.ceil(horizon))].sum(axis=2)  # (draws, reps)
    own, npv = women["own"], women["npv"]
    # what the counts see of each replication: entries it is expected to prevent, over draws
    driver = weight @ system.sum(axis=2) + own.sum(axis=1)
    e, w, v, per = [], [], [], []
    reps = len(npv)
    for members in strata(driver, groups):
        e.append(effect)
        w.append(weight * len(members) / reps)
        v.append(npv[members].mean() + value_per * entries[:, members].mean(axis=1))
        per.append(system[:, members].mean(axis=1) + own[members].mean(axis=0))

    def truth(rng: np.random.Generator, s: int) -> np.ndarray:
        # the effect drawn as with the women at their means; the replication from its own
        # stream, so that both ways share every other random number (paired comparison)
        i = rng.choice(len(effect), p=weight / weight.sum())
        r = np.random.default_rng([s, 0x3E9]).integers(reps)
        return system[i, r] + own[r]

    return np.concatenate(e), np.concatenate(w), np.concatenate(v), np.vstack(per), truth


def inb(views, effect_points: np.ndarray) -> tuple[np.ndarray, dict]:
    """INB_i (GBP per decision) of draws ``effect_points`` (n, 2: effect, women for the full
    effect) with the women at their means (one group), and what it rests on."""
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
                 sims: int, seed: int = 0,
                 truth: Callable[[np.random.Generator, int], np.ndarray] | None = None
                 ) -> np.ndarray:
    """``sims`` preposterior means E[INB | data_s]: each simulated authority's truth drawn from
    ``weight`` over the draws (``effect``; ``value``: INB_i; ``prevented``: (draws, years)
    entries prevented in post-launch years), or by ``truth(rng, s) -> (years,)`` its prevented
    entries (:func:`joint_draws`: one replication's women, not a group's means); its counts
    from the update's model with ``baseline`` (alpha, beta, cv), updated as ``pausesim
    monitor`` would."""
    rng = np.random.default_rng([seed, years_after, 0xE751])
    t_before = -np.arange(years_before, 0, -1) + 0.5
    t_after = np.arange(years_after) + 0.5
    per = np.asarray(prevented, float)[:, :years_after]
    alpha, beta, cv = baseline
    means = np.empty(sims)
    for s in range(sims):
        true = per[rng.choice(len(effect), p=weight)] if truth is None else \
            np.asarray(truth(rng, s), float)[:years_after]
        y_before = system_update.simulate_counts(alpha, beta, cv, t_before,
                                                 np.zeros(years_before), rng)
        y_after = system_update.simulate_counts(alpha, beta, cv, t_after, true, rng)
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
          p_no_effect: float | None = None, years=range(1, 6),
          groups: int = WOMEN_GROUPS) -> pd.DataFrame | None:
    """One row per number of years since launch: EVSI, its SE, EVPI of the effect, the
    expected net benefit now; None without a calibrated system effect or with ``sims`` < 1.
    ``groups``: :data:`WOMEN_GROUPS` (1: the women at their means, each truth too)."""
    if sims < 1:
        return None
    res = views.authority
    n_years = min(max(years), int(res.horizon // 12))
    spans = pd.DataFrame({"from_month": 12.0 * np.arange(n_years),
                          "to_month": 12.0 * np.arange(1, n_years + 1)})
    drawn = monitor._schedule(views, spans, p_no_effect)
    if drawn is None or n_years < 1:
        return None
    effect, prior, _, points, _ = drawn
    slab = effect > 0
    # keep DRAWS of the draws with an effect (systematic resampling), the no-effect draw last
    rng = np.random.default_rng([seed, 0xE751])
    p0 = float(prior[~slab].sum())
    counts = np.bincount(system_update.systematic(prior[slab] / prior[slab].sum(), DRAWS, rng),
                         minlength=int(slab.sum())).astype(float)
    kept = np.flatnonzero(counts)
    index = np.append(np.flatnonzero(slab)[kept], np.flatnonzero(~slab)[0])
    weight = np.append(counts[kept] / DRAWS * (1.0 - p0), p0)
    pts = np.vstack([points[kept], [[0.0, 1.0]]])
    _, basis = inb(views, pts[:1])
    sc = res.scenario
    rates = Rates.from_scenario(sc)

    def system_of(points_, enrolled):
        return prevented.system_by_month(
            points_[:, 0], points_[:, 1], rates, sc["authority.system_effect_form"],
            sc["authority.other_infant_care_entries_per_year"], enrolled, per_replication=True)

    e, w, value, per, truth = joint_draws(effect[index], weight, pts,
                                          women_side(views, spans), system_of, spans,
                                          res.horizon, basis["value_per_entry"], groups)
    alpha, beta, cv = monitor.plan_baseline(views, update)
    before = max(3, len(data.baseline()))
    now = float(np.dot(w, value))
    # EVPI of the effect alone: each effect draw's INB averaged over the women's groups
    by_group, w_group = value.reshape(-1, len(weight)), w.reshape(-1, len(weight))
    total = w_group.sum(axis=0)
    of_effect = (by_group * w_group).sum(axis=0) / np.where(total > 0, total, 1.0)
    sampled = of_effect[system_update.systematic(weight / weight.sum(), 4000,
                                                  np.random.default_rng([seed, 1]))]
    evpi = float(voi.expected_value_of_choosing_later(sampled))
    rows = []
    for k in years:
        if k > n_years:
            break
        means = preposterior(e, w, value, per, (alpha, beta, cv), before, k, sims, seed,
                             truth if groups > 1 else None)
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
                     "sims": sims, "women_groups": groups,
                     "unit": f"{res.price_label}, per decision"})
    return pd.DataFrame(rows)

