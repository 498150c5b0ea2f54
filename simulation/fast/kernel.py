"""The fast engine's compiled core: both arms of each replication, woman by woman (Numba).

This is the model of :mod:`simulation.engine.woman` and :mod:`simulation.engine.practice` in plain
loops compiled by Numba. A woman's state is a row of one array, ``W``: her real-valued state, the
time of her next event of each kind (``W[w, NEXT + kind]``, ``inf`` when none is due), her status
and counters, and her random numbers. (One array rather than several, because Numba counts
references to every array passed from function to function, and that counting took a fifth of the
time.) :func:`_advance` applies her events in time order up to a limit. Women
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
the replication's pool of uniforms (consumed in order) and kept in ``W[w, CACHE + offsets[s] + k]``
(as a unit exponential for the EXPONENTIAL streams).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from simulation.engine.events import Event
from simulation.model.metrics import INDEX
from simulation.model.streams import Stream

INF = math.inf
# Kinds of next event (columns NEXT + kind of W); on equal times the lower kind comes first, so a
# death pre-empts anything due at the same moment (as the SimPy engine's death process does).
DEATH, CONCEPTION, FIT, LARC_STOP, LEAVE, PERSIST = range(6)
N_KINDS = 6
# Programme status (simulation.engine.woman.Status).
ELIGIBLE, NOT_ENROLLED, ENROLLED, COMPLETED, DROPPED_OUT = range(5)
# Columns of W: her real-valued state (months, or per month for rates), the time of her next
# event of each kind (NEXT + kind), her status, flags and counters, how many values of each
# stream she has drawn (DRAWN + stream), and those values (CACHE + offsets[stream] + k).
(ARRIVAL, FERTILITY, DIES, PREGNANT_UNTIL, CLOCK_START, CLOCK_REM, CLOCK_RATE, LARC_START,
 LARC_REM, LARC_RATE, LARC_THRESHOLD, EXIT_MONTH, LEFT_MONTH, DROPOUT_MONTH,
 PROGRAMME_END, NEXT) = range(16)
(STATUS, ON_LARC, N_CLOCKS, N_CONCEPTIONS, N_BIRTHS, N_OFFERS, DRAWN) = range(NEXT + N_KINDS,
                                                                        NEXT + N_KINDS + 7)
# Streams and tallied rows (a metric's row is its event's number).
S_PREGNANCY, S_OUTCOME, S_CARE, S_OUTREACH, S_LARC, S_DROPOUT, S_DEATH = (
    int(s) for s in (Stream.PREGNANCY, Stream.OUTCOME, Stream.CARE, Stream.OUTREACH, Stream.LARC,
                     Stream.DROPOUT, Stream.DEATH))
N_STREAMS = len(Stream)
CACHE = DRAWN + N_STREAMS
(E_ELIGIBLE, E_OFFERED, E_NOT_ENROLLED, E_ENROLLED, E_LARC_STARTED, E_LARC_STOPPED, E_DROPPED_OUT,
 E_COMPLETED, E_EXITED_PREGNANT, E_CONCEPTION, E_LIVE_BIRTH, E_PREGNANCY_LOSS, E_CARE_ENTRY,
 E_DEATH) = (int(e) for e in Event)
#: Streams read only as unit-exponential hazard thresholds: cached as such.
EXPONENTIAL = (S_PREGNANCY, S_DROPOUT, S_DEATH)
CARE_EXITS, CHILD_MONTHS = INDEX["care_exits"], INDEX["child_months_in_care"]
# The replication's counters, in the row of W after its women's: next pool value, flags.
POOL_NEXT, FLAGS = 0, 1
# Flags of a replication that could not be finished (see simulate_chunk): its pool ran out, or
# a stream was read out of order or beyond its room (a bug).
POOL_EMPTY, STREAM_TOO_LONG = 1, 2


# ------------------------------------------------------------------------ random numbers
@njit(cache=True, inline="always")
def _value(W, pool, offsets, w, s, k, exponential):
    """Value ``k`` of stream ``s`` of woman ``w``. An arm reads a stream in order, so it is
    either in her cache or the next one to draw: a uniform from the pool, kept as it is or, for
    a stream read as ``exponential`` thresholds, as ``-log1p(-u)`` (``streams.Cursor``)."""
    at = CACHE + offsets[s] + k
    drawn = int(W[w, DRAWN + s])
    if k < drawn:
        return W[w, at]
    counters = len(W) - 1
    if k > drawn or offsets[s] + k >= offsets[s + 1]:
        W[counters, FLAGS] = int(W[counters, FLAGS]) | STREAM_TOO_LONG
        return 0.5
    j = int(W[counters, POOL_NEXT])
    W[counters, POOL_NEXT] = j + 1
    W[w, DRAWN + s] = drawn + 1
    u = 0.5  # a stand-in, when the pool has run out (the replication will be run again)
    if j < len(pool):
        u = pool[j]
    else:
        W[counters, FLAGS] = int(W[counters, FLAGS]) | POOL_EMPTY
    W[w, at] = -math.log1p(-u) if exponential else u
    return W[w, at]


@njit(cache=True, inline="always")
def _uniform(W, pool, offsets, w, s, k):
    """Value ``k`` of stream ``s`` of woman ``w``: a uniform on [0, 1)."""
    return _value(W, pool, offsets, w, s, k, False)


@njit(cache=True, inline="always")
def _exponential(W, pool, offsets, w, s, k):
    """Value ``k`` of an EXPONENTIAL stream ``s`` of woman ``w``: a unit exponential."""
    return _value(W, pool, offsets, w, s, k, True)


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
def _pregnancy_rate(r, programme, W, w):
    """Conception hazard (per month), as ``Woman.pregnancy_rate``."""
    f = W[w, FERTILITY]
    if not programme:
        return f
    if W[w, ON_LARC]:
        return r.larc_failure
    status = W[w, STATUS]
    if status == ENROLLED:
        return f * r.no_larc_ratio
    if W[w, NEXT + PERSIST] < INF:
        return f * r.post_pregnancy_ratio
    if status == NOT_ENROLLED:
        return f * r.declined_pregnancy_ratio
    return f


@njit(cache=True, inline="always")
def _fertility_changed(r, programme, W, w, now):
    """Restart her conception clock if its hazard changed. A clock that starts later (pregnant
    or postpartum) only takes the new hazard."""
    rate = _pregnancy_rate(r, programme, W, w)
    if rate == W[w, CLOCK_RATE]:
        return
    start = W[w, CLOCK_START]
    used = W[w, CLOCK_RATE] * max(now - start, 0.0)
    W[w, CLOCK_REM] = max(W[w, CLOCK_REM] - used, 0.0)
    W[w, CLOCK_START] = max(start, now)
    W[w, CLOCK_RATE] = rate
    W[w, NEXT + CONCEPTION] = _fire(W[w, CLOCK_START], W[w, CLOCK_REM], rate)


@njit(cache=True, inline="always")
def _larc_changed(r, W, w, now):
    """Restart her LARC-stopping clock, if she is on LARC and its hazard changed."""
    if not W[w, ON_LARC]:
        return
    rate = r.larc_stop_on_programme if W[w, STATUS] == ENROLLED else r.larc_stop_after
    if rate == W[w, LARC_RATE]:
        return
    used = W[w, LARC_RATE] * (now - W[w, LARC_START])
    W[w, LARC_REM] = max(W[w, LARC_REM] - used, 0.0)
    W[w, LARC_START] = now
    W[w, LARC_RATE] = rate
    W[w, NEXT + LARC_STOP] = _fire(now, W[w, LARC_REM], rate)


@njit(cache=True, inline="always")
def _hazard_changed(r, programme, W, w, now):
    _fertility_changed(r, programme, W, w, now)
    _larc_changed(r, W, w, now)


@njit(cache=True, inline="always")
def _removal_probability(r, programme, W, w, now):
    """Probability that her infant born at ``now`` enters care, as
    ``Woman.removal_probability``."""
    status = W[w, STATUS]
    if not programme or (status != COMPLETED and status != DROPPED_OUT):
        return r.removal_probability
    ratio = r.removal_ratio_completed if status == COMPLETED else r.removal_ratio_dropout
    decay = 0.5 ** ((now - W[w, EXIT_MONTH]) / r.removal_half_life)
    return min(1.0, r.removal_probability * (1.0 + (ratio - 1.0) * decay))


# ------------------------------------------------------------------------- events
@njit(cache=True, inline="always")
def _set_left(W, w, now, status):
    W[w, STATUS] = status
    W[w, EXIT_MONTH] = now
    W[w, LEFT_MONTH] = now
    W[w, NEXT + LEAVE] = INF


@njit(cache=True, inline="always")
def _leave(r, W, tally, w, now, status, event):
    """She leaves the programme (completes, drops out, or exits pregnant)."""
    _set_left(W, w, now, status)
    _record(tally, event, now)
    if status == COMPLETED and r.post_pregnancy_months > 0 and r.post_pregnancy_ratio != 1.0:
        W[w, NEXT + PERSIST] = now + r.post_pregnancy_months
    _hazard_changed(r, True, W, w, now)


@njit(cache=True, inline="always")
def _die(programme, W, tally, w, now):
    _record(tally, E_DEATH, now)
    for k in range(N_KINDS):
        W[w, NEXT + k] = INF
    if not programme:
        return
    if W[w, ON_LARC]:
        _record(tally, E_LARC_STOPPED, now)
        W[w, ON_LARC] = 0
    if W[w, STATUS] == ENROLLED:  # she leaves without a recorded event
        _set_left(W, w, now, DROPPED_OUT)


@njit(cache=True, inline="always")
def _birth(r, programme, W, pool, offsets, tally, w, now):
    _record(tally, E_LIVE_BIRTH, now)
    k = 3 * int(W[w, N_BIRTHS])
    W[w, N_BIRTHS] += 1
    enters = _uniform(W, pool, offsets, w, S_CARE, k) < \
        _removal_probability(r, programme, W, w, now)
    u_delay = _uniform(W, pool, offsets, w, S_CARE, k + 1)
    u_stay = _uniform(W, pool, offsets, w, S_CARE, k + 2)
    share = r.newborn_share
    if u_delay < share:
        delay = u_delay / share
    else:
        delay = 1.0 + 11.0 * (u_delay - share) / (1.0 - share)
    if enters and now + delay < r.horizon_months:
        _care_entry(tally, now + delay, -math.log1p(-u_stay) * r.mean_months_in_care,
                    r.horizon_months)


@njit(cache=True, inline="always")
def _conceive(r, programme, W, pool, offsets, tally, w, now):
    """Conception; the pregnancy's outcome, and when she may conceive again."""
    _record(tally, E_CONCEPTION, now)
    if programme and W[w, STATUS] == ENROLLED:  # women who conceive are transitioned out
        _leave(r, W, tally, w, now, DROPPED_OUT, E_EXITED_PREGNANT)
    live = _uniform(W, pool, offsets, w, S_OUTCOME, int(W[w, N_CONCEPTIONS])) < \
        r.live_birth_probability
    W[w, N_CONCEPTIONS] += 1
    end = now + (r.gestation_months if live else r.loss_months)
    survives = end < W[w, DIES]
    W[w, PREGNANT_UNTIL] = end if survives else INF  # else she dies pregnant
    if survives and end < r.horizon_months:
        if live:
            _birth(r, programme, W, pool, offsets, tally, w, end)
        else:
            _record(tally, E_PREGNANCY_LOSS, end)
    # the next conception clock starts when the postpartum months are over
    start = end + r.postpartum_months
    W[w, CLOCK_START] = start
    W[w, CLOCK_REM] = INF  # no clock, unless she lives to start one
    if start < W[w, DIES]:
        W[w, CLOCK_REM] = _exponential(W, pool, offsets, w, S_PREGNANCY,
                                          int(W[w, N_CLOCKS]))
        W[w, N_CLOCKS] += 1
    W[w, CLOCK_RATE] = rate = _pregnancy_rate(r, programme, W, w)
    W[w, NEXT + CONCEPTION] = _fire(start, W[w, CLOCK_REM], rate)


