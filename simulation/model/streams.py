"""Random numbers: one reproducible stream per replication, woman and event type.

Common random numbers (CRN) are what make the paired-arm design precise: the programme arm and the
no-programme arm of one replication read *the same* uniforms for the same woman and event type, so
their difference is due to the programme, not to luck. Each woman has one stream per event type
(:class:`Stream`), and each arm reads it through its own cursor: the k-th pregnancy threshold of a
woman is the same number in both arms however the programme changed her other events.

Seeding follows :class:`numpy.random.SeedSequence`: replication ``r`` of a run with seed ``s`` uses
``SeedSequence(s, spawn_key=(r,))`` - exactly what ``SeedSequence(s).spawn(n)[r]`` returns - so a
replication's numbers do not depend on how replications are split among workers.
"""

from __future__ import annotations

import math
from enum import IntEnum

import numpy as np

BLOCK = 16  # uniforms drawn up front per woman and stream; more are drawn on demand


class Stream(IntEnum):
    """Event types with a random stream of their own."""

    PREGNANCY = 0  # unit-exponential thresholds of the conception hazard
    OUTCOME = 1    # live birth or loss, one per pregnancy
    CARE = 2       # care entry, its timing and duration: three per birth
    OUTREACH = 3   # enrolment decision and its timing: two per offer
    LARC = 4       # already on LARC, uptake, time to fitting, stop threshold: four per enrolment
    DROPOUT = 5    # dropout threshold, one per enrolment
    DEATH = 6      # death threshold


def replication_seed(seed: int, rep: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``rep`` (equal to ``SeedSequence(seed).spawn(rep+1)[rep]``)."""
    return np.random.SeedSequence(seed, spawn_key=(rep,))


class ReplicationStreams:
    """Every woman's uniform streams in one replication, shared by both arms."""

    def __init__(self, seed_seq: np.random.SeedSequence, n_women: int):
        self._seed_seq = seed_seq
        rng = np.random.default_rng(seed_seq)
        self._block = rng.random((n_women, len(Stream), BLOCK))
        self._rows: dict[int, list[list[float]]] = {}

    def values(self, woman: int, stream: int) -> list[float]:
        """The (growing) list of uniforms for one woman and stream."""
        rows = self._rows.get(woman)
        if rows is None:
            rows = self._rows[woman] = self._block[woman].tolist()
        return rows[stream]

    def extend(self, woman: int, stream: int) -> None:
        """Draw the next block of a woman's stream, deterministically."""
        values = self.values(woman, stream)
        block_no = len(values) // BLOCK
        child = np.random.SeedSequence(self._seed_seq.entropy,
                                       spawn_key=(*self._seed_seq.spawn_key, 1, woman, stream,
                                                  block_no))
        values.extend(np.random.default_rng(child).random(BLOCK).tolist())


class Cursor:
    """One arm's position in one woman's streams."""

    __slots__ = ("_streams", "_woman", "_used")

    def __init__(self, streams: ReplicationStreams, woman: int):
        self._streams = streams
        self._woman = woman
        self._used = [0] * len(Stream)

    def uniform(self, stream: Stream) -> float:
        """The next uniform on [0, 1) of the stream."""
        i = self._used[stream]
        values = self._streams.values(self._woman, stream)
        if i >= len(values):
            self._streams.extend(self._woman, stream)
        self._used[stream] = i + 1
        return values[i]

    def exponential(self, stream: Stream) -> float:
        """The next unit-exponential variate of the stream (inverse transform of a uniform)."""
        return -math.log1p(-self.uniform(stream))
