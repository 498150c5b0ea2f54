"""Counting what happens into a replication's monthly tally (rows: :mod:`simulation.model.layout`).

Shared by both engines and the authority layer, so that an event is counted the same way
wherever it is simulated.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .layout import (
    ADOPTION,
    DIFFERENCE_ROW,
    M_AGED_OUT,
    M_CARE,
    M_RETURNED_HOME,
    N_TALLIED,
    POST_YEARS,
    Q_ADOPTIONS,
    Q_CHILD_MONTHS,
    Q_ENTRIES,
    Q_SGO,
    RETURN_HOME,
    SPECIAL_GUARDIANSHIP,
)


@njit(cache=True)
def count(tally, row, month):
    """One event of ``row`` at ``month`` (counted in the month it falls in)."""
    tally[row, min(int(month), tally.shape[1] - 1)] += 1.0


@njit(cache=True)
def spent(tally, row, start, end):
    """Time spent from ``start`` to ``end`` (months), into the months it falls in: the part
    months directly, the whole months through the row's difference row (see :func:`fold`), so
    that a spell costs the same however long it is."""
    if not end > start:
        return
    n = tally.shape[1]
    first, last = int(start), int(end)
    if first >= n:
        return
    if first == last:
        tally[row, first] += end - start
        return
    tally[row, first] += (first + 1.0) - start
    if last < n:
        tally[row, last] += end - last
    diff = DIFFERENCE_ROW[row]
    if first + 1 < n:
        tally[diff, first + 1] += 1.0
    if last < n:
        tally[diff, last] -= 1.0


@njit(cache=True)
def fold_and_bin(tally, starts, out):
    """One arm's tally ``(N_ROWS, months)`` as reported: the whole months of time spent added
    from the difference rows (in place), then every tallied row summed into the bins beginning
    at months ``starts`` into ``out`` ``(N_TALLIED, len(starts))``; the last bin runs to the
    end. Both engines finish a replication with this, so they report it the same way."""
    n = tally.shape[1]
    for row in range(N_TALLIED):
        diff = DIFFERENCE_ROW[row]
        if diff >= 0:
            running = 0.0
            for m in range(n):
                running += tally[diff, m]
                tally[row, m] += running
    for b in range(len(starts)):
        lo = starts[b]
        hi = starts[b + 1] if b + 1 < len(starts) else n
        for row in range(N_TALLIED):
            total = 0.0
            for m in range(lo, hi):
                total += tally[row, m]
            out[row, b] = total


def fold(tally: np.ndarray) -> np.ndarray:
    """Month by month, the tallied rows of one arm's ``tally`` ``(N_ROWS, months)`` with whole
    months of time spent added: ``(N_TALLIED, months)`` (``tally`` is left as it was)."""
    out = np.empty((N_TALLIED, tally.shape[1]))
    fold_and_bin(tally.copy(), np.arange(tally.shape[1], dtype=np.int64), out)
    return out


def bin_starts(edges, n_months: int) -> np.ndarray:
    """The first month of each bin of ``edges`` (months; None: every month), as the kernel
    takes them."""
    if edges is None:
        return np.arange(n_months, dtype=np.int64)
    return np.asarray(edges[:-1], dtype=np.int64)


@njit(cache=True)
def care_episode(tally, post, source, entry, route, months, horizon):
    """An infant enters care at ``entry`` (before ``horizon``) and leaves ``months`` later by
    ``route``: the entry, the child-months in care each month and the exit, all under
    ``source``; time in care and adoption or special guardianship exits after the horizon go to
    ``post`` (rows child-months, adoptions, SGOs; columns years after the horizon)."""
    base = M_CARE + 4 * source
    count(tally, base + Q_ENTRIES, entry)
    end = entry + months
    spent(tally, base + Q_CHILD_MONTHS, entry, min(end, horizon))
    if end < horizon:
        if route == ADOPTION:
            count(tally, base + Q_ADOPTIONS, end)
        elif route == SPECIAL_GUARDIANSHIP:
            count(tally, base + Q_SGO, end)
        elif route == RETURN_HOME:
            count(tally, M_RETURNED_HOME, end)
        else:
            count(tally, M_AGED_OUT, end)
        return
    for y in range(POST_YEARS):
        lo = horizon + 12.0 * y
        if end <= lo:
            break
        post[0, y] += min(end, lo + 12.0) - lo
    y = int((end - horizon) // 12.0)
    if y < POST_YEARS:
        if route == ADOPTION:
            post[1, y] += 1.0
        elif route == SPECIAL_GUARDIANSHIP:
            post[2, y] += 1.0