@njit(cache=True, inline="always")
def _start_larc(r, W, tally, w, now):
    W[w, ON_LARC] = 1
    _record(tally, E_LARC_STARTED, now)
    _fertility_changed(r, True, W, w, now)
    W[w, LARC_START] = now
    W[w, LARC_REM] = W[w, LARC_THRESHOLD]
    W[w, LARC_RATE] = r.larc_stop_on_programme
    W[w, NEXT + LARC_STOP] = _fire(now, W[w, LARC_REM], W[w, LARC_RATE])


@njit(cache=True, inline="always")
def _due(W, w, limit):
    """Whether she has an event before ``limit``."""
    for k in range(N_KINDS):
        if W[w, NEXT + k] < limit:
            return True
    return False


@njit(cache=True)
def _advance(r, programme, W, pool, offsets, tally, w, limit):
    """Apply her events before ``limit`` (a month), in time order."""
    while True:
        kind, now = 0, W[w, NEXT]
        for k in range(1, N_KINDS):
            if W[w, NEXT + k] < now:
                kind, now = k, W[w, NEXT + k]
        if not now < limit:
            return
        if kind == DEATH:
            _die(programme, W, tally, w, now)
        elif kind == CONCEPTION:
            _conceive(r, programme, W, pool, offsets, tally, w, now)
        elif kind == FIT:
            W[w, NEXT + FIT] = INF
            if W[w, STATUS] == ENROLLED and W[w, PREGNANT_UNTIL] <= now:
                _start_larc(r, W, tally, w, now)
        elif kind == LARC_STOP:
            W[w, ON_LARC] = 0
            W[w, NEXT + LARC_STOP] = INF
            _record(tally, E_LARC_STOPPED, now)
            _fertility_changed(r, programme, W, w, now)
        elif kind == LEAVE:
            if W[w, DROPOUT_MONTH] < W[w, PROGRAMME_END]:
                _leave(r, W, tally, w, now, DROPPED_OUT, E_DROPPED_OUT)
            else:
                _leave(r, W, tally, w, now, COMPLETED, E_COMPLETED)
        else:  # PERSIST: the post-programme effect on pregnancy ends
            W[w, NEXT + PERSIST] = INF
            _hazard_changed(r, programme, W, w, now)


