"""Replications with the fast engine: both arms of many replications, compiled by Numba."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from ..core.scenario import Scenario
from ..model import population
from ..model.layout import (
    DRAWS_AT_ENROLMENT,
    DRAWS_PER_BIRTH,
    DRAWS_PER_OFFER,
    N_STREAMS,
    N_TALLIED,
    POST_METRICS,
    POST_YEARS,
    S_CARE,
    S_DEATH,
    S_DROPOUT,
    S_LARC,
    S_OUTCOME,
    S_OUTREACH,
    S_PREGNANCY,
    n_months,
)
from ..model.rates import Rates, cycle_starts
from ..model.tally import bin_starts
from . import kernel


def stream_offsets(r: Rates) -> tuple[int, ...]:
    """Where each stream's values start in a woman's row (and the row's length, last): room for
    as many values as she can possibly use before the horizon."""
    shortest = min(r.loss_months, r.gestation_months) + r.postpartum_months  # > 0 (bounds)
    conceptions = int(r.horizon_months // shortest) + 2
    depth = {S_DEATH: 1, S_PREGNANCY: conceptions + 1, S_OUTCOME: conceptions,
             S_CARE: DRAWS_PER_BIRTH * conceptions,
             S_OUTREACH: DRAWS_PER_OFFER * len(cycle_starts(r)),
             S_LARC: DRAWS_AT_ENROLMENT, S_DROPOUT: 1}
    assert len(depth) == N_STREAMS
    return tuple(int(x) for x in np.concatenate([[0], np.cumsum([depth[s] for s in
                                                                  range(N_STREAMS)])]))


def simulate(rates: Rates, seed: int, reps: Sequence[int], women: population.Women,
             edges: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Both arms of replications ``reps`` of ``women``: the tally summed into the bins ``edges``
    (months; default every month) ``(len(reps), 2, N_TALLIED, bins)`` and the after-horizon
    tally ``(len(reps), 2, 3, POST_YEARS)`` (float64)."""
    R = len(reps)
    T = n_months(rates.horizon_months)
    starts = bin_starts(edges, T)
    out = np.empty((R, 2, N_TALLIED, len(starts)))
    post = np.zeros((R, 2, len(POST_METRICS), POST_YEARS))
    flags = np.zeros(R, dtype=np.int64)
    kernel.simulate_chunk(rates, np.uint64(seed), np.asarray(reps, dtype=np.int64),
                          cycle_starts(rates), women.first, women.table,
                          stream_offsets(rates), T, starts, out, post, flags)
    if np.any(flags & kernel.STREAM_TOO_LONG):
        raise RuntimeError("a random stream outgrew its room (stream_offsets): a bug")
    return out, post


def simulate_reps(scenario: Scenario, seed: int, reps: Sequence[int],
                  rates: Rates | None = None, edges: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Replications ``reps`` of a run with ``seed`` (tally, by ``edges``, and after-horizon
    tally)."""
    rates = rates or Rates.from_scenario(scenario)
    return simulate(rates, seed, reps, population.draw(scenario, seed, reps), edges)


def compile_kernel(notice_after_s: float = 3.0) -> None:
    """Compile the kernel now, or load it from Numba's cache (done by the runner before it
    starts worker processes, which then inherit it). Says so on stderr when this takes longer
    than ``notice_after_s`` seconds - the first use after installing, when it is compiled. Then
    a helper process compiles, into the same cache, the kernel's parts that do not wait on the
    rest (:func:`_compile_parts`), while this one compiles the rest: two cores at work."""
    if kernel.simulate_chunk.signatures:
        return
    notice = threading.Timer(notice_after_s, lambda: print(
        "pausesim: compiling the fast engine (once after installing; about a minute)...",
        file=sys.stderr, flush=True))
    notice.start()
    helper = None if _cached() else _start_helper()
    try:
        from ..core.scenario import load

        simulate_reps(load("national").with_calibration(None), 0, [0])
    finally:
        notice.cancel()
        if helper is not None:  # (normally done long before: its parts were loaded from it)
            helper.kill()
            helper.wait()


def _cached() -> bool:
    """Whether Numba's cache holds a compiled kernel (of these sources) to load."""
    try:
        return Path(kernel.simulate_chunk._cache._cache_file._index_path).exists()
    except AttributeError:  # another Numba's internals: assume cached (no helper)
        return True


def _start_helper():
    """A process compiling :func:`_compile_parts` (None if it cannot be started)."""
    import os
    import subprocess

    # this very package first on the helper's path (a source tree run from elsewhere)
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    try:
        return subprocess.Popen([sys.executable, "-c", "from simulation.fast.engine import "
                                 "_compile_parts; _compile_parts()"],
                                env={**os.environ, "PYTHONPATH": path},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    except OSError:
        return None


def _compile_parts() -> None:
    """Compile into Numba's cache functions of the kernel that the main process reaches late
    and that do not call the event loop (:func:`kernel._advance`, compiled first by the main
    process), with the argument types the kernel calls them with: the kernel then loads them
    from the cache instead of compiling them."""
    from numba import typeof, types

    from ..core.scenario import load
    from ..model import authority
    from ..model.layout import N_ROWS
    from ..model.tally import fold_and_bin

    rates = Rates.from_scenario(load("national").with_calibration(None))
    offsets = stream_offsets(rates)
    r, W, offsets_type = typeof(rates), typeof(np.zeros((2, kernel.CACHE + offsets[-1]))), \
        typeof(offsets)
    table = typeof(np.zeros((N_ROWS, 2)))  # a month-by-month tally, or an arm's bins
    starts = typeof(bin_starts(None, 2))
    for function, signature in (
            # first: the one part of the event loop's call tree (a birth) it reaches late
            (kernel._birth, (r, types.boolean, W, offsets_type, table, table, types.int64,
                             types.float64, types.int64)),
            (kernel._enrol, (r, W, offsets_type, table, types.int64, types.float64,
                             types.float64)),
            (authority.simulate, (r, types.uint64, types.int64, table, table, table, table)),
            (fold_and_bin, (table, starts, table))):
        function.compile(signature)
