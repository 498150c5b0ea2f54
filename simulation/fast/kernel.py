"""The fast engine's compiled core: both arms of each replication, woman by woman (Numba).

It simulates the model of :mod:`simulation.engine` (the SimPy reference) with the same rules
(:mod:`simulation.model.rules`), the same women (:mod:`simulation.model.population`), the same
random numbers (:mod:`simulation.model.rng`) and the same tally (:mod:`simulation.model.tally`),
so the two engines give the same results replication by replication.

A woman's state is a row of one array, ``W``: her real-valued state, the time of her next event of
each kind (``W[w, NEXT + kind]``, ``inf`` when none is due), her status and counters, and her
random numbers already drawn. (One array rather than several: Numba counts references to every
array passed between functions, and that counting took a fifth of the time.) :func:`_advance`
applies her events in time order up to a limit. Women interact only through the practice's
places, so a replication is simulated by advancing each woman to the moments at which the
practice looks at her: the start of each outreach cycle (who is offered a place) and, in the
order of the decisions, each offered woman's decision (after advancing the women already enrolled
in the cycle, since places come back when they leave).

Hazards are integrated as :class:`simulation.engine.hazard.HazardClock` does: a clock keeps the
unit-exponential threshold still to be used up, its hazard and when that hazard began; whenever
the hazard changes, the used part is subtracted and the clock restarted, at the same moments as in
the SimPy engine. A pregnancy is settled when it begins: nothing that happens to a pregnant woman
changes its outcome or her infant's chance of entering care, so conception records the birth or
loss and any care entry at their future months.

Random numbers: value ``k`` of stream ``s`` of a woman is :func:`simulation.model.rng.uniform` of
(seed, replication, woman, s, k), computed four at a time and kept in her row
(``W[w, CACHE + offsets[s] + k]``) so that the second arm reads them without recomputing (threshold
streams are read as unit exponentials ``-log1p(-u)``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64

from ..model import authority
from ..model.layout import (
    A_AGE,
    A_ARRIVAL,
    A_BASE_FERTILITY,
    A_WOMAN,
    ASSESSMENT_MONTHS,
    DRAWS_PER_BIRTH,
    DRAWS_PER_OFFER,
    ENROLLED,
    M_ASSESSED,
    M_DEATHS,
    M_ELIGIBLE,
    M_ENROLLED,
    M_ENROLLED_MONTHS,
    M_EXITED_PREGNANT,
    M_FIRST_CARE_INITIAL,
    M_LARC_STARTED,
    M_LARC_STOPPED,
    M_LIVE_BIRTHS,
    M_OFFERS,
    M_PREGNANCIES,
    M_PREGNANCY_LOSSES,
    M_TURNED_AWAY,
    M_WOMAN_MONTHS,
    M_WOMEN_OFFERED,
    N_ATTRIBUTES,
    N_ROWS,
    N_STREAMS,
    S_CARE,
    S_DEATH,
    S_DROPOUT,
    S_LARC,
    S_OUTCOME,
    S_OUTREACH,
    S_PREGNANCY,
)
from ..model.rng import LAYOUT_VERSION, philox4x64
from ..model.rules import (
    after_not_enrolling,
    age_band,
    alive_at,
    care_delay,
    care_episode,
    counts_first_care_entry,
    death_month,
    decision_month,
    dropout_month,
    fire,
    infant_enters_care,
    larc_at_enrolment,
    larc_fitted,
    larc_stop_rate,
    larc_without_programme,
    leaving_month,
    leaving_row,
    leaving_status,
    next_band_month,
    next_conception_clock,
    not_enrolling,
    offerable,
    on_scoping_list,
    persistence_end,
    pregnancy_outcome,
    pregnancy_rate,
    present,
    source_at,
    spill_over_end,
    status_at_conception,
    status_at_death,
    willing,
)
from ..model.tally import care_episode as tally_episode
from ..model.tally import count, fold_and_bin, spent

INF = math.inf
_S11 = np.uint64(11)
_TWO53 = 1.0 / 9007199254740992.0
# Kinds of next event (columns NEXT + kind of W); on equal times the lower kind comes first, so a
# death pre-empts anything due at the same moment (as the SimPy engine's death process does).
DEATH, CONCEPTION, FIT, LARC_STOP, LEAVE, PERSIST, SPILL_END, AGE, ASSESS = range(9)
N_KINDS = 9
# Columns of W: her attributes (layout.ATTRIBUTES, copied from the women's table), her other
# real-valued state, the time of her next event of each kind (NEXT + kind), her
# status and counters, how many values of each stream she holds (DRAWN + stream), and those
# values (CACHE + offsets[stream] + k). The last three timeline columns (when she first did not
# enrol, enrolled and left, in the programme arm) are kept for the no-programme arm, whose care
# entries are attributed by the mother's programme-arm status.
ARRIVAL, AGE0, BASE_F, WOMAN = A_ARRIVAL, A_AGE, A_BASE_FERTILITY, A_WOMAN
(BAND, DIES, PREGNANT_UNTIL, PREG_SOURCE, CLOCK_START, CLOCK_REM, CLOCK_RATE, LARC_START,
 LARC_REM, LARC_RATE, LARC_THRESHOLD, EXIT_MONTH, ENROL_MONTH, DROPOUT_MONTH, PROGRAMME_END,
 SPILL_UNTIL, INITIAL, HAD_CARE, NEXT) = range(N_ATTRIBUTES, N_ATTRIBUTES + 19)
(STATUS, ON_LARC, N_CLOCKS, N_CONCEPTIONS, N_BIRTHS, N_OFFERS, N_ASSESSED, TL_DECLINED,
 TL_ENROLLED, TL_LEFT, DRAWN) = range(NEXT + N_KINDS, NEXT + N_KINDS + 11)
CACHE = DRAWN + N_STREAMS
RESET = TL_DECLINED  # columns before this are reset at the start of each arm
# The replication's counters, in the row of W after its women's: flags, seed, replication.
FLAGS, SEED_LO, SEED_HI, REP = 0, 1, 2, 3
#: Flag of a replication whose random stream was read out of order or beyond its room (a bug).
STREAM_TOO_LONG = 1
EARLY, LATER = ASSESSMENT_MONTHS


# ------------------------------------------------------------------------ random numbers
@njit(cache=True, inline="always")
def _value(W, offsets, w, s, k, exponential):
    """Value ``k`` of stream ``s`` of woman ``w`` (a uniform, or for a threshold stream a unit
    exponential ``-log1p(-u)``). An arm reads a stream in order, so the value is either kept
    already or in the next block of four."""
    at = CACHE + offsets[s] + k
    drawn = int(W[w, DRAWN + s])
    if k < drawn:
        return -math.log1p(-W[w, at]) if exponential else W[w, at]
    counters = len(W) - 1
    room = offsets[s + 1] - offsets[s]
    if k >= room or k >= drawn + 4:
        W[counters, FLAGS] = int(W[counters, FLAGS]) | STREAM_TOO_LONG
        return 0.5
    block = k // 4
    seed = (uint64(W[counters, SEED_HI]) << uint64(32)) | uint64(W[counters, SEED_LO])
    words = philox4x64(uint64(W[counters, REP]), uint64(W[w, WOMAN]), uint64(s),
                       uint64(block), seed, uint64(LAYOUT_VERSION))
    for j in range(4):
        i = 4 * block + j
        if i >= room:
            break
        W[w, CACHE + offsets[s] + i] = float(words[j] >> _S11) * _TWO53
    W[w, DRAWN + s] = min(4 * block + 4, room)
    return -math.log1p(-W[w, at]) if exponential else W[w, at]


@njit(cache=True, inline="always")
def _uniform(W, offsets, w, s, k):
    return _value(W, offsets, w, s, k, False)


@njit(cache=True, inline="always")
def _exponential(W, offsets, w, s, k):
    return _value(W, offsets, w, s, k, True)


# ------------------------------------------------------------------------ hazards
@njit(cache=True, inline="always")
def _rate(r, programme, W, w):
    """Her conception hazard now (``rules.pregnancy_rate``; in the no-programme arm her status,
    persistence and spill-over stay neutral)."""
    return pregnancy_rate(r, W[w, BASE_F], int(W[w, BAND]), W[w, ON_LARC] > 0,
                          int(W[w, STATUS]), W[w, NEXT + PERSIST] < INF,
                          W[w, NEXT + SPILL_END] < INF)


@njit(cache=True, inline="always")
def _fertility_changed(r, programme, W, w, now):
    """Restart her conception clock if its hazard changed. A clock that starts later (pregnant
    or postpartum) only takes the new hazard."""
    rate = _rate(r, programme, W, w)
    if rate == W[w, CLOCK_RATE]:
        return
    start = W[w, CLOCK_START]
    used = W[w, CLOCK_RATE] * max(now - start, 0.0)
    W[w, CLOCK_REM] = max(W[w, CLOCK_REM] - used, 0.0)
    W[w, CLOCK_START] = max(start, now)
    W[w, CLOCK_RATE] = rate
    W[w, NEXT + CONCEPTION] = fire(W[w, CLOCK_START], W[w, CLOCK_REM], rate)


@njit(cache=True, inline="always")
def _larc_changed(r, W, w, now):
    """Restart her LARC-stopping clock, if she is on LARC and its hazard changed."""
    if not W[w, ON_LARC]:
        return
    rate = larc_stop_rate(r, int(W[w, STATUS]))
    if rate == W[w, LARC_RATE]:
        return
    used = W[w, LARC_RATE] * (now - W[w, LARC_START])
    W[w, LARC_REM] = max(W[w, LARC_REM] - used, 0.0)
    W[w, LARC_START] = now
    W[w, LARC_RATE] = rate
    W[w, NEXT + LARC_STOP] = fire(now, W[w, LARC_REM], rate)


@njit(cache=True, inline="always")
def _hazard_changed(r, programme, W, w, now):
    _fertility_changed(r, programme, W, w, now)
    _larc_changed(r, W, w, now)


# ------------------------------------------------------------------------- events
@njit(cache=True, inline="always")
def _set_left(r, W, tally, w, now, status):
    W[w, STATUS] = status
    W[w, EXIT_MONTH] = now
    W[w, TL_LEFT] = now
    W[w, NEXT + LEAVE] = INF
    W[w, NEXT + ASSESS] = INF
    spent(tally, M_ENROLLED_MONTHS, W[w, ENROL_MONTH], min(now, r.horizon_months))


@njit(cache=True, inline="always")
def _leave(r, W, tally, w, now, status, event):
    """She leaves the programme (completes, drops out, or exits pregnant)."""
    _set_left(r, W, tally, w, now, status)
    count(tally, event, now)
    W[w, NEXT + PERSIST] = persistence_end(r, status, now)
    _hazard_changed(r, True, W, w, now)


@njit(cache=True, inline="always")
def _die(r, programme, W, tally, w, now):
    count(tally, M_DEATHS, now)
    for k in range(N_KINDS):
        W[w, NEXT + k] = INF
    if W[w, ON_LARC]:
        count(tally, M_LARC_STOPPED, now)
        W[w, ON_LARC] = 0
    status = int(W[w, STATUS])
    leaving = status_at_death(status)
    if programme and leaving != status:  # she leaves without a recorded event
        _set_left(r, W, tally, w, now, leaving)


@njit(cache=True)
def _birth(r, programme, W, offsets, tally, post, w, now, source):
    count(tally, M_LIVE_BIRTHS, now)
    k = DRAWS_PER_BIRTH * int(W[w, N_BIRTHS])
    W[w, N_BIRTHS] += 1
    enters = infant_enters_care(r, programme, int(W[w, STATUS]), now - W[w, EXIT_MONTH],
                                _uniform(W, offsets, w, S_CARE, k))
    delay = care_delay(r, _uniform(W, offsets, w, S_CARE, k + 1))
    route, months = care_episode(r, _uniform(W, offsets, w, S_CARE, k + 2),
                                 _uniform(W, offsets, w, S_CARE, k + 3), delay)
    entry = now + delay
    if enters and entry < r.horizon_months:
        tally_episode(tally, post, source, entry, route, months, r.horizon_months)
        if counts_first_care_entry(W[w, INITIAL] > 0, W[w, HAD_CARE] > 0):
            W[w, HAD_CARE] = 1
            count(tally, M_FIRST_CARE_INITIAL, entry)


@njit(cache=True, inline="always")
def _conceive(r, programme, W, offsets, tally, post, w, now):
    """Conception; the pregnancy's outcome, and when she may conceive again."""
    count(tally, M_PREGNANCIES, now)
    source = source_at(now, W[w, TL_DECLINED], W[w, TL_ENROLLED], W[w, TL_LEFT])
    status = int(W[w, STATUS])
    leaving = status_at_conception(status)
    if programme and leaving != status:  # women who conceive are transitioned out
        _leave(r, W, tally, w, now, leaving, M_EXITED_PREGNANT)
    live, months = pregnancy_outcome(r, _uniform(W, offsets, w, S_OUTCOME,
                                                 int(W[w, N_CONCEPTIONS])))
    W[w, N_CONCEPTIONS] += 1
    end = now + months
    survives = alive_at(end, W[w, DIES])
    W[w, PREGNANT_UNTIL] = end if survives else INF  # else she dies pregnant
    if survives and end < r.horizon_months:
        if live:
            _birth(r, programme, W, offsets, tally, post, w, end, source)
        else:
            count(tally, M_PREGNANCY_LOSSES, end)
    # the next conception clock starts when the postpartum months are over
    start = next_conception_clock(r, end)
    W[w, CLOCK_START] = start
    W[w, CLOCK_REM] = INF  # no clock, unless she lives to start one
    if alive_at(start, W[w, DIES]):
        W[w, CLOCK_REM] = _exponential(W, offsets, w, S_PREGNANCY, int(W[w, N_CLOCKS]))
        W[w, N_CLOCKS] += 1
    W[w, CLOCK_RATE] = rate = _rate(r, programme, W, w)
    W[w, NEXT + CONCEPTION] = fire(start, W[w, CLOCK_REM], rate)


