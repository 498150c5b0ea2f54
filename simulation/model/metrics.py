"""Monthly counts and stocks of one replication, from its event logs.

Each arm becomes an array ``(len(METRICS), n_months)``: month ``m`` covers ``[m, m+1)``. Counts are
events in the month; ``on_larc`` and ``in_care`` are stocks at the month's end;
``child_months_in_care`` is the time infants spent in care during the month (for costs).
"""

from __future__ import annotations

import math

import numpy as np

from simulation.engine import Event, EventLog
from simulation.engine.model import ReplicationLogs

EVENT_METRICS = ("eligible", "offered", "not_enrolled", "enrolled", "larc_started",
                 "larc_stopped", "dropped_out", "completed", "exited_pregnant", "pregnancies",
                 "live_births", "pregnancy_losses", "care_entries", "deaths")
METRICS = EVENT_METRICS + ("care_exits", "on_larc", "in_care", "child_months_in_care")
INDEX = {name: i for i, name in enumerate(METRICS)}
assert len(EVENT_METRICS) == len(Event)


def n_months(horizon_months: float) -> int:
    """Number of monthly bins covering the horizon."""
    return int(math.ceil(horizon_months))


def arm_monthly(log: EventLog, horizon_months: float) -> np.ndarray:
    """Monthly metrics of one arm, shape ``(len(METRICS), n_months)``."""
    T = n_months(horizon_months)
    _, month, event, value = log.arrays()
    out = np.zeros((len(METRICS), T))
    bins = np.minimum(month.astype(np.int64), T - 1)
    np.add.at(out, (event, bins), 1.0)

    entry = event == Event.CARE_ENTRY
    start = month[entry]
    end = np.minimum(start + value[entry], horizon_months)
    exits = start + value[entry] < horizon_months
    np.add.at(out[INDEX["care_exits"]], np.minimum(end[exits].astype(np.int64), T - 1), 1.0)
    lo, hi = np.arange(T), np.minimum(np.arange(1, T + 1), horizon_months)
    overlap = np.clip(end[:, None], lo, hi) - np.clip(start[:, None], lo, hi)
    out[INDEX["child_months_in_care"]] = overlap.sum(axis=0)

    out[INDEX["on_larc"]] = np.cumsum(out[INDEX["larc_started"]] - out[INDEX["larc_stopped"]])
    out[INDEX["in_care"]] = np.cumsum(out[INDEX["care_entries"]] - out[INDEX["care_exits"]])
    return out


def replication_monthly(logs: ReplicationLogs, horizon_months: float) -> np.ndarray:
    """Both arms of a replication, shape ``(2, len(METRICS), n_months)`` (programme first)."""
    return np.stack([arm_monthly(logs.programme, horizon_months),
                     arm_monthly(logs.counterfactual, horizon_months)])


def events_frame(logs: ReplicationLogs, rep: int):
    """The replication's events as a tidy DataFrame (rep, arm, woman, month, event, value)."""
    import pandas as pd

    frames = []
    for arm in ("programme", "counterfactual"):
        woman, month, event, value = getattr(logs, arm).arrays()
        frames.append(pd.DataFrame({
            "rep": rep, "arm": arm, "woman": woman, "month": month,
            "event": pd.Categorical.from_codes(event, [e.name.lower() for e in Event]),
            "value": value}))
    return pd.concat(frames, ignore_index=True)
