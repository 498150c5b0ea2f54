"""The fast engine's compiled core: both arms of each replication, woman by woman (Numba).

This is the model of :mod:`simulation.engine.woman` and :mod:`simulation.engine.practice` in plain
loops compiled by Numba. A woman's state is a row of two arrays: ``F`` holds her real-valued state,
including ``F[w, NEXT + kind]``, the time of her next event of each kind (``inf`` when none is
due), and ``I`` her counters and flags. (Few arrays, and no tuples of them, because Numba counts
references to every array it passes around, and that counting once took half the time.) :func:`_advance` applies her events in time order up to a limit. Women
interact only through the practice's places, so a replication is simulated by advancing each woman
to the moments at which the practice looks at her: the start of each outreach cycle (who is
offered a place) and, in the order of the decisions, each offered woman's decision (is she willing
and able, and is a place free - after advancing the women already enrolled in the cycle, since
places come back when they leave).

Hazards are integrated as :class:`simulation.engine.hazard.HazardClock` does: a clock keeps the
unit-exponential threshold still to be used up, its hazard and when that hazard began; whenever the
hazard changes, the used part is subtracted and the clock restarted, at the same moments as in the
SimPy engine. Given the same women and random numbers, the two engines produce the same events
(``tests/test_fast_engine.py`` checks this).

One shortcut: a pregnancy is settled when it begins. Nothing that happens to a pregnant woman
changes its outcome or her infant's chance of entering care (she has already left the programme),
so conception records the birth or loss and any care entry at their future months, and sets her
next conception clock to start when she can conceive again.

Random numbers (common random numbers, as :mod:`simulation.streams`): value ``k`` of stream ``s``
of a woman is the same number in both arms. The first time either arm needs it, it is taken from
the replication's pool of uniforms (consumed in order) and kept in ``U[w, meta[OFFSETS + s] + k]``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..engine.events import Event
from ..metrics import INDEX
from ..streams import Stream

INF = math.inf
# Kinds of next event (columns NEXT + kind of F); on equal times the lower kind comes first, so a death
# pre-empts anything due at the same moment (as the SimPy engine's death process does).
DEATH, CONCEPTION, FIT, LARC_STOP, LEAVE, PERSIST = range(6)
N_KINDS = 6
# Programme status (simulation.engine.woman.Status).
ELIGIBLE, NOT_ENROLLED, ENROLLED, COMPLETED, DROPPED_OUT = range(5)
# Columns of F (months, or per month for rates).
(ARRIVAL, FERTILITY, DIES, PREGNANT_UNTIL, CLOCK_START, CLOCK_REM, CLOCK_RATE, LARC_START,
 LARC_REM, LARC_RATE, LARC_THRESHOLD, EXIT_MONTH, LEFT_MONTH, DROPOUT_MONTH,
 PROGRAMME_END, NEXT) = range(16)
N_FLOATS = NEXT + N_KINDS
# Columns of I; then how many values of each stream she has drawn (DRAWN + stream).
STATUS, ON_LARC, N_CLOCKS, N_CONCEPTIONS, N_BIRTHS, N_OFFERS, DRAWN = range(7)
# Streams and tallied rows (a metric's row is its event's number).
S_PREGNANCY, S_OUTCOME, S_CARE, S_OUTREACH, S_LARC, S_DROPOUT, S_DEATH = (
    int(s) for s in (Stream.PREGNANCY, Stream.OUTCOME, Stream.CARE, Stream.OUTREACH, Stream.LARC,
                     Stream.DROPOUT, Stream.DEATH))
N_STREAMS = len(Stream)
N_INTS = DRAWN + N_STREAMS
(E_ELIGIBLE, E_OFFERED, E_NOT_ENROLLED, E_ENROLLED, E_LARC_STARTED, E_LARC_STOPPED, E_DROPPED_OUT,
 E_COMPLETED, E_EXITED_PREGNANT, E_CONCEPTION, E_LIVE_BIRTH, E_PREGNANCY_LOSS, E_CARE_ENTRY,
 E_DEATH) = (int(e) for e in Event)
CARE_EXITS, CHILD_MONTHS = INDEX["care_exits"], INDEX["child_months_in_care"]
# The replication's counters (meta): next pool value, flags, where each stream starts in U.
POOL_NEXT, FLAGS, OFFSETS = 0, 1, 2
# Flags of a replication that could not be finished (see simulate_chunk): its pool ran out, or
# a stream was read out of order or beyond its room (a bug).
POOL_EMPTY, STREAM_TOO_LONG = 1, 2


# ------------------------------------------------------------------------ random numbers
@njit(cache=True, inline="always")
def _uniform(I, U, pool, meta, w, s, k):
    """Value ``k`` of stream ``s`` of woman ``w``: a uniform on [0, 1). An arm reads a stream in
    order, so value ``k`` is either in the cache or the next one to draw."""
    at = meta[OFFSETS + s] + k
    drawn = I[w, DRAWN + s]
    if k < drawn:
        return U[w, at]
    if k > drawn or at >= meta[OFFSETS + s + 1]:
        meta[FLAGS] |= STREAM_TOO_LONG
        return 0.5
    j = meta[POOL_NEXT]
    meta[POOL_NEXT] = j + 1
    I[w, DRAWN + s] = drawn + 1
    if j >= len(pool):
        meta[FLAGS] |= POOL_EMPTY
        return 0.5
    U[w, at] = pool[j]
    return pool[j]


@njit(cache=True, inline="always")
def _exponential(I, U, pool, meta, w, s, k):
    """Value ``k`` of stream ``s`` as a unit exponential (as ``streams.Cursor.exponential``)."""
    return -math.log1p(-_uniform(I, U, pool, meta, w, s, k))


@njit(cache=True, inline="always")
def _fire(start, rem, rate):
    """When a hazard clock fires: start + rem / rate, or never if the hazard is 0."""
    return start + rem / rate if rate > 0 else INF


# -------------------------------------------------------------------------- tally
@njit(cache=True, inline="always")
def _record(tally, event, month):
    tally[event, int(month)] += 1.0


@njit(cache=True)
def _care_entry(tally, month, months_in_care, horizon):
    """An infant enters care at ``month`` for ``months_in_care``: the entry, its exit and the
    time in care of each month, as :func:`simulation.metrics.arm_monthly` counts them."""
    n_months = tally.shape[1]
    _record(tally, E_CARE_ENTRY, month)
    end = min(month + months_in_care, horizon)
    if month + months_in_care < horizon:
        tally[CARE_EXITS, min(int(end), n_months - 1)] += 1.0
    for m in range(int(month), min(int(end), n_months - 1) + 1):
        lo, hi = float(m), min(m + 1.0, horizon)
        tally[CHILD_MONTHS, m] += min(max(end, lo), hi) - min(max(month, lo), hi)


# ------------------------------------------------------------------------ hazards
@njit(cache=True, inline="always")
def _pregnancy_rate(r, programme, F, I, w):
    """Conception hazard (per month), as ``Woman.pregnancy_rate``."""
    f = F[w, FERTILITY]
    if not programme:
        return f
    if I[w, ON_LARC]:
        return r.larc_failure
    status = I[w, STATUS]
    if status == ENROLLED:
        return f * r.no_larc_ratio
    if F[w, NEXT + PERSIST] < INF:
        return f * r.post_pregnancy_ratio
    if status == NOT_ENROLLED:
        return f * r.declined_pregnancy_ratio
    return f


@njit(cache=True, inline="always")
def _fertility_changed(r, programme, F, I, w, now):
    """Restart her conception clock if its hazard changed. A clock that starts later (pregnant
    or postpartum) only takes the new hazard."""
    rate = _pregnancy_rate(r, programme, F, I, w)
    if rate == F[w, CLOCK_RATE]:
        return
    start = F[w, CLOCK_START]
    used = F[w, CLOCK_RATE] * max(now - start, 0.0)
    F[w, CLOCK_REM] = max(F[w, CLOCK_REM] - used, 0.0)
    F[w, CLOCK_START] = max(start, now)
    F[w, CLOCK_RATE] = rate
    F[w, NEXT + CONCEPTION] = _fire(F[w, CLOCK_START], F[w, CLOCK_REM], rate)


@njit(cache=True, inline="always")
def _larc_changed(r, F, I, w, now):
    """Restart her LARC-stopping clock, if she is on LARC and its hazard changed."""
    if not I[w, ON_LARC]:
        return
    rate = r.larc_stop_on_programme if I[w, STATUS] == ENROLLED else r.larc_stop_after
    if rate == F[w, LARC_RATE]:
        return
    used = F[w, LARC_RATE] * (now - F[w, LARC_START])
    F[w, LARC_REM] = max(F[w, LARC_REM] - used, 0.0)
    F[w, LARC_START] = now
    F[w, LARC_RATE] = rate
    F[w, NEXT + LARC_STOP] = _fire(now, F[w, LARC_REM], rate)


@njit(cache=True, inline="always")
def _hazard_changed(r, programme, F, I, w, now):
    _fertility_changed(r, programme, F, I, w, now)
    _larc_changed(r, F, I, w, now)


@njit(cache=True, inline="always")
def _removal_probability(r, programme, F, I, w, now):
    """Probability that her infant born at ``now`` enters care, as
    ``Woman.removal_probability``."""
    status = I[w, STATUS]
    if not programme or (status != COMPLETED and status != DROPPED_OUT):
        return r.removal_probability
    ratio = r.removal_ratio_completed if status == COMPLETED else r.removal_ratio_dropout
    decay = 0.5 ** ((now - F[w, EXIT_MONTH]) / r.removal_half_life)
    return min(1.0, r.removal_probability * (1.0 + (ratio - 1.0) * decay))


# ------------------------------------------------------------------------- events
@njit(cache=True, inline="always")
def _set_left(F, I, w, now, status):
    I[w, STATUS] = status
    F[w, EXIT_MONTH] = now
    F[w, LEFT_MONTH] = now
    F[w, NEXT + LEAVE] = INF


@njit(cache=True, inline="always")
def _leave(r, F, I, tally, w, now, status, event):
    """She leaves the programme (completes, drops out, or exits pregnant)."""
    _set_left(F, I, w, now, status)
    _record(tally, event, now)
    if status == COMPLETED and r.post_pregnancy_months > 0 and r.post_pregnancy_ratio != 1.0:
        F[w, NEXT + PERSIST] = now + r.post_pregnancy_months
    _hazard_changed(r, True, F, I, w, now)


@njit(cache=True, inline="always")
def _die(programme, F, I, tally, w, now):
    _record(tally, E_DEATH, now)
    for k in range(N_KINDS):
        F[w, NEXT + k] = INF
    if not programme:
        return
    if I[w, ON_LARC]:
        _record(tally, E_LARC_STOPPED, now)
        I[w, ON_LARC] = 0
    if I[w, STATUS] == ENROLLED:  # she leaves without a recorded event
        _set_left(F, I, w, now, DROPPED_OUT)


@njit(cache=True, inline="always")
def _birth(r, programme, F, I, U, pool, meta, tally, w, now):
    _record(tally, E_LIVE_BIRTH, now)
    k = 3 * I[w, N_BIRTHS]
    I[w, N_BIRTHS] += 1
    enters = _uniform(I, U, pool, meta, w, S_CARE, k) < \
        _removal_probability(r, programme, F, I, w, now)
    u_delay = _uniform(I, U, pool, meta, w, S_CARE, k + 1)
    u_stay = _uniform(I, U, pool, meta, w, S_CARE, k + 2)
    share = r.newborn_share
    if u_delay < share:
        delay = u_delay / share
    else:
        delay = 1.0 + 11.0 * (u_delay - share) / (1.0 - share)
    if enters and now + delay < r.horizon_months:
        _care_entry(tally, now + delay, -math.log1p(-u_stay) * r.mean_months_in_care,
                    r.horizon_months)


@njit(cache=True, inline="always")
def _conceive(r, programme, F, I, U, pool, meta, tally, w, now):
    """Conception; the pregnancy's outcome, and when she may conceive again."""
    _record(tally, E_CONCEPTION, now)
    if programme and I[w, STATUS] == ENROLLED:  # women who conceive are transitioned out
        _leave(r, F, I, tally, w, now, DROPPED_OUT, E_EXITED_PREGNANT)
    live = _uniform(I, U, pool, meta, w, S_OUTCOME, I[w, N_CONCEPTIONS]) < \
        r.live_birth_probability
    I[w, N_CONCEPTIONS] += 1
    end = now + (r.gestation_months if live else r.loss_months)
    survives = end < F[w, DIES]
    F[w, PREGNANT_UNTIL] = end if survives else INF  # else she dies pregnant
    if survives and end < r.horizon_months:
        if live:
            _birth(r, programme, F, I, U, pool, meta, tally, w, end)
        else:
            _record(tally, E_PREGNANCY_LOSS, end)
    # the next conception clock starts when the postpartum months are over
    start = end + r.postpartum_months
    F[w, CLOCK_START] = start
    F[w, CLOCK_REM] = INF  # no clock, unless she lives to start one
    if start < F[w, DIES]:
        F[w, CLOCK_REM] = _exponential(I, U, pool, meta, w, S_PREGNANCY, I[w, N_CLOCKS])
        I[w, N_CLOCKS] += 1
    F[w, CLOCK_RATE] = rate = _pregnancy_rate(r, programme, F, I, w)
    F[w, NEXT + CONCEPTION] = _fire(start, F[w, CLOCK_REM], rate)