@njit(cache=True, inline="always")
def _start_larc(r, programme, W, tally, w, now):
    W[w, ON_LARC] = 1
    count(tally, M_LARC_STARTED, now)
    _fertility_changed(r, programme, W, w, now)
    W[w, LARC_START] = now
    W[w, LARC_REM] = W[w, LARC_THRESHOLD]
    W[w, LARC_RATE] = larc_stop_rate(r, int(W[w, STATUS]))
    W[w, NEXT + LARC_STOP] = fire(now, W[w, LARC_REM], W[w, LARC_RATE])


@njit(cache=True, inline="always")
def _assess(W, tally, w, now):
    """A DfE 2017-style assessment of a woman still enrolled: is she on LARC?"""
    n = int(W[w, N_ASSESSED])
    count(tally, M_ASSESSED + 2 * n, now)
    if W[w, ON_LARC]:
        count(tally, M_ASSESSED + 2 * n + 1, now)
    W[w, N_ASSESSED] = n + 1
    W[w, NEXT + ASSESS] = W[w, ENROL_MONTH] + LATER if n == 0 else INF


@njit(cache=True, inline="always")
def _due(W, w, limit):
    """Whether she has an event before ``limit``."""
    for k in range(N_KINDS):
        if W[w, NEXT + k] < limit:
            return True
    return False


