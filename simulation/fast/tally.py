"""Monthly metrics of one arm, counted as events happen (no event log is kept).

The result is what :func:`simulation.metrics.arm_monthly` makes of a SimPy event log, for many
replications at once: shape ``(n_reps, len(METRICS), n_months)``; month ``m`` covers ``[m, m+1)``.
"""

from __future__ import annotations

import numpy as np

from ..engine import Event
from ..metrics import INDEX, METRICS, n_months


class Tally:
    """Events of one arm of many replications, binned by replication, metric and month."""

    def __init__(self, rep: np.ndarray, n_reps: int, horizon_months: float):
        self.rep = rep  # replication of each woman
        self.n_reps = n_reps
        self.horizon = horizon_months
        self.n_months = n_months(horizon_months)
        # Recorded in pieces: (women, bin) with bin = (rep * len(METRICS) + event) * n_months +
        # month, and care entries as (women, entry month, months in care).
        self._events: list[tuple] = []
        self._care: list[tuple] = []

    def add(self, event: Event, women: np.ndarray, month) -> None:
        """Record ``event`` for each of ``women`` at ``month`` (scalar or one per woman)."""
        if len(women):  # every month recorded is before the horizon, so int(month) < n_months
            T = self.n_months
            first = self.rep[women] * (len(METRICS) * T) + int(event) * T
            bins = first + (int(month) if np.ndim(month) == 0 else month.astype(np.int32))
            self._events.append((women, bins))

    def care_entries(self, women: np.ndarray, month: np.ndarray,
                     months_in_care: np.ndarray) -> None:
        """Infants of ``women`` entering care at ``month`` for ``months_in_care``."""
        self.add(Event.CARE_ENTRY, women, month)
        if len(women):
            self._care.append((women, month, months_in_care))

    def mark(self) -> tuple[int, int]:
        return len(self._events), len(self._care)

    def discard(self, since: tuple[int, int], drop: np.ndarray) -> None:
        """Forget what was recorded after ``since`` for women where ``drop`` (mask over women)."""
        for store, start in ((self._events, since[0]), (self._care, since[1])):
            for k in range(start, len(store)):
                keep = ~drop[store[k][0]]
                store[k] = tuple(x[keep] for x in store[k])

    def monthly(self) -> np.ndarray:
        """The metrics, shape ``(n_reps, len(METRICS), n_months)`` (float32, as the runner
        stores them: counts are exact)."""
        R, M, T = self.n_reps, len(METRICS), self.n_months
        bins = np.concatenate([b for _, b in self._events] or [np.zeros(0, np.int32)])
        out = np.bincount(bins, minlength=R * M * T).reshape(R, M, T).astype(np.float32)
        if self._care:
            women, start, stay = (np.concatenate(x) for x in zip(*self._care))
            rep = self.rep[women]
            end = np.minimum(start + stay, self.horizon)
            exits = start + stay < self.horizon
            bins = np.minimum(end[exits].astype(np.int64), T - 1)
            out[:, INDEX["care_exits"]] = np.bincount(
                rep[exits] * T + bins, minlength=R * T).reshape(R, T)
            out[:, INDEX["child_months_in_care"]] = _months_in_care(rep, start, end, R, T)
        out[:, INDEX["on_larc"]] = np.cumsum(
            out[:, INDEX["larc_started"]] - out[:, INDEX["larc_stopped"]], axis=1)
        out[:, INDEX["in_care"]] = np.cumsum(
            out[:, INDEX["care_entries"]] - out[:, INDEX["care_exits"]], axis=1)
        return out


def _months_in_care(rep: np.ndarray, start: np.ndarray, end: np.ndarray, n_reps: int,
                    n_months: int) -> np.ndarray:
    """Time in care in each month, summed by replication: stays ``[start, end)``, in months."""
    R, T = n_reps, n_months
    first = start.astype(np.int64)              # month of entry
    last = np.minimum(end.astype(np.int64), T - 1)  # month of exit (or the last month)
    same = first == last
    base = rep * T

    total = np.zeros(R * T)

    def add(where, month, amount):
        total[:] += np.bincount(base[where] + month, weights=amount, minlength=R * T)

    # within one month; otherwise the part of the entry month, the part of the exit month and
    # every whole month in between (a running sum of +1 at first+1 and -1 at last)
    add(same, first[same], end[same] - start[same])
    split = ~same
    add(split, first[split], first[split] + 1.0 - start[split])
    add(split, last[split], end[split] - last[split])
    steps = np.bincount(base[split] + first[split] + 1, minlength=R * T + 1)[:R * T] - \
        np.bincount(base[split] + last[split], minlength=R * T)
    total += np.cumsum(steps.reshape(R, T), axis=1).ravel()
    return total.reshape(R, T)
