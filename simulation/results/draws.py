"""The parameter sets of a default run: what its bands include, and what they hold fixed.

A default run (``run``, ``report``, ``compare``, ``portfolio``, ``monitor``) draws, for each
parameter set:

- the **calibrated** parameters jointly from the scenario's calibration posterior;
- every other parameter of :data:`~simulation.core.uncertainty.DEFAULT_GROUPS` (unit costs, care
  pathways, the authority's and the local figures, fertility, removal, delivery) from its declared
  distribution centred on the scenario's value (:mod:`simulation.core.uncertainty`, the same
  distributions as ``sensitivity psa``), by Latin hypercube;
- a **site effect** on enrolment and engagement
  (:data:`~simulation.core.uncertainty.SITE_VARIATION`): the practice is one site, whose rates
  differ from the average the evidence (or the posterior) gives.

Values the scenario file or ``--set`` gives are never drawn (nor shifted by a site effect). Each
registry parameter has its own hypercube column whatever the scenario, so options compared with
each other and the two views draw the same quantiles (paired).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from scipy import stats
from scipy.stats import qmc

from simulation.core import uncertainty as unc
from simulation.core.parameters import BY_KEY
from simulation.core.scenario import Scenario

#: Entropy mixed into the hypercube's seed (not the posterior draws' or replications' streams).
STREAM = 0xB4ED5

#: Declared parameters a default run draws, in registry order.
DEFAULT_DECLARED: tuple[unc.Uncertainty, ...] = tuple(
    u for u in unc.REGISTRY if u.group in unc.DEFAULT_GROUPS)


def _columns() -> dict[str, slice]:
    """Hypercube columns of each declared parameter (lists: one per share) and site effect."""
    out, j = {}, 0
    for u in DEFAULT_DECLARED:
        width = len(u.param.labels) if u.psa.kind == "dirichlet" else 1
        out[u.key] = slice(j, j + width)
        j += width
    for site in unc.SITE_VARIATION:
        out["site:" + site.key] = slice(j, j + 1)
        j += 1
    return out


COLUMNS = _columns()
WIDTH = max(s.stop for s in COLUMNS.values())


def uniforms(n: int, seed: int) -> np.ndarray:
    """(n, WIDTH) Latin-hypercube uniforms of a run's ``n`` parameter sets."""
    return qmc.LatinHypercube(d=WIDTH, seed=np.random.default_rng([seed, STREAM])).random(n)


def _shares(base, concentration: float, u: np.ndarray) -> list[list[float]]:
    """Each row of uniforms ``u`` (n, len(base)) as shares: Dirichlet(concentration x base) by
    its gamma components' inverse CDFs (one frozen distribution per component)."""
    base = np.asarray(base, dtype=float)
    x = np.column_stack([stats.gamma(concentration * b).ppf(u[:, j]) if b > 0
                         else np.zeros(len(u)) for j, b in enumerate(base)])
    return [list(map(float, row / row.sum())) if row.sum() > 0 else list(map(float, base))
            for row in x]


def _clip(key: str, value: float) -> float:
    p = BY_KEY[key]
    lo = 0.0 if p.kind == "probability" else p.low
    hi = 1.0 if p.kind == "probability" else p.high
    value = max(value, lo) if lo is not None else value
    return min(value, hi) if hi is not None else value


def declared_overrides(sc: Scenario, u: np.ndarray, skip: set[str]) -> list[dict[str, Any]]:
    """For each row of uniforms ``u``: the declared parameters' and site effects' values of
    ``sc`` (keys in ``skip``, e.g. drawn from the posterior, are not drawn but still get their
    site effect; keys the scenario gives get neither). Each distribution is frozen once and
    read at every row's uniform (freezing a scipy distribution costs ~1 ms)."""
    out: list[dict[str, Any]] = [{} for _ in range(len(u))]
    for d in DEFAULT_DECLARED:
        if d.key in sc.given or d.key in skip:
            continue
        q = u[:, COLUMNS[d.key]]
        if d.psa.kind == "dirichlet":
            drawn = _shares(sc[d.key], d.psa.a, q)
        else:
            drawn = [d.to_value(float(x)) for x in d.psa_distribution(sc[d.key]).ppf(q[:, 0])]
        for values, value in zip(out, drawn):
            values[d.key] = value
    return out