@njit(cache=True)
def _advance(r, programme, W, offsets, tally, post, w, limit):
    """Apply her events before ``limit`` (a month), in time order."""
    while True:
        kind, now = 0, W[w, NEXT]
        for k in range(1, N_KINDS):
            if W[w, NEXT + k] < now:
                kind, now = k, W[w, NEXT + k]
        if not now < limit:
            return
        if kind == DEATH:
            _die(r, programme, W, tally, w, now)
        elif kind == CONCEPTION:
            _conceive(r, programme, W, offsets, tally, post, w, now)
        elif kind == FIT:
            W[w, NEXT + FIT] = INF
            # (no-programme arm: the LARC she used anyway, larc_without_programme)
            if larc_fitted(programme, int(W[w, STATUS]), W[w, PREGNANT_UNTIL] > now):
                _start_larc(r, programme, W, tally, w, now)
        elif kind == LARC_STOP:
            W[w, ON_LARC] = 0
            W[w, NEXT + LARC_STOP] = INF
            count(tally, M_LARC_STOPPED, now)
            _fertility_changed(r, programme, W, w, now)
        elif kind == LEAVE:
            status = leaving_status(W[w, DROPOUT_MONTH], W[w, PROGRAMME_END])
            _leave(r, W, tally, w, now, status, leaving_row(status))
        elif kind == PERSIST:  # the post-programme effect on pregnancy ends
            W[w, NEXT + PERSIST] = INF
            _hazard_changed(r, programme, W, w, now)
        elif kind == SPILL_END:  # the effect of having declined ends
            W[w, NEXT + SPILL_END] = INF
            _fertility_changed(r, programme, W, w, now)
        elif kind == AGE:
            W[w, BAND] += 1
            W[w, NEXT + AGE] = next_band_month(W[w, ARRIVAL], W[w, AGE0], int(W[w, BAND]))
            _fertility_changed(r, programme, W, w, now)
        else:  # ASSESS
            _assess(W, tally, w, now)


