"""What happens to a woman, recorded as (woman, month, event, value) rows."""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Event(IntEnum):
    """Event types. ``value`` is the months in care for CARE_ENTRY, else 0."""

    ELIGIBLE = 0
    OFFERED = 1
    NOT_ENROLLED = 2
    ENROLLED = 3
    LARC_STARTED = 4
    LARC_STOPPED = 5
    DROPPED_OUT = 6
    COMPLETED = 7
    EXITED_PREGNANT = 8
    CONCEPTION = 9
    LIVE_BIRTH = 10
    PREGNANCY_LOSS = 11
    CARE_ENTRY = 12
    DEATH = 13


class EventLog:
    """Append-only event record of one arm of one replication."""

    __slots__ = ("woman", "month", "event", "value")

    def __init__(self) -> None:
        self.woman: list[int] = []
        self.month: list[float] = []
        self.event: list[int] = []
        self.value: list[float] = []

    def record(self, woman: int, month: float, event: Event, value: float = 0.0) -> None:
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
