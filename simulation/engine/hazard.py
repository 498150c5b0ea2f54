"""Waiting for an event whose hazard changes over time.

A :class:`HazardClock` fires when the hazard integrated over time reaches a unit-exponential
threshold drawn once from the woman's own stream. Because the threshold, not the waiting time, is
the random draw, two arms in which a woman has different hazard histories still share their
randomness (common random numbers): where their hazards agree, so do their event times.
"""

from __future__ import annotations

import math
from typing import Callable, Generator

import simpy


class HazardClock:
    """Time to an event under a piecewise-constant hazard (per month).

    Run it with ``fired = yield from clock.wait()`` inside a SimPy process; call
    :meth:`rate_changed` whenever ``rate()`` may have changed. ``wait`` returns True when the
    event happens and False when ``deadline`` (month) comes first.
    """

    __slots__ = ("env", "rate", "remaining", "deadline", "_process", "_rate")

    def __init__(self, env: simpy.Environment, threshold: float, rate: Callable[[], float],
                 deadline: float = math.inf):
        self.env = env
        self.rate = rate
        self.remaining = threshold
        self.deadline = deadline
        self._process: simpy.Process | None = None
        self._rate = math.nan  # the hazard the clock is running at

    def wait(self) -> Generator[simpy.Event, None, bool]:
        env = self.env
        self._process = env.active_process
        try:
            while True:
                rate = self._rate = self.rate()
                start = env.now
                fire_at = start + self.remaining / rate if rate > 0 else math.inf
                wake = min(fire_at, self.deadline)
                try:
                    yield env.timeout(wake - start) if wake < math.inf else env.event()
                except simpy.Interrupt:
                    self.remaining = max(self.remaining - rate * (env.now - start), 0.0)
                    continue
                if fire_at <= self.deadline:
                    return True
                self.remaining -= rate * (env.now - start)
                return False
        finally:
            self._process = None

    def rate_changed(self) -> None:
        """Tell a waiting clock that its hazard may have changed (it restarts only if it did)."""
        if self._process is not None and self._process is not self.env.active_process \
                and self.rate() != self._rate:
            self._process.interrupt()
