"""The eligible women of each replication: who they are and when they become eligible.

One sampler for both engines. The scoping list (``population.eligible_women_at_start`` women) is
eligible at month 0; further women become eligible as a Poisson process over the horizon.
Attributes that modify hazards (``docs/model.md``):

- age when eligible (band by ``population.age_band_probabilities``, uniform within it); ages then
  advance, and the pregnancy rate follows the current age band (``pregnancy.age_rate_ratios``);
- children already removed: the pregnancy rate (``pregnancy.rate_ratio_per_extra_removal``) and
  the practice's outreach priority (more removals first, ties broken by a draw fixed per woman);
- an individual gamma frailty with mean 1 (``pregnancy.frailty_shape``).

The age and removal ratios are normalised to mean 1 over the *national* distributions (DfE 2017
age mix, the registry's mix of children removed), so ``pregnancy.counterfactual_rate_per_year`` is
the mean rate of a national mix of women as they become eligible; a younger population has a
higher rate.
Care experience and needs are recorded, with no effect on any hazard (the evidence gives no effect
sizes).

Random numbers: the women of replication ``r`` are drawn with those of its block
``r // BLOCK_REPS``, by NumPy from ``SeedSequence(seed, spawn_key=(POPULATION_KEY, block))``, so
they depend on the seed and ``r`` only (not on chunks, workers or the engine).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np

from simulation.core.parameters import AGE_BANDS, BY_KEY, NEEDS, PRIOR_REMOVALS
from simulation.core.scenario import Scenario

from .layout import ATTRIBUTES

BLOCK_REPS = 25
#: The national mix of children already removed, over which the removal ratio is normalised
#: (as the age ratios are over the national age mix: :mod:`simulation.model.rates`).
REFERENCE_REMOVALS = np.asarray(BY_KEY["population.prior_removals_probabilities"].default)
POPULATION_KEY = 0x9097  # first spawn key of population seeds


@dataclass(frozen=True)
class Women:
    """The women of some replications as flat arrays, ordered by replication (numbered 0.. in
    the order asked for) and, within one, by outreach priority (the first is offered first)."""

    rep: np.ndarray            # replication, numbered within the request
    woman: np.ndarray          # her number within her replication (random-number counter)
    arrival_month: np.ndarray
    age_years: np.ndarray      # when eligible
    prior_removals: np.ndarray
    base_fertility: np.ndarray  # conception hazard per month at age ratio 1, off programme
    care_experienced: np.ndarray
    needs: dict
    n_reps: int

    @property
    def size(self) -> int:
        return len(self.rep)

    @cached_property
    def table(self) -> np.ndarray:
        """The engines' view of the women: one row per woman, one float column per attribute of
        :data:`simulation.model.layout.ATTRIBUTES` (arrival month, age when eligible in years,
        base fertility per month, her number)."""
        return np.column_stack([np.asarray(getattr(self, name), dtype=float)
                                for name in ATTRIBUTES])

    @property
    def first(self) -> np.ndarray:
        """Where each replication's women start (and the last ends)."""
        return np.searchsorted(self.rep, np.arange(self.n_reps + 1)).astype(np.int64)

    def to_frame(self):
        """One row per woman (pandas)."""
        import pandas as pd

        return pd.DataFrame({"rep": self.rep, "woman": self.woman,
                             "arrival_month": self.arrival_month, "age_years": self.age_years,
                             "prior_removals": self.prior_removals,
                             "care_experienced": self.care_experienced, **self.needs,
                             "base_fertility_per_month": self.base_fertility})