@njit(cache=True, inline="always")
def _start_larc(r, F, I, tally, w, now):
    I[w, ON_LARC] = 1
    _record(tally, E_LARC_STARTED, now)
    _fertility_changed(r, True, F, I, w, now)
    F[w, LARC_START] = now
    F[w, LARC_REM] = F[w, LARC_THRESHOLD]
    F[w, LARC_RATE] = r.larc_stop_on_programme
    F[w, NEXT + LARC_STOP] = _fire(now, F[w, LARC_REM], F[w, LARC_RATE])


@njit(cache=True, inline="always")
def _due(F, w, limit):
    """Whether she has an event before ``limit``."""
    for k in range(N_KINDS):
        if F[w, NEXT + k] < limit:
            return True
    return False


@njit(cache=True)
def _advance(r, programme, F, I, U, pool, meta, tally, w, limit):
    """Apply her events before ``limit`` (a month), in time order."""
    while True:
        kind, now = 0, F[w, NEXT]
        for k in range(1, N_KINDS):
            if F[w, NEXT + k] < now:
                kind, now = k, F[w, NEXT + k]
        if not now < limit:
            return
        if kind == DEATH:
            _die(programme, F, I, tally, w, now)
        elif kind == CONCEPTION:
            _conceive(r, programme, F, I, U, pool, meta, tally, w, now)
        elif kind == FIT:
            F[w, NEXT + FIT] = INF
            if I[w, STATUS] == ENROLLED and F[w, PREGNANT_UNTIL] <= now:
                _start_larc(r, F, I, tally, w, now)
        elif kind == LARC_STOP:
            I[w, ON_LARC] = 0
            F[w, NEXT + LARC_STOP] = INF
            _record(tally, E_LARC_STOPPED, now)
            _fertility_changed(r, programme, F, I, w, now)
        elif kind == LEAVE:
            if F[w, DROPOUT_MONTH] < F[w, PROGRAMME_END]:
                _leave(r, F, I, tally, w, now, DROPPED_OUT, E_DROPPED_OUT)
            else:
                _leave(r, F, I, tally, w, now, COMPLETED, E_COMPLETED)
        else:  # PERSIST: the post-programme effect on pregnancy ends
            F[w, NEXT + PERSIST] = INF
            _hazard_changed(r, programme, F, I, w, now)