# ---------------------------------------------------------------------- programme
@njit(cache=True)
def _enrol(r, W, offsets, tally, w, now, programme_end):
    """She takes a place at ``now`` until ``programme_end``."""
    W[w, STATUS] = ENROLLED
    W[w, TL_ENROLLED] = now
    W[w, ENROL_MONTH] = now
    W[w, NEXT + SPILL_END] = spill_over_end(r, M_ENROLLED, now, W[w, NEXT + SPILL_END])
    count(tally, M_ENROLLED, now)
    _fertility_changed(r, True, W, w, now)
    already, fitted, delay = larc_at_enrolment(r, _uniform(W, offsets, w, S_LARC, 0),
                                               _uniform(W, offsets, w, S_LARC, 1),
                                               _uniform(W, offsets, w, S_LARC, 2))
    W[w, LARC_THRESHOLD] = -math.log1p(-_uniform(W, offsets, w, S_LARC, 3))
    W[w, DROPOUT_MONTH] = dropout_month(r, now, _exponential(W, offsets, w, S_DROPOUT, 0)) \
        if r.dropout > 0 else INF
    W[w, PROGRAMME_END] = programme_end
    W[w, NEXT + LEAVE] = leaving_month(W[w, DROPOUT_MONTH], programme_end)
    W[w, NEXT + ASSESS] = now + EARLY
    if already:
        _start_larc(r, True, W, tally, w, now)
    elif fitted:
        W[w, NEXT + FIT] = now + delay


