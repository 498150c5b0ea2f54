"""Random numbers of the fast engine: the women of each replication and their pool of uniforms.

The women of replication ``r`` are drawn with those of its block ``r // BLOCK_REPS``, from
``SeedSequence(seed, spawn_key=(FAST_KEY, 0, block))``, for the whole block whichever of its
replications a chunk simulates. Every other random number of replication ``r`` comes from its pool
of uniforms on [0, 1) (:class:`Pools`), used in order by :mod:`simulation.fast.kernel`. So the
numbers of replication ``r`` depend on the seed and ``r`` only: not on how replications are split
into chunks or among workers, nor on the total number of replications.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from simulation.core.parameters import PRIOR_REMOVALS
from simulation.core.scenario import Scenario

BLOCK_REPS = 100  # replications whose women (and first pool values) are drawn together
#: Pool values drawn at first per woman of a replication (and per replication): the built-in
#: scenarios use ~11 per woman.
POOL_PER_WOMAN, POOL_EXTRA = 14, 256
FAST_KEY = 0xFA57  # first spawn key of the fast engine's seeds (the SimPy engine uses (rep,))


@dataclass(frozen=True)
class Women:
    """The women of some replications, as flat arrays (one entry per woman), ordered by
    replication and, within it, by outreach priority (the first is offered a place first)."""

    rep: np.ndarray                   # replication, numbered 0..n_reps-1 within the chunk
    arrival_month: np.ndarray
    fertility_multiplier: np.ndarray
    n_reps: int

    @property
    def size(self) -> int:
        return len(self.rep)



def _block_population(p, rng: np.random.Generator, n_reps: int):
    """Draw the women of ``n_reps`` replications (``p``: the scenario's parameters), as
    :func:`simulation.population.draw_population` does for one: same distributions; the
    attributes no hazard uses are not drawn. Returns rep, arrival month and fertility multiplier,
    ordered by replication and outreach priority (more removals first, ties at random)."""
    horizon = p.practice.horizon_months
    n_start = p.population.eligible_women_at_start
    n_new = rng.poisson(p.population.new_eligible_women_per_year * horizon / 12.0, n_reps)
    sizes = n_start + n_new
    rep = np.repeat(np.arange(n_reps, dtype=np.int32), sizes)
    n = len(rep)
    # the first n_start women of each replication are the scoping list, eligible at month 0
    is_new = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes) >= n_start
    arrival = np.zeros(n)
    arrival[is_new] = rng.uniform(0.0, horizon, n - n_start * n_reps)

    age_probs = np.asarray(p.population.age_band_probabilities)
    band = _categorical(rng, age_probs, n)
    removal_probs = np.asarray(p.population.prior_removals_probabilities)
    removal = _categorical(rng, removal_probs, n)

    age_ratio = np.asarray(p.pregnancy.age_rate_ratios)
    age_ratio = age_ratio / np.dot(age_probs, age_ratio)
    removal_ratio = p.pregnancy.rate_ratio_per_extra_removal ** np.maximum(
        np.asarray(PRIOR_REMOVALS) - 2, 0)
    removal_ratio = removal_ratio / np.dot(removal_probs, removal_ratio)
    shape = p.pregnancy.frailty_shape
    frailty = rng.gamma(shape, 1.0 / shape, n)
    multiplier = frailty * age_ratio[band] * removal_ratio[removal]
    # by replication, then more removals first, ties broken by a uniform in [0, 1)
    order = np.argsort(rep * 8.0 + (len(PRIOR_REMOVALS) - 1 - removal) + rng.random(n),
                       kind="stable")
    return rep[order], arrival[order], multiplier[order]


def _categorical(rng: np.random.Generator, probs: np.ndarray, n: int) -> np.ndarray:
    """Indices drawn with probabilities ``probs`` (categories of probability 0 never occur)."""
    cdf = np.cumsum(probs)
    return np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(n), side="right"), len(probs) - 1)


def draw_women(scenario: Scenario, seed: int, reps: Sequence[int]) -> tuple[Women, "Pools"]:
    """The women of replications ``reps`` (increasing) of a run with ``seed``, and their pools
    of uniforms."""
    p = scenario.params()
    reps = np.asarray(reps, dtype=np.int64)
    if np.any(np.diff(reps) <= 0):
        raise ValueError("replications must be given in increasing order, once each")
    arrays, block_sizes = [], {}
    for block in np.unique(reps // BLOCK_REPS):
        block = int(block)
        seed_seq = np.random.SeedSequence(seed, spawn_key=(FAST_KEY, 0, block))
        rep, arrival, multiplier = _block_population(p, np.random.default_rng(seed_seq),
                                                     BLOCK_REPS)
        block_sizes[block] = np.bincount(rep, minlength=BLOCK_REPS)
        # number the block's replications as the chunk does (-1: not simulated here)
        local = np.full(BLOCK_REPS, -1, dtype=np.int32)
        in_block = (reps >= block * BLOCK_REPS) & (reps < (block + 1) * BLOCK_REPS)
        local[reps[in_block] - block * BLOCK_REPS] = np.flatnonzero(in_block)
        keep = np.flatnonzero(local[rep] >= 0)
        arrays.append((local[rep[keep]], arrival[keep], multiplier[keep]))
    rep, arrival, multiplier = (np.concatenate(a) for a in zip(*arrays))
    return Women(rep, arrival, multiplier, len(reps)), Pools(seed, reps, block_sizes)


_WORK = threading.local()  # per thread: dask workers may be threads of one process


def _buffer(size: int) -> np.ndarray:
    """A work array of ``size`` floats, reused from call to call: memory fresh from the system
    costs more to touch the first time than the pool values cost to draw."""
    buffer = getattr(_WORK, "buffer", None)
    if buffer is None or len(buffer) < size:
        buffer = _WORK.buffer = np.empty(size)
    return buffer[:size]


class Pools:
    """The pools of uniforms of some replications of a run with ``seed``.

    A replication's pool begins with ``POOL_PER_WOMAN`` values per woman plus ``POOL_EXTRA``,
    drawn with those of the other replications of its block from ``SeedSequence(seed,
    spawn_key=(FAST_KEY, 1, block))``: enough for nearly every replication. A replication that
    uses them up is run again with its pool extended from ``SeedSequence(seed,
    spawn_key=(FAST_KEY, 2, rep))`` - a longer extension starts with the same values."""

    def __init__(self, seed: int, reps: np.ndarray, block_sizes: dict[int, np.ndarray]):
        self.seed = seed
        self.reps = reps
        self.block_sizes = block_sizes  # women in each replication of each block

    def draw(self, which: np.ndarray, extension: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """The pools of ``reps[which]`` with ``extension`` values each (per woman) beyond the
        first part: all of them in one array, and where each begins (and the last ends)."""
        reps = self.reps[which]
        sizes = np.array([self.block_sizes[r // BLOCK_REPS][r % BLOCK_REPS]
                          for r in reps.tolist()])
        first = np.concatenate([[0], np.cumsum((POOL_PER_WOMAN + extension) * sizes
                                               + POOL_EXTRA)]).astype(np.int64)
        out = _buffer(first[-1])
        for block in np.unique(reps // BLOCK_REPS).tolist():
            heads = POOL_PER_WOMAN * self.block_sizes[block] + POOL_EXTRA
            ends = np.cumsum(heads)
            seed_seq = np.random.SeedSequence(self.seed, spawn_key=(FAST_KEY, 1, block))
            values = np.random.default_rng(seed_seq).random(ends[-1])
            for k in np.flatnonzero(reps // BLOCK_REPS == block):
                rep = int(reps[k])
                i, start = rep % BLOCK_REPS, first[k]
                out[start:start + heads[i]] = values[ends[i] - heads[i]:ends[i]]
                if extension:
                    seed_seq = np.random.SeedSequence(self.seed, spawn_key=(FAST_KEY, 2, rep))
                    np.random.default_rng(seed_seq).random(out=out[start + heads[i]:first[k + 1]])
        return out, first