# ---------------------------------------------------------------------- programme
@njit(cache=True)
def _enrol(r, F, I, U, pool, meta, tally, w, now, programme_end):
    """She takes a place at ``now`` until ``programme_end``, as ``Woman._programme``."""
    I[w, STATUS] = ENROLLED
    _record(tally, E_ENROLLED, now)
    F[w, LEFT_MONTH] = INF
    _fertility_changed(r, True, F, I, w, now)
    already = _uniform(I, U, pool, meta, w, S_LARC, 0) < r.already_on_larc
    uptake = _uniform(I, U, pool, meta, w, S_LARC, 1) < r.larc_uptake
    fit_delay = _exponential(I, U, pool, meta, w, S_LARC, 2) * r.time_to_larc
    F[w, LARC_THRESHOLD] = _exponential(I, U, pool, meta, w, S_LARC, 3)
    if r.dropout > 0:
        F[w, DROPOUT_MONTH] = now + _exponential(I, U, pool, meta, w, S_DROPOUT, 0) / r.dropout
    F[w, PROGRAMME_END] = programme_end
    F[w, NEXT + LEAVE] = min(F[w, DROPOUT_MONTH], programme_end)
    if already:
        _start_larc(r, F, I, tally, w, now)
    elif uptake:
        F[w, NEXT + FIT] = now + fit_delay


