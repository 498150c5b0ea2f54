"""One replication: the same women simulated with and without the programme.

:func:`simulate_replication` takes the replication's women (:mod:`simulation.model.population`),
runs the programme arm and then the no-programme arm as two independent SimPy environments over
the same women and the same random numbers (:mod:`simulation.model.rng`), and adds the authority
layer (:mod:`simulation.model.authority`).
"""

from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import simpy

from ..core.scenario import Scenario
from ..model import authority, population
from ..model.layout import A_WOMAN, N_ROWS, N_TALLIED, POST_METRICS, POST_YEARS, n_months
from ..model.rates import Rates
from ..model.tally import bin_starts, fold_and_bin
from .cursor import Cursor
from .events import EventLog
from .practice import practice
from .woman import Arm, Timeline, Woman

ARMS = ("programme", "counterfactual")


@dataclass
class ReplicationLogs:
    """One replication's tallies (both arms) and, if kept, event logs."""

    tally: np.ndarray  # (2, N_TALLIED, bins)
    post: np.ndarray   # (2, 3, POST_YEARS)
    programme: EventLog
    counterfactual: EventLog


def simulate_arm(rates: Rates, seed: int, rep: int, women: population.Women, lo: int, hi: int,
                 programme: bool, timelines: list[Timeline], tally: np.ndarray,
                 post: np.ndarray, log: EventLog) -> None:
    """Simulate one arm (women ``lo:hi`` of ``women``, in priority order) to the horizon."""
    env = simpy.Environment()
    arm = Arm(env, rates, programme, tally, post, log)
    people = []
    for k, i in enumerate(range(lo, hi)):
        attributes = women.table[i]
        woman = Woman(arm, attributes, Cursor(seed, rep, int(attributes[A_WOMAN])), timelines[k])
        people.append(woman)
        env.process(woman.live())
    if programme:
        env.process(practice(env, people, rates))
    with _collection_paused():
        env.run(until=rates.horizon_months)
    if programme:  # enrolled months of women still enrolled at the horizon
        from ..model.layout import ENROLLED, M_ENROLLED_MONTHS
        from ..model.tally import spent

        for woman in people:
            if woman.status == ENROLLED:
                spent(tally, M_ENROLLED_MONTHS, woman.enrol_month, rates.horizon_months)


@contextlib.contextmanager
def _collection_paused():
    """Pause Python's cyclic garbage collector while SimPy runs: its many short-lived events
    trigger collections that took half the engine's time (the garbage is collected after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def simulate_replication(rates: Rates, seed: int, rep: int, women: population.Women, j: int,
                         keep_events: bool = False, edges=None) -> ReplicationLogs:
    """Replication ``rep`` (the ``j``-th of ``women``): both arms and the authority layer,
    tallied by the bins ``edges`` (months; default every month)."""
    first = women.first
    lo, hi = int(first[j]), int(first[j + 1])
    T = n_months(rates.horizon_months)
    tally = np.zeros((2, N_ROWS, T))
    post = np.zeros((2, len(POST_METRICS), POST_YEARS))
    logs = (EventLog(keep_events), EventLog(keep_events))
    timelines = [Timeline() for _ in range(hi - lo)]
    for arm in (0, 1):
        simulate_arm(rates, seed, rep, women, lo, hi, arm == 0, timelines, tally[arm], post[arm],
                     logs[arm])
    authority.simulate(rates, np.uint64(seed), rep, tally[0], tally[1], post[0], post[1])
    starts = bin_starts(edges, T)
    binned = np.empty((2, N_TALLIED, len(starts)))
    for arm in (0, 1):
        fold_and_bin(tally[arm], starts, binned[arm])
    return ReplicationLogs(binned, post, *logs)


def simulate_reps(scenario: Scenario, seed: int, reps: Sequence[int], keep_events: bool = False,
                  rates: Rates | None = None, edges=None):
    """Replications ``reps``: tallies by the bins ``edges`` (months; default every month)
    ``(len(reps), 2, N_TALLIED, bins)``, after-horizon tallies ``(len(reps), 2, 3,
    POST_YEARS)`` and, if kept, one events DataFrame."""
    rates = rates or Rates.from_scenario(scenario)
    women = population.draw(scenario, seed, reps)
    T = n_months(rates.horizon_months)
    out = np.zeros((len(reps), 2, N_TALLIED, len(bin_starts(edges, T))))
    post = np.zeros((len(reps), 2, len(POST_METRICS), POST_YEARS))
    frames = []
    for j, rep in enumerate(reps):
        logs = simulate_replication(rates, seed, int(rep), women, j, keep_events, edges)
        out[j], post[j] = logs.tally, logs.post
        if keep_events:
            frames.append(events_frame(logs, int(rep)))
    events = None
    if keep_events:
        import pandas as pd

        events = pd.concat(frames, ignore_index=True)
    return out, post, events


def events_frame(logs: ReplicationLogs, rep: int):
    """The replication's events as a tidy DataFrame (rep, arm, woman, month, event, value)."""
    import pandas as pd

    from .events import Event

    frames = []
    for arm in ARMS:
        woman, month, event, value = getattr(logs, arm).arrays()
        frames.append(pd.DataFrame({
            "rep": rep, "arm": arm, "woman": woman, "month": month,
            "event": pd.Categorical.from_codes(event, [e.name.lower() for e in Event]),
            "value": value}))
    return pd.concat(frames, ignore_index=True)