def _block(scenario: Scenario, seed: int, block: int) -> dict:
    """Every woman of the ``BLOCK_REPS`` replications of one block, in priority order."""
    p = scenario.params()
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(POPULATION_KEY, block)))
    horizon = p.practice.horizon_months
    n_start = p.population.eligible_women_at_start
    n_new = rng.poisson(p.population.new_eligible_women_per_year * horizon / 12.0, BLOCK_REPS)
    sizes = n_start + n_new
    rep = np.repeat(np.arange(BLOCK_REPS), sizes)
    woman = np.arange(len(rep)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    n = len(rep)
    arrival = np.where(woman < n_start, 0.0, rng.uniform(0.0, horizon, n))

    age_probs = np.asarray(p.population.age_band_probabilities)
    band = _categorical(rng, age_probs, n)
    lo = np.array([b[0] for b in AGE_BANDS], dtype=float)[band]
    hi = np.array([b[1] for b in AGE_BANDS], dtype=float)[band] + 1.0
    age = lo + (hi - lo) * rng.random(n)
    removal_probs = np.asarray(p.population.prior_removals_probabilities)
    removal = _categorical(rng, removal_probs, n)
    shape = p.pregnancy.frailty_shape
    frailty = rng.gamma(shape, 1.0 / shape, n)  # mean 1, variance 1/shape
    tie = rng.random(n)
    care_experienced = rng.random(n) < p.population.care_experienced_probability
    needs = {need: rng.random(n) < getattr(p.population, f"{need}_probability") for need in NEEDS}

    per_removal = p.pregnancy.rate_ratio_per_extra_removal ** np.maximum(
        np.asarray(PRIOR_REMOVALS) - 2, 0)
    per_removal = per_removal / np.dot(REFERENCE_REMOVALS, per_removal)
    base = p.pregnancy.counterfactual_rate_per_year / 12.0 * frailty * per_removal[removal]
    # by replication, then more removals first, then the tie-break draw: np.lexsort((tie,
    # -removal, rep)) as two stable sorts, the second on one small integer key (a radix sort)
    order = np.argsort(tie, kind="stable")
    group = rep * len(removal_probs) + (len(removal_probs) - 1 - removal)
    group = group.astype(np.int16 if BLOCK_REPS * len(removal_probs) < 2 ** 15 else np.int64)
    order = order[np.argsort(group[order], kind="stable")]
    columns = {"rep": rep, "woman": woman, "arrival_month": arrival, "age_years": age,
               "prior_removals": np.asarray(PRIOR_REMOVALS)[removal], "base_fertility": base,
               "care_experienced": care_experienced, **{f"need:{k}": v for k, v in needs.items()}}
    out = {k: v[order] for k, v in columns.items()}
    out["first"] = np.concatenate([[0], np.cumsum(sizes)])
    return out


def _categorical(rng: np.random.Generator, probs: np.ndarray, n: int) -> np.ndarray:
    """Indices drawn with probabilities ``probs`` (categories of probability 0 never occur)."""
    cdf = np.cumsum(probs)
    return np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(n), side="right"),
                      len(probs) - 1)


_CACHE: OrderedDict = OrderedDict()  # recent blocks (the SimPy engine asks for one rep at a time)


def _cached_block(scenario: Scenario, seed: int, block: int) -> dict:
    key = (scenario.digest(), seed, block)
    if key not in _CACHE:
        _CACHE[key] = _block(scenario, seed, block)
        while len(_CACHE) > 4:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return _CACHE[key]


def draw(scenario: Scenario, seed: int, reps: Sequence[int]) -> Women:
    """The women of replications ``reps`` (any order, no repeats) of a run with ``seed``."""
    reps = np.asarray(reps, dtype=np.int64)
    if len(np.unique(reps)) != len(reps):
        raise ValueError("replications must be given once each")
    parts = []
    blocks = reps // BLOCK_REPS
    for block in dict.fromkeys(blocks.tolist()):  # blocks in order of first appearance
        columns = _cached_block(scenario, seed, block)
        asked = np.flatnonzero(blocks == block)
        # the request's number of each of the block's replications (-1: not asked for)
        local = np.full(BLOCK_REPS, -1, dtype=np.int64)
        local[reps[asked] % BLOCK_REPS] = asked
        keep = np.flatnonzero(local[columns["rep"]] >= 0)
        part = {k: v[keep] for k, v in columns.items() if k != "first"}
        part["rep"] = local[part["rep"]]
        parts.append(part)
    cat = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.argsort(cat["rep"], kind="stable")  # by request order; priority kept within
    cat = {k: v[order] for k, v in cat.items()}
    return Women(rep=cat["rep"], woman=cat["woman"].astype(np.int64),
                 arrival_month=cat["arrival_month"], age_years=cat["age_years"],
                 prior_removals=cat["prior_removals"], base_fertility=cat["base_fertility"],
                 care_experienced=cat["care_experienced"],
                 needs={k.split(":", 1)[1]: cat[k] for k in cat if k.startswith("need:")},
                 n_reps=len(reps))