@njit(cache=True, inline="always")
def _decline(r, F, I, tally, w, now):
    """She did not enrol at ``now``, as the end of ``Woman.outreach``."""
    _record(tally, E_NOT_ENROLLED, now)
    if I[w, STATUS] == ELIGIBLE:
        I[w, STATUS] = NOT_ENROLLED
        _fertility_changed(r, True, F, I, w, now)


@njit(cache=True)
def _cycle(r, F, I, U, pool, meta, tally, n, start, offered, decides, enrolled):
    """One outreach cycle beginning at ``start`` (every woman already advanced to it): offers by
    priority, then each offered woman's decision in time order (``offered``, ``decides`` and
    ``enrolled`` are work arrays)."""
    window_end = start + r.outreach_months
    programme_end = window_end + r.programme_months
    n_offered = 0
    for w in range(n):  # women are in order of priority
        if n_offered == r.max_offered:
            break
        status = I[w, STATUS]
        if F[w, ARRIVAL] <= start and F[w, DIES] > start and F[w, PREGNANT_UNTIL] <= start and (
                status == ELIGIBLE or (r.reoffer_declined and status == NOT_ENROLLED)):
            offered[n_offered] = w
            n_offered += 1
    willing = np.empty(n_offered, dtype=np.bool_)
    for j in range(n_offered):
        w = offered[j]
        _record(tally, E_OFFERED, start)
        k = 2 * I[w, N_OFFERS]
        I[w, N_OFFERS] += 1
        willing[j] = _uniform(I, U, pool, meta, w, S_OUTREACH, k) < r.enrol_probability
        decides[j] = start + (window_end - start) * _uniform(I, U, pool, meta, w, S_OUTREACH,
                                                             k + 1)
    n_enrolled = 0
    for j in np.argsort(decides[:n_offered], kind="mergesort"):
        w, now = offered[j], decides[j]
        if not now < r.horizon_months:
            break  # later decisions are never seen
        if _due(F, w, now):
            _advance(r, True, F, I, U, pool, meta, tally, w, now)
        if not F[w, DIES] > now:
            continue  # she died before deciding
        if willing[j] and not F[w, PREGNANT_UNTIL] > now:
            in_use = 0  # places taken in this cycle and not yet given back
            if n_enrolled >= r.capacity:  # (else a place is free whoever has left)
                for e in enrolled[:n_enrolled]:
                    if _due(F, e, now):
                        _advance(r, True, F, I, U, pool, meta, tally, e, now)
                    if F[e, LEFT_MONTH] > now:
                        in_use += 1
            if in_use < r.capacity:
                _enrol(r, F, I, U, pool, meta, tally, w, now, programme_end)
                enrolled[n_enrolled] = w
                n_enrolled += 1
                continue
        _decline(r, F, I, tally, w, now)