@njit(cache=True, inline="always")
def _not_enrolled(r, W, tally, w, now, reason):
    """She did not enrol at ``now``: declined (the spill-over starts), turned away for want of a
    place, or pregnant."""
    count(tally, reason, now)
    status, declined_at = after_not_enrolling(int(W[w, STATUS]), W[w, TL_DECLINED], now)
    W[w, STATUS] = status
    W[w, TL_DECLINED] = declined_at
    W[w, NEXT + SPILL_END] = spill_over_end(r, reason, now, W[w, NEXT + SPILL_END])
    _fertility_changed(r, True, W, w, now)


@njit(cache=True)
def _cycle(r, W, offsets, tally, post, n, start, offered, decides, enrolled):
    """One outreach cycle beginning at ``start`` (every woman already advanced to it): offers by
    priority, then each offered woman's decision in time order."""
    window_end = start + r.outreach_months
    programme_end = window_end + r.programme_months
    # the programme arm as a plain boolean: a literal True would compile _advance twice
    programme = np.bool_(True)
    n_offered = 0
    for w in range(n):  # women are in order of priority
        if n_offered == r.max_offered:
            break
        if offerable(r, int(W[w, STATUS]), present(start, W[w, ARRIVAL], W[w, DIES]),
                     W[w, PREGNANT_UNTIL] > start):
            offered[n_offered] = w
            n_offered += 1
    is_willing = np.empty(n_offered, dtype=np.bool_)
    for j in range(n_offered):
        w = offered[j]
        count(tally, M_OFFERS, start)
        if W[w, N_OFFERS] == 0:
            count(tally, M_WOMEN_OFFERED, start)
        k = DRAWS_PER_OFFER * int(W[w, N_OFFERS])
        W[w, N_OFFERS] += 1
        is_willing[j] = willing(r, _uniform(W, offsets, w, S_OUTREACH, k))
        decides[j] = decision_month(start, window_end, _uniform(W, offsets, w, S_OUTREACH, k + 1))
    n_enrolled = 0
    for j in np.argsort(decides[:n_offered], kind="mergesort"):
        w, now = offered[j], decides[j]
        if not now < r.horizon_months:
            break  # later decisions are never seen
        if _due(W, w, now):
            _advance(r, programme, W, offsets, tally, post, w, now)
        if not alive_at(now, W[w, DIES]):
            continue  # she died before deciding
        reason = not_enrolling(W[w, PREGNANT_UNTIL] > now, is_willing[j])
        if reason >= 0:
            _not_enrolled(r, W, tally, w, now, reason)
            continue
        in_use = 0  # places taken in this cycle and not yet given back
        if n_enrolled >= r.capacity:  # (else a place is free whoever has left)
            for e in enrolled[:n_enrolled]:
                if _due(W, e, now):
                    _advance(r, programme, W, offsets, tally, post, e, now)
                if W[e, STATUS] == ENROLLED:
                    in_use += 1
        if in_use < r.capacity:
            _enrol(r, W, offsets, tally, w, now, programme_end)
            enrolled[n_enrolled] = w
            n_enrolled += 1
        else:
            _not_enrolled(r, W, tally, w, now, M_TURNED_AWAY)


