"""One arm's position in one woman's random streams (:mod:`simulation.model.rng`).

Each arm reads a stream in order through its own cursor, so draw k of a stream is the same
number in both arms (common random numbers) and in both engines.
"""

from __future__ import annotations

import math

from ..model.layout import N_STREAMS
from ..model.rng import block


class Cursor:
    __slots__ = ("seed", "rep", "woman", "_used", "_cache")

    def __init__(self, seed: int, rep: int, woman: int):
        self.seed, self.rep, self.woman = seed, rep, woman
        self._used = [0] * N_STREAMS
        self._cache: dict[tuple[int, int], tuple] = {}

    def uniform(self, stream: int) -> float:
        """The next uniform on [0, 1) of the stream."""
        k = self._used[stream]
        self._used[stream] = k + 1
        key = (stream, k // 4)
        values = self._cache.get(key)
        if values is None:
            values = self._cache[key] = block(self.seed, self.rep, self.woman, stream, k // 4)
        return values[k % 4]

    def exponential(self, stream: int) -> float:
        """The next unit exponential of the stream (inverse transform of its uniform)."""
        return -math.log1p(-self.uniform(stream))