# ---------------------------------------------------------------------- replication
@njit(cache=True)
def _simulate_arm(r, programme, cycle_starts, lo, arrival, fertility, F, I, U, pool, meta,
                  tally, offered, decides, enrolled):
    """One arm of one replication (women ``lo:lo + len(F)`` of the chunk's ``arrival`` and
    ``fertility``) to the horizon; events are counted in ``tally``."""
    n = len(F)
    for w in range(n):
        for k in range(N_FLOATS):
            F[w, k] = 0.0
        for k in range(DRAWN):
            I[w, k] = 0
        for k in range(N_KINDS):
            F[w, NEXT + k] = INF
        a = arrival[lo + w]
        F[w, ARRIVAL] = a
        F[w, FERTILITY] = fertility[lo + w]
        # a zero mortality rate: she outlives every horizon
        F[w, DIES] = a + _exponential(I, U, pool, meta, w, S_DEATH, 0) / r.death \
            if r.death > 0 else INF
        F[w, NEXT + DEATH] = F[w, DIES]
        F[w, CLOCK_START] = a
        F[w, CLOCK_REM] = _exponential(I, U, pool, meta, w, S_PREGNANCY, 0)
        F[w, CLOCK_RATE] = F[w, FERTILITY]
        F[w, NEXT + CONCEPTION] = _fire(a, F[w, CLOCK_REM], F[w, FERTILITY])
        I[w, N_CLOCKS] = 1
        F[w, EXIT_MONTH] = math.nan
        F[w, LEFT_MONTH] = INF
        F[w, DROPOUT_MONTH] = INF
        F[w, PROGRAMME_END] = INF
        _record(tally, E_ELIGIBLE, a)
    if programme:
        for start in cycle_starts:
            for w in range(n):
                if _due(F, w, start):
                    _advance(r, True, F, I, U, pool, meta, tally, w, start)
            _cycle(r, F, I, U, pool, meta, tally, n, start, offered, decides, enrolled)
    for w in range(n):
        if _due(F, w, r.horizon_months):
            _advance(r, programme, F, I, U, pool, meta, tally, w, r.horizon_months)


