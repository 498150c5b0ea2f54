"""Random numbers of the fast engine: the women of each replication and their random streams.

Replication ``r`` belongs to block ``r // BLOCK_REPS``. Everything random about a block - its women
and every value of their streams - comes from ``SeedSequence(seed, spawn_key=(FAST_KEY, block,
...))`` and is drawn for the whole block, whichever of its replications a chunk simulates. So the
numbers of replication ``r`` depend on the seed and ``r`` only: not on how replications are split
into chunks or among workers, nor on the total number of replications.

Common random numbers work as in the SimPy engine (:mod:`simulation.streams`): each woman has one
stream per :class:`~simulation.streams.Stream`, and the k-th value of a stream is the same number in
both arms, however the programme changed her other events. A stream is stored as rows (row k = the
k-th value) over all the women at once, drawn page by page as they are needed; each page has a seed
of its own, so how many pages were drawn never changes their values. The streams read only as
hazard thresholds hold unit exponentials (drawn directly), the others uniforms on [0, 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..parameters import PRIOR_REMOVALS
from ..scenario import Scenario
from ..streams import Stream

BLOCK_REPS = 100  # replications drawn together
FAST_KEY = 0xFA57  # first spawn key of the fast engine's seeds (the SimPy engine uses (rep,))
#: Columns generated at a time, per stream: one death and one dropout threshold per woman; LARC
#: uses four values per enrolment, outreach two per offer, care three per birth.
PAGE = {Stream.PREGNANCY: 2, Stream.OUTCOME: 2, Stream.CARE: 3, Stream.OUTREACH: 2,
        Stream.LARC: 4, Stream.DROPOUT: 1, Stream.DEATH: 1}
#: Streams read only as unit-exponential thresholds: drawn as such (faster than transforming
#: uniforms), and read with Streams.exponential.
EXPONENTIAL = frozenset({Stream.PREGNANCY, Stream.DROPOUT, Stream.DEATH})


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


@dataclass(frozen=True)
class _BlockPart:
    """The women of one block that a chunk simulates: ``keep`` indexes the block's women."""

    seed: np.random.SeedSequence
    n_women: int
    keep: np.ndarray


def _block_seed(seed: int, block: int, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=(FAST_KEY, block, *key))


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


def draw_women(scenario: Scenario, seed: int, reps: Sequence[int]) -> tuple[Women, "Streams"]:
    """The women of replications ``reps`` (increasing) of a run with ``seed``, and their random
    streams."""
    p = scenario.params()
    reps = np.asarray(reps, dtype=np.int64)
    if np.any(np.diff(reps) <= 0):
        raise ValueError("replications must be given in increasing order, once each")
    parts, arrays = [], []
    for block in np.unique(reps // BLOCK_REPS):
        block = int(block)
        rng = np.random.default_rng(_block_seed(seed, block, 0))
        rep, arrival, multiplier = _block_population(p, rng, BLOCK_REPS)
        # number the block's replications as the chunk does (-1: not simulated here)
        local = np.full(BLOCK_REPS, -1, dtype=np.int32)
        in_block = (reps >= block * BLOCK_REPS) & (reps < (block + 1) * BLOCK_REPS)
        local[reps[in_block] - block * BLOCK_REPS] = np.flatnonzero(in_block)
        keep = np.flatnonzero(local[rep] >= 0)
        parts.append(_BlockPart(_block_seed(seed, block), len(rep), keep))
        arrays.append((local[rep[keep]], arrival[keep], multiplier[keep]))
    rep, arrival, multiplier = (np.concatenate(a) for a in zip(*arrays))
    return Women(rep, arrival, multiplier, len(reps)), Streams(parts)


class Streams:
    """Every woman's random streams (shared by both arms), drawn page by page on demand."""

    def __init__(self, parts: Sequence[_BlockPart]):
        self._parts = list(parts)
        self._n_women = sum(len(part.keep) for part in parts)
        self._columns: dict[int, np.ndarray] = {}  # stream -> (values, women) storage
        self._drawn: dict[int, int] = {}            # stream -> values drawn per woman

    def take(self, stream: Stream, women: np.ndarray, k) -> np.ndarray:
        """Uniform number ``k`` (an int or one per woman) of ``stream`` for each of ``women``."""
        assert stream not in EXPONENTIAL
        return self._values(stream, women, k)

    def exponential(self, stream: Stream, women: np.ndarray, k) -> np.ndarray:
        """Unit-exponential number ``k`` of an exponential ``stream`` for each of ``women``."""
        assert stream in EXPONENTIAL
        return self._values(stream, women, k)

    def _values(self, stream: Stream, women: np.ndarray, k) -> np.ndarray:
        if not len(women):
            return np.zeros(0)
        need = (int(k) if np.ndim(k) == 0 else int(k.max())) + 1
        if self._drawn.get(stream, 0) < need:
            self._draw(stream, need)
        return self._columns[stream][k, women]

    def _draw(self, stream: Stream, need: int) -> None:
        """Draw pages until the stream has ``need`` values per woman (storage grows by
        doubling, so earlier values are copied rarely)."""
        size = PAGE[stream]
        drawn = self._drawn.get(stream, 0)
        target = -(-need // size) * size
        storage = self._columns.get(stream)
        if storage is None or len(storage) < target:
            bigger = np.empty((max(target, 2 * drawn), self._n_women))
            bigger[:drawn] = storage[:drawn] if storage is not None else 0.0
            storage = self._columns[stream] = bigger
        for page in range(drawn // size, target // size):
            self._draw_page(stream, page, storage[page * size:(page + 1) * size])
        self._drawn[stream] = target

    def _draw_page(self, stream: Stream, page: int, out: np.ndarray) -> None:
        """Values ``page * size ...`` of a stream, for every woman, into ``out``: drawn block by
        block, each block's page from a seed of its own."""
        start = 0
        for part in self._parts:
            rng = np.random.default_rng(np.random.SeedSequence(
                part.seed.entropy, spawn_key=(*part.seed.spawn_key, 1 + int(stream), page)))
            draw = rng.standard_exponential if stream in EXPONENTIAL else rng.random
            n = len(part.keep)
            for row in out:  # row by row, as one (size, n_women) draw would fill them
                if n == part.n_women:  # the whole block: draw in place
                    draw(out=row[start:start + n])
                else:
                    row[start:start + n] = draw(part.n_women)[part.keep]
            start += n