# ---------------------------------------------------------------------- replication
@njit(cache=True)
def _simulate_arm(r, programme, cycle_starts, lo, women, W, offsets, tally, post, offered,
                  decides, enrolled):
    """One arm of one replication (women ``lo:lo + len(W) - 1`` of the chunk) to the horizon."""
    n = len(W) - 1
    horizon = r.horizon_months
    for w in range(n):
        for k in range(RESET):
            W[w, k] = 0.0
        for k in range(N_KINDS):
            W[w, NEXT + k] = INF
        for k in range(N_ATTRIBUTES):
            W[w, k] = women[lo + w, k]
        a = W[w, ARRIVAL]
        W[w, INITIAL] = on_scoping_list(a)
        W[w, BAND] = age_band(W[w, AGE0])
        W[w, NEXT + AGE] = next_band_month(a, W[w, AGE0], int(W[w, BAND]))
        W[w, DIES] = death_month(r, a, _exponential(W, offsets, w, S_DEATH, 0))
        W[w, NEXT + DEATH] = W[w, DIES]
        W[w, CLOCK_START] = a
        W[w, CLOCK_REM] = _exponential(W, offsets, w, S_PREGNANCY, 0)
        W[w, CLOCK_RATE] = _rate(r, programme, W, w)
        W[w, NEXT + CONCEPTION] = fire(a, W[w, CLOCK_REM], W[w, CLOCK_RATE])
        W[w, N_CLOCKS] = 1
        W[w, EXIT_MONTH] = math.nan
        W[w, DROPOUT_MONTH] = INF
        W[w, PROGRAMME_END] = INF
        if programme:
            W[w, TL_DECLINED] = INF
            W[w, TL_ENROLLED] = INF
            W[w, TL_LEFT] = INF
        elif W[w, TL_ENROLLED] < INF:  # (the LARC draws were made when she enrolled)
            W[w, NEXT + FIT] = larc_without_programme(r, _uniform(W, offsets, w, S_LARC, 0),
                                                      W[w, TL_ENROLLED])
            W[w, LARC_THRESHOLD] = -math.log1p(-_uniform(W, offsets, w, S_LARC, 3))
        count(tally, M_ELIGIBLE, a)
        spent(tally, M_WOMAN_MONTHS, a, min(W[w, DIES], horizon))
    if programme:
        for start in cycle_starts:
            for w in range(n):
                if _due(W, w, start):
                    _advance(r, programme, W, offsets, tally, post, w, start)
            _cycle(r, W, offsets, tally, post, n, start, offered, decides, enrolled)
    for w in range(n):
        if _due(W, w, horizon):
            _advance(r, programme, W, offsets, tally, post, w, horizon)
        if programme and W[w, STATUS] == ENROLLED:  # still enrolled at the horizon
            spent(tally, M_ENROLLED_MONTHS, W[w, ENROL_MONTH], horizon)