@njit(cache=True)
def simulate_chunk(r, cycle_starts, first, arrival, fertility, todo, pool, pool_first, offsets,
                   preset, preset_drawn, out, flags):
    """Replications ``todo`` (indices) of a chunk: both arms into ``out[rep]`` (float32,
    ``(2, n_metrics, n_months)``; the stocks ``on_larc`` and ``in_care`` are left for the caller).

    Replication ``rep`` is women ``first[rep]:first[rep + 1]``, ordered by outreach priority,
    with ``arrival`` months and ``fertility`` (conception hazard off programme, per month). Its
    random numbers are ``pool[pool_first[j]:pool_first[j + 1]]`` for ``rep = todo[j]`` (uniforms,
    used in order), after the values given in ``preset``/``preset_drawn`` (rows by woman, laid
    out by ``offsets``; may have no rows). ``flags[j]`` is set when the pool ran out (the
    replication must be run again with a longer pool) or a stream outgrew ``offsets`` (a bug).
    """
    most = 0
    for j in range(len(todo)):
        most = max(most, first[todo[j] + 1] - first[todo[j]])
    F_all = np.empty((most, N_FLOATS))
    I_all = np.empty((most, N_INTS), dtype=np.int64)
    U_all = np.empty((most, offsets[-1]))
    offered = np.empty(most, dtype=np.int64)
    decides = np.empty(most)
    enrolled = np.empty(most, dtype=np.int64)
    meta = np.zeros(OFFSETS + len(offsets), dtype=np.int64)
    meta[OFFSETS:] = offsets
    tally = np.empty(out.shape[2:])
    for j in range(len(todo)):
        rep = todo[j]
        lo, hi = first[rep], first[rep + 1]
        F, I, U = F_all[:hi - lo], I_all[:hi - lo], U_all[:hi - lo]
        if len(preset):
            I[:, DRAWN:] = preset_drawn[lo:hi]
            U[:] = preset[lo:hi]
        else:
            I[:, DRAWN:] = 0
        meta[POOL_NEXT] = meta[FLAGS] = 0
        pool_j = pool[pool_first[j]:pool_first[j + 1]]
        for arm in range(2):
            tally[:] = 0.0
            _simulate_arm(r, arm == 0, cycle_starts, lo, arrival, fertility, F, I, U, pool_j,
                          meta, tally, offered, decides, enrolled)
            for m in range(tally.shape[0]):
                for t in range(tally.shape[1]):
                    out[rep, arm, m, t] = tally[m, t]
        flags[j] = meta[FLAGS]