def site_uniforms(n: int, seed: int, area: int) -> np.ndarray:
    """(n, WIDTH) uniforms whose site columns are area ``area``'s own (a portfolio's areas are
    different sites: their site effects are independent, their other parameters shared)."""
    u = np.full((n, WIDTH), np.nan)
    cols = [COLUMNS["site:" + s.key].start for s in unc.SITE_VARIATION]
    u[:, cols] = qmc.LatinHypercube(d=len(cols), seed=np.random.default_rng(
        [seed, STREAM, 1 + area])).random(n)
    return u


def site_overrides(sc: Scenario, u: np.ndarray, drawn: list[dict[str, Any]]) -> None:
    """Add each set's site effects to ``drawn`` (in place), on top of the drawn or the scenario's
    value; not for values the scenario gives (its own site's figure)."""
    for row, values in zip(u, drawn):
        for site in unc.SITE_VARIATION:
            if site.key in sc.given:
                continue
            z = stats.norm.ppf(row[COLUMNS["site:" + site.key]][0])
            base = values.get(site.key, sc[site.key])
            values[site.key] = _clip(site.key, float(site.apply(base, z)))


def record(scenarios: Sequence[Scenario], calibrated: set[str]) -> dict:
    """What the bands of a default run include and hold fixed (``run.json``, ``summary.csv``
    metadata, the printout and the report)."""
    given = set().union(*(sc.given for sc in scenarios))
    declared = [u.key for u in DEFAULT_DECLARED if u.key not in given and u.key not in calibrated]
    site = [s.key for s in unc.SITE_VARIATION if s.key not in given]
    fixed_groups = [g for g in unc.GROUPS if g not in unc.DEFAULT_GROUPS]
    fixed_declared = [u.key for u in unc.REGISTRY if u.group not in unc.DEFAULT_GROUPS
                      and u.key not in calibrated and u.key not in given]
    return {"calibrated_drawn": sorted(calibrated - given),
            "declared_drawn": declared, "site_variation": site,
            "held_fixed_given": sorted(k for k in given if k in unc.BY_KEY_UNCERTAIN),
            "held_fixed_groups": fixed_declared,
            "held_fixed_words": (
                "held fixed: values the scenario or --set gives"
                + (f" ({', '.join(sorted(k for k in given if k in unc.BY_KEY_UNCERTAIN))})"
                   if any(k in unc.BY_KEY_UNCERTAIN for k in given) else "")
                + ", the uncalibrated "
                + " and ".join(unc.GROUPS[g] for g in fixed_groups)
                + " parameters (varied by 'pausesim sensitivity'), the programme's cost when "
                  "given as a total, its staff, capacity and timing, the horizon, discounting "
                  "and prices")}


def covers(meta: dict) -> str:
    """What a run's ranges include, in one sentence (from :func:`record`'s meta)."""
    if meta.get("draws", 1) <= 1 or not (meta.get("calibrated_drawn") or
                                         meta.get("declared_drawn") or
                                         meta.get("site_variation")):
        return "the ranges are chance alone (which future happens): parameters held fixed"
    parts = []
    if meta.get("calibrated_drawn"):
        parts.append(f"{len(meta['calibrated_drawn'])} calibrated parameters (from the posterior)")
    groups = sorted({unc.BY_KEY_UNCERTAIN[k].group for k in meta.get("declared_drawn", [])},
                    key=list(unc.GROUPS).index)
    if groups:
        parts.append(f"{len(meta['declared_drawn'])} others from their declared ranges ("
                     + ", ".join(unc.GROUPS[g] for g in groups) + ")")
    if meta.get("site_variation"):
        parts.append("site-to-site variation in " + " and ".join(
            {"outreach.enrol_probability": "enrolment",
             "programme.dropout_rate_per_year": "engagement (dropout)"}.get(k, k)
            for k in meta["site_variation"]))
    return ("the ranges include chance and " + "; ".join(parts)
            + f"; {meta.get('held_fixed_words', 'other parameters held fixed')}")