# ---------------------------------------------------------------------- programme
@njit(cache=True)
def _enrol(r, W, pool, offsets, tally, w, now, programme_end):
    """She takes a place at ``now`` until ``programme_end``, as ``Woman._programme``."""
    W[w, STATUS] = ENROLLED
    _record(tally, E_ENROLLED, now)
    W[w, LEFT_MONTH] = INF
    _fertility_changed(r, True, W, w, now)
    already = _uniform(W, pool, offsets, w, S_LARC, 0) < r.already_on_larc
    uptake = _uniform(W, pool, offsets, w, S_LARC, 1) < r.larc_uptake
    fit_delay = -math.log1p(-_uniform(W, pool, offsets, w, S_LARC, 2)) * r.time_to_larc
    W[w, LARC_THRESHOLD] = -math.log1p(-_uniform(W, pool, offsets, w, S_LARC, 3))
    if r.dropout > 0:
        W[w, DROPOUT_MONTH] = now + _exponential(W, pool, offsets, w, S_DROPOUT, 0) / r.dropout
    W[w, PROGRAMME_END] = programme_end
    W[w, NEXT + LEAVE] = min(W[w, DROPOUT_MONTH], programme_end)
    if already:
        _start_larc(r, W, tally, w, now)
    elif uptake:
        W[w, NEXT + FIT] = now + fit_delay


