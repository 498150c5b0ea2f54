"""Replications with the fast engine: both arms of many replications, compiled by Numba."""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections import namedtuple
from typing import Sequence

import numpy as np

from simulation.engine.model import Rates
from simulation.model.metrics import INDEX, METRICS, n_months
from simulation.core.scenario import Scenario
from simulation.model.streams import Stream
from simulation.fast import kernel
from simulation.fast.draws import Pools, Women, draw_women

#: Pool values per woman added each time a replication has to be run again for want of them.
POOL_EXTENSION = 32

#: The scenario's rates as Numba takes them (a named tuple of int, bool and float fields).
KernelRates = namedtuple("KernelRates", [f.name for f in dataclasses.fields(Rates)])
_TYPES = {"int": int, "bool": bool, "float": float}


def kernel_rates(rates: Rates) -> tuple:
    return KernelRates(*(_TYPES[f.type](getattr(rates, f.name))
                         for f in dataclasses.fields(Rates)))


def cycle_starts(r: Rates) -> np.ndarray:
    """Months at which outreach cycles begin, before the horizon (as the practice process)."""
    starts, now = [], float(r.lead_in_months)
    while now < r.horizon_months:
        starts.append(now)
        if not r.successive_cycles:
            break
        now += r.outreach_months + r.programme_months
    return np.asarray(starts, dtype=float)


def stream_offsets(r: Rates) -> tuple[int, ...]:
    """Where each stream's values start in a woman's row of the stream cache (and the row's
    length, last): room for as many values as she can possibly use before the horizon."""
    shortest = min(r.loss_months, r.gestation_months) + r.postpartum_months  # > 0 (bounds)
    conceptions = int(r.horizon_months // shortest) + 2
    depth = {Stream.PREGNANCY: conceptions + 1, Stream.OUTCOME: conceptions,
             Stream.CARE: 3 * conceptions, Stream.OUTREACH: 2 * len(cycle_starts(r)),
             Stream.LARC: 4, Stream.DROPOUT: 1, Stream.DEATH: 1}
    return tuple(int(x) for x in np.concatenate([[0], np.cumsum([depth[s] for s in Stream])]))


def simulate_women(rates: Rates, women: Women, pools: Pools | None,
                   preset: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Both arms of the replications of ``women``: shape ``(n_reps, 2, len(METRICS), n_months)``
    (programme arm first, float32 as the runner stores them), with random numbers from
    ``pools``. ``preset`` (values, counts) fixes the first values of every woman's streams (those
    of ``kernel.EXPONENTIAL`` streams as unit exponentials), laid out as :func:`stream_offsets`
    says, to replay another engine's numbers; with ``pools`` None they must be all she needs."""
    R = women.n_reps
    out = np.zeros((R, 2, len(METRICS), n_months(rates.horizon_months)), dtype=np.float32)
    first = np.searchsorted(women.rep, np.arange(R + 1)).astype(np.int64)
    offsets = stream_offsets(rates)
    values, counts = preset if preset is not None else \
        (np.zeros((0, offsets[-1])), np.zeros((0, len(Stream)), dtype=np.int64))
    args = (kernel_rates(rates), cycle_starts(rates), first, women.arrival_month,
            rates.pregnancy * women.fertility_multiplier)
    todo, extension = np.arange(R, dtype=np.int64), 0
    while len(todo):
        flags = np.zeros(len(todo), dtype=np.int64)
        pool, pool_first = pools.draw(todo, extension) if pools is not None else \
            (np.zeros(0), np.zeros(len(todo) + 1, dtype=np.int64))
        kernel.simulate_chunk(*args, todo, pool, pool_first, offsets, values, counts, out,
                              flags)
        if np.any(flags & kernel.STREAM_TOO_LONG):
            raise RuntimeError("a random stream outgrew its room (stream_offsets): a bug")
        todo = todo[(flags & kernel.POOL_EMPTY) != 0]
        if len(todo) and pools is None:
            raise ValueError("the preset random numbers ran out")
        extension += POOL_EXTENSION
    for stock, up, down in (("on_larc", "larc_started", "larc_stopped"),
                            ("in_care", "care_entries", "care_exits")):
        out[:, :, INDEX[stock]] = np.cumsum(out[:, :, INDEX[up]] - out[:, :, INDEX[down]],
                                            axis=-1)
    return out


def simulate_reps(scenario: Scenario, seed: int, reps: Sequence[int],
                  rates: Rates | None = None) -> np.ndarray:
    """Replications ``reps`` of a run with ``seed``: monthly metrics ``(len(reps), 2, M, T)``."""
    rates = rates or Rates.from_scenario(scenario)
    reps = np.asarray(reps, dtype=np.int64)
    order = np.argsort(reps, kind="stable")
    women, pools = draw_women(scenario, seed, reps[order])
    out = simulate_women(rates, women, pools)
    return out if np.all(order == np.arange(len(reps))) else out[np.argsort(order)]


def compile_kernel(notice_after_s: float = 1.0) -> None:
    """Compile the kernel now, or load it from Numba's cache (done by the runner before it
    starts worker processes, which then inherit it). Says so on stderr when this takes longer
    than ``notice_after_s`` seconds - the first use after installing, when it is compiled."""
    if kernel.simulate_chunk.signatures:
        return
    notice = threading.Timer(notice_after_s, lambda: print(
        "pausesim: compiling the fast engine (once after installing; about a minute)...",
        file=sys.stderr, flush=True))
    notice.start()
    try:
        from simulation.core.scenario import load

        simulate_reps(load("national"), 0, [0])
    finally:
        notice.cancel()