@njit(cache=True, nogil=True)  # (dask workers may be threads)
def simulate_chunk(r, seed, reps, cycle_starts, first, women, offsets, n_months, starts, out,
                   post, flags):
    """Replications ``reps`` (their numbers in the run) of a chunk: both arms, tallied month by
    month in a scratch array (``n_months``), then folded and summed into the bins beginning at
    ``starts`` into ``out[j]`` (``(2, n_tallied, bins)``, programme arm first); ``post[j]``
    (``(2, 3, years)``) after the horizon.

    Replication ``j``'s women are rows ``first[j]:first[j + 1]`` of ``women`` (columns:
    ``layout.ATTRIBUTES``, ``population.Women.table``), in outreach priority.
    ``offsets`` lays out each stream's room in a woman's row. ``flags[j]`` is set if a stream
    outgrew its room (a bug).
    """
    most = 0
    for j in range(len(reps)):
        most = max(most, first[j + 1] - first[j])
    W_all = np.zeros((most + 1, CACHE + offsets[-1]))
    offered = np.empty(most, dtype=np.int64)
    decides = np.empty(most)
    enrolled = np.empty(most, dtype=np.int64)
    scratch = np.empty((2, N_ROWS, n_months))  # stays in the cache: one replication at a time
    seed_lo, seed_hi = float(seed & 0xFFFFFFFF), float(seed >> 32)
    for j in range(len(reps)):
        lo, hi = first[j], first[j + 1]
        W = W_all[:hi - lo + 1]  # her women, then the replication's counters
        W[:-1, DRAWN:CACHE] = 0.0
        W[-1, FLAGS] = 0.0
        W[-1, SEED_LO], W[-1, SEED_HI], W[-1, REP] = seed_lo, seed_hi, float(reps[j])
        scratch[:] = 0.0
        for arm in range(2):
            _simulate_arm(r, arm == 0, cycle_starts, lo, women, W, offsets, scratch[arm],
                          post[j, arm], offered, decides, enrolled)
        authority.simulate(r, seed, reps[j], scratch[0], scratch[1], post[j, 0], post[j, 1])
        for arm in range(2):
            fold_and_bin(scratch[arm], starts, out[j, arm])
        flags[j] = int(W[-1, FLAGS])
