"""What happens to a woman, recorded as (woman, month, event, value) rows (``--events``)."""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Event(IntEnum):
    """Event types. ``value``: months in care for CARE_ENTRY (its source and route are in the
    tally), the attribution source for CONCEPTION, else 0."""

    ELIGIBLE = 0
    OFFERED = 1
    DECLINED = 2
    TURNED_AWAY = 3
    PREGNANT_AT_DECISION = 4
    ENROLLED = 5
    LARC_STARTED = 6
    LARC_STOPPED = 7
    DROPPED_OUT = 8
    COMPLETED = 9
    EXITED_PREGNANT = 10
    CONCEPTION = 11
    LIVE_BIRTH = 12
    PREGNANCY_LOSS = 13
    CARE_ENTRY = 14
    DEATH = 15


class EventLog:
    """Append-only event record of one arm of one replication (a no-op when not kept)."""

    __slots__ = ("keep", "woman", "month", "event", "value")

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        self.woman: list[int] = []
        self.month: list[float] = []
        self.event: list[int] = []
        self.value: list[float] = []

    def record(self, woman: int, month: float, event: Event, value: float = 0.0) -> None:
        if self.keep:
            self.woman.append(woman)
            self.month.append(month)
            self.event.append(int(event))
            self.value.append(value)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(woman, month, event, value) as numpy arrays."""
        return (np.asarray(self.woman, dtype=np.int64), np.asarray(self.month, dtype=float),
                np.asarray(self.event, dtype=np.int64), np.asarray(self.value, dtype=float))

    def __len__(self) -> int:
        return len(self.event)