@njit(cache=True, inline="always")
def _decline(r, W, tally, w, now):
    """She did not enrol at ``now``, as the end of ``Woman.outreach``."""
    _record(tally, E_NOT_ENROLLED, now)
    if W[w, STATUS] == ELIGIBLE:
        W[w, STATUS] = NOT_ENROLLED
        _fertility_changed(r, True, W, w, now)


@njit(cache=True)
def _cycle(r, W, pool, offsets, tally, n, start, offered, decides, enrolled):
    """One outreach cycle beginning at ``start`` (every woman already advanced to it): offers by
    priority, then each offered woman's decision in time order (``offered``, ``decides`` and
    ``enrolled`` are work arrays)."""
    window_end = start + r.outreach_months
    programme_end = window_end + r.programme_months
    n_offered = 0
    for w in range(n):  # women are in order of priority
        if n_offered == r.max_offered:
            break
        status = W[w, STATUS]
        if W[w, ARRIVAL] <= start and W[w, DIES] > start and W[w, PREGNANT_UNTIL] <= start and (
                status == ELIGIBLE or (r.reoffer_declined and status == NOT_ENROLLED)):
            offered[n_offered] = w
            n_offered += 1
    willing = np.empty(n_offered, dtype=np.bool_)
    for j in range(n_offered):
        w = offered[j]
        _record(tally, E_OFFERED, start)
        k = 2 * int(W[w, N_OFFERS])
        W[w, N_OFFERS] += 1
        willing[j] = _uniform(W, pool, offsets, w, S_OUTREACH, k) < r.enrol_probability
        decides[j] = start + (window_end - start) * _uniform(W, pool, offsets, w, S_OUTREACH,
                                                             k + 1)
    n_enrolled = 0
    for j in np.argsort(decides[:n_offered], kind="mergesort"):
        w, now = offered[j], decides[j]
        if not now < r.horizon_months:
            break  # later decisions are never seen
        if _due(W, w, now):
            _advance(r, True, W, pool, offsets, tally, w, now)
        if not W[w, DIES] > now:
            continue  # she died before deciding
        if willing[j] and not W[w, PREGNANT_UNTIL] > now:
            in_use = 0  # places taken in this cycle and not yet given back
            if n_enrolled >= r.capacity:  # (else a place is free whoever has left)
                for e in enrolled[:n_enrolled]:
                    if _due(W, e, now):
                        _advance(r, True, W, pool, offsets, tally, e, now)
                    if W[e, LEFT_MONTH] > now:
                        in_use += 1
            if in_use < r.capacity:
                _enrol(r, W, pool, offsets, tally, w, now, programme_end)
                enrolled[n_enrolled] = w
                n_enrolled += 1
                continue
        _decline(r, W, tally, w, now)


# ---------------------------------------------------------------------- replication
@njit(cache=True)
def _simulate_arm(r, programme, cycle_starts, lo, arrival, fertility, W, pool, offsets, tally,
                  offered, decides, enrolled):
    """One arm of one replication (women ``lo:lo + len(W) - 1`` of the chunk's ``arrival`` and
    ``fertility``) to the horizon; events are counted in ``tally``."""
    n = len(W) - 1
    for w in range(n):
        for k in range(DRAWN):
            W[w, k] = 0.0
        for k in range(N_KINDS):
            W[w, NEXT + k] = INF
        a = arrival[lo + w]
        W[w, ARRIVAL] = a
        W[w, FERTILITY] = fertility[lo + w]
        # a zero mortality rate: she outlives every horizon
        W[w, DIES] = a + _exponential(W, pool, offsets, w, S_DEATH, 0) / r.death \
            if r.death > 0 else INF
        W[w, NEXT + DEATH] = W[w, DIES]
        W[w, CLOCK_START] = a
        W[w, CLOCK_REM] = _exponential(W, pool, offsets, w, S_PREGNANCY, 0)
        W[w, CLOCK_RATE] = W[w, FERTILITY]
        W[w, NEXT + CONCEPTION] = _fire(a, W[w, CLOCK_REM], W[w, FERTILITY])
        W[w, N_CLOCKS] = 1
        W[w, EXIT_MONTH] = math.nan
        W[w, LEFT_MONTH] = INF
        W[w, DROPOUT_MONTH] = INF
        W[w, PROGRAMME_END] = INF
        _record(tally, E_ELIGIBLE, a)
    if programme:
        for start in cycle_starts:
            for w in range(n):
                if _due(W, w, start):
                    _advance(r, True, W, pool, offsets, tally, w, start)
            _cycle(r, W, pool, offsets, tally, n, start, offered, decides, enrolled)
    for w in range(n):
        if _due(W, w, r.horizon_months):
            _advance(r, programme, W, pool, offsets, tally, w, r.horizon_months)


@njit(cache=True, nogil=True)  # (dask workers may be threads)
def simulate_chunk(r, cycle_starts, first, arrival, fertility, todo, pool, pool_first, offsets,
                   preset, preset_drawn, out, flags):
    """Replications ``todo`` (indices) of a chunk: both arms into ``out[rep]`` (float32,
    ``(2, n_metrics, n_months)``; the stocks ``on_larc`` and ``in_care`` are left for the caller).

    Replication ``rep`` is women ``first[rep]:first[rep + 1]``, ordered by outreach priority,
    with ``arrival`` months and ``fertility`` (conception hazard off programme, per month). Its
    random numbers are ``pool[pool_first[j]:pool_first[j + 1]]`` for ``rep = todo[j]`` (uniforms,
    used in order), after the values given in ``preset``/``preset_drawn`` (rows by woman, laid
    out by ``offsets``, a tuple; may have no rows). ``flags[j]`` is set when the pool ran out (the
    replication must be run again with a longer pool) or a stream outgrew ``offsets`` (a bug).
    """
    most = 0
    for j in range(len(todo)):
        most = max(most, first[todo[j] + 1] - first[todo[j]])
    W_all = np.empty((most + 1, CACHE + offsets[-1]))
    offered = np.empty(most, dtype=np.int64)
    decides = np.empty(most)
    enrolled = np.empty(most, dtype=np.int64)
    tally = np.empty(out.shape[2:])
    for j in range(len(todo)):
        rep = todo[j]
        lo, hi = first[rep], first[rep + 1]
        W = W_all[:hi - lo + 1]  # her women, then the replication's counters
        if len(preset):
            W[:-1, DRAWN:CACHE] = preset_drawn[lo:hi]
            W[:-1, CACHE:] = preset[lo:hi]
        else:
            W[:-1, DRAWN:CACHE] = 0.0
        W[-1, POOL_NEXT] = W[-1, FLAGS] = 0.0
        pool_j = pool[pool_first[j]:pool_first[j + 1]]
        for arm in range(2):
            tally[:] = 0.0
            _simulate_arm(r, arm == 0, cycle_starts, lo, arrival, fertility, W, pool_j, offsets,
                          tally, offered, decides, enrolled)
            for m in range(tally.shape[0]):
                for t in range(tally.shape[1]):
                    out[rep, arm, m, t] = tally[m, t]
        flags[j] = int(W[-1, FLAGS])
