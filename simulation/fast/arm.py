"""One arm of many replications at once: every woman's life as arrays, event by event.

This is the model of :mod:`simulation.engine.woman`, vectorized. Each woman's state is an entry of
arrays; ``T[kind, woman]`` is the time of her next event of each kind (``inf`` when none is due).
:meth:`Arm.advance` repeatedly takes each woman's earliest event and applies it - one event per
woman per step, for all women at once - until none has an event before the limit. Women interact
only through the practice (outreach and places), which :mod:`simulation.fast.practice` handles by
advancing women to the moments at which it looks at them.

Hazards are integrated as :class:`simulation.engine.hazard.HazardClock` does: a clock keeps the
unit-exponential threshold still to be used up (``rem``), the hazard (``rate``) and when that hazard
began (``start``); whenever the hazard changes, the used part is subtracted and the clock
restarted, at the same moments as in the SimPy engine. So given the same women and streams, the two
engines produce the same events (``tests/test_fast_engine.py`` checks this).

One shortcut: a pregnancy is settled when it begins. Nothing that happens to a pregnant woman
changes its outcome or her infant's chance of entering care (she has already left the programme),
so conception records the birth or loss and any care entry at their future months, and sets her
next conception clock to start when she can conceive again; changes of hazard before then only
change that clock's rate, as they would the SimPy engine's clock started at that moment.
"""

from __future__ import annotations

import numpy as np

from ..engine import Event
from ..engine.model import Rates
from ..streams import Stream
from .draws import Streams, Women
from .tally import Tally

INF = np.inf
# Kinds of next event (rows of Arm.T); on equal times the lower kind comes first, so a death
# pre-empts anything due at the same moment (as the SimPy engine's death process does).
DEATH, CONCEPTION, FIT, LARC_STOP, LEAVE, PERSIST = range(6)
# Programme status (simulation.engine.woman.Status).
ELIGIBLE, NOT_ENROLLED, ENROLLED, COMPLETED, DROPPED_OUT = range(5)


def _fire(start, rem, rate):
    """When a hazard clock fires: start + rem / rate, or never if the hazard is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rate > 0, start + rem / rate, INF)


def _earliest(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kind (row) and time of each column's earliest event; the lower kind on equal times."""
    now = times[0].copy()
    kind = np.zeros(times.shape[1], dtype=np.int8)
    for k in range(1, len(times)):
        earlier = times[k] < now
        np.copyto(now, times[k], where=earlier)
        kind[earlier] = k
    return kind, now


class Arm:
    """The women of one arm of some replications, and their state."""

    # per-woman arrays saved and restored around a tentative enrolment (besides T)
    _STATE = ("status", "on_larc", "pregnant_until", "clock_start", "clock_rem", "clock_rate",
              "larc_start", "larc_rem", "larc_rate", "larc_threshold", "exit_month", "left_month",
              "dropout_month", "programme_end", "n_clocks", "n_conceptions", "n_births",
              "n_offers")

    def __init__(self, rates: Rates, women: Women, streams: Streams, with_programme: bool):
        n = women.size
        self.r = rates
        self.u = streams  # random streams (simulation.fast.draws.Streams)
        self.with_programme = with_programme
        self.tally = Tally(women.rep, women.n_reps, rates.horizon_months)
        self.arrival = women.arrival_month
        self.fertility = rates.pregnancy * women.fertility_multiplier  # per month, off programme
        everyone = np.arange(n)
        if rates.death > 0:
            self.death = self.arrival + streams.exponential(Stream.DEATH, everyone, 0) / rates.death
        else:  # she outlives every horizon
            self.death = np.full(n, INF)
        self.T = np.full((6 if with_programme else 2, n), INF)
        self.T[DEATH] = self.death
        self.status = np.full(n, ELIGIBLE, dtype=np.int8)
        self.on_larc = np.zeros(n, dtype=bool)
        self.pregnant_until = np.zeros(n)
        self.clock_start = self.arrival.copy()
        self.clock_rem = streams.exponential(Stream.PREGNANCY, everyone, 0)
        self.clock_rate = self.fertility.copy()
        self.T[CONCEPTION] = _fire(self.clock_start, self.clock_rem, self.clock_rate)
        self.n_clocks = np.ones(n, dtype=np.int32)   # values used of each stream
        self.n_conceptions = np.zeros(n, dtype=np.int32)
        self.n_births = np.zeros(n, dtype=np.int32)
        self.tally.add(Event.ELIGIBLE, everyone, self.arrival)
        self._handlers = (self._die, self._conceive)
        if with_programme:
            for name in ("larc_start", "larc_rem", "larc_rate", "larc_threshold"):
                setattr(self, name, np.zeros(n))
            self.exit_month = np.full(n, np.nan)    # when she completed or left the programme
            self.left_month = np.full(n, INF)       # the same, for counting places in use
            self.dropout_month = np.full(n, INF)
            self.programme_end = np.full(n, INF)
            self.n_offers = np.zeros(n, dtype=np.int32)
            self._handlers += (self._fit_larc, self._stop_larc, self._leave_as_planned,
                               self._persistence_ends)

    # ------------------------------------------------------------------- stepping
    def advance(self, women: np.ndarray | None, limit) -> None:
        """Apply every event of ``women`` (None: everyone) before ``limit`` (a month, or one per
        woman)."""
        T, handlers = self.T, self._handlers
        limit = np.asarray(limit, dtype=float)
        per_woman = limit.ndim > 0
        while women is None or len(women):
            kind, now = _earliest(T if women is None else T[:, women])
            due = now < limit
            if women is None:
                women = np.flatnonzero(due)
                kind, now = kind[women], now[women]
            elif not due.all():
                women, kind, now = women[due], kind[due], now[due]
                if per_woman:
                    limit = limit[due]
            for k, count in enumerate(np.bincount(kind, minlength=len(T))):
                if count == len(women):
                    handlers[k](women, now)
                elif count:
                    sel = kind == k
                    handlers[k](women[sel], now[sel])

    # -------------------------------------------------------------------- hazards
    def _pregnancy_rate(self, i: np.ndarray) -> np.ndarray:
        """Conception hazard (per month), as ``Woman.pregnancy_rate``."""
        r, f = self.r, self.fertility[i]
        if not self.with_programme:
            return f
        status = self.status[i]
        rate = np.where(status == NOT_ENROLLED, f * r.declined_pregnancy_ratio, f)
        rate = np.where(self.T[PERSIST, i] < INF, f * r.post_pregnancy_ratio, rate)
        rate = np.where(status == ENROLLED, f * r.no_larc_ratio, rate)
        return np.where(self.on_larc[i], r.larc_failure, rate)

    def _fertility_changed(self, i: np.ndarray, now: np.ndarray) -> None:
        """Restart the conception clocks of ``i`` whose hazard changed, with the new hazard. A
        clock that starts later (pregnant or postpartum) only takes the new hazard."""
        rate = self._pregnancy_rate(i)
        changed = rate != self.clock_rate[i]
        i, now, rate = i[changed], now[changed], rate[changed]
        start = self.clock_start[i]
        used = self.clock_rate[i] * np.maximum(now - start, 0.0)
        self.clock_rem[i] = rem = np.maximum(self.clock_rem[i] - used, 0.0)
        self.clock_start[i] = start = np.maximum(start, now)
        self.clock_rate[i] = rate
        self.T[CONCEPTION, i] = _fire(start, rem, rate)

    def _larc_changed(self, i: np.ndarray, now: np.ndarray) -> None:
        """Restart the LARC-stopping clocks of those of ``i`` on LARC whose hazard changed."""
        rate = np.where(self.status[i] == ENROLLED, self.r.larc_stop_on_programme,
                        self.r.larc_stop_after)
        changed = self.on_larc[i] & (rate != self.larc_rate[i])
        i, now, rate = i[changed], now[changed], rate[changed]
        used = self.larc_rate[i] * (now - self.larc_start[i])
        self.larc_rem[i] = rem = np.maximum(self.larc_rem[i] - used, 0.0)
        self.larc_start[i] = now
        self.larc_rate[i] = rate
        self.T[LARC_STOP, i] = _fire(now, rem, rate)

    def _hazard_changed(self, i: np.ndarray, now: np.ndarray) -> None:
        self._fertility_changed(i, now)
        self._larc_changed(i, now)

    def removal_probability(self, i: np.ndarray, now: np.ndarray) -> np.ndarray:
        """Probability that an infant born at ``now`` enters care, as
        ``Woman.removal_probability``."""
        r = self.r
        if not self.with_programme:
            return np.full(len(i), r.removal_probability)
        status = self.status[i]
        ratio = np.where(status == COMPLETED, r.removal_ratio_completed, r.removal_ratio_dropout)
        decay = 0.5 ** ((now - self.exit_month[i]) / r.removal_half_life)
        after = np.minimum(1.0, r.removal_probability * (1.0 + (ratio - 1.0) * decay))
        return np.where((status == COMPLETED) | (status == DROPPED_OUT), after,
                        r.removal_probability)

    # --------------------------------------------------------------------- events
    def _die(self, i, now):
        self.tally.add(Event.DEATH, i, now)
        self.T[:, i] = INF
        if not self.with_programme:
            return
        on = self.on_larc[i]
        self.tally.add(Event.LARC_STOPPED, i[on], now[on])
        self.on_larc[i] = False
        enrolled = self.status[i] == ENROLLED  # she leaves without a recorded event
        self._set_left(i[enrolled], now[enrolled], DROPPED_OUT)

    def _conceive(self, i, now):
        """Conception; the pregnancy's outcome, and when she may conceive again."""
        r = self.r
        self.tally.add(Event.CONCEPTION, i, now)
        if self.with_programme:  # women who conceive are transitioned out
            enrolled = self.status[i] == ENROLLED
            if enrolled.any():
                self._leave(i[enrolled], now[enrolled], DROPPED_OUT, Event.EXITED_PREGNANT)
        live = self.u.take(Stream.OUTCOME, i, self.n_conceptions[i]) < r.live_birth_probability
        self.n_conceptions[i] += 1
        end = now + np.where(live, r.gestation_months, r.loss_months)
        survives = end < self.death[i]
        self.pregnant_until[i] = np.where(survives, end, INF)  # else she dies pregnant
        seen = survives & (end < r.horizon_months)
        self.tally.add(Event.PREGNANCY_LOSS, i[seen & ~live], end[seen & ~live])
        births = seen & live
        self._birth(i[births], end[births])
        # the next conception clock starts when the postpartum months are over
        start = end + r.postpartum_months
        again = start < self.death[i]
        self.clock_start[i] = start
        self.clock_rem[i] = INF  # no clock, unless she lives to start one
        j = i[again]
        self.clock_rem[j] = self.u.exponential(Stream.PREGNANCY, j, self.n_clocks[j])
        self.n_clocks[j] += 1
        self.clock_rate[i] = rate = self._pregnancy_rate(i)
        self.T[CONCEPTION, i] = _fire(start, self.clock_rem[i], rate)

    def _birth(self, i, now):
        r = self.r
        self.tally.add(Event.LIVE_BIRTH, i, now)
        k = 3 * self.n_births[i]
        self.n_births[i] += 1
        enters = self.u.take(Stream.CARE, i, k) < self.removal_probability(i, now)
        u_delay, u_stay = self.u.take(Stream.CARE, i, k + 1), self.u.take(Stream.CARE, i, k + 2)
        share = r.newborn_share
        with np.errstate(divide="ignore", invalid="ignore"):
            delay = np.where(u_delay < share, u_delay / share,
                             1.0 + 11.0 * (u_delay - share) / (1.0 - share))
        entry = now + delay
        care = enters & (entry < r.horizon_months)
        self.tally.care_entries(i[care], entry[care],
                                -np.log1p(-u_stay[care]) * r.mean_months_in_care)

    def _fit_larc(self, i, now):
        self.T[FIT, i] = INF
        ok = (self.status[i] == ENROLLED) & (self.pregnant_until[i] <= now)
        self._start_larc(i[ok], now[ok])

    def _start_larc(self, i, now):
        self.on_larc[i] = True
        self.tally.add(Event.LARC_STARTED, i, now)
        self._fertility_changed(i, now)
        self.larc_start[i] = now
        self.larc_rem[i] = self.larc_threshold[i]
        self.larc_rate[i] = self.r.larc_stop_on_programme
        self.T[LARC_STOP, i] = _fire(now, self.larc_rem[i], self.larc_rate[i])

    def _stop_larc(self, i, now):
        self.on_larc[i] = False
        self.T[LARC_STOP, i] = INF
        self.tally.add(Event.LARC_STOPPED, i, now)
        self._fertility_changed(i, now)

    def _leave_as_planned(self, i, now):
        dropped = self.dropout_month[i] < self.programme_end[i]
        self._leave(i[dropped], now[dropped], DROPPED_OUT, Event.DROPPED_OUT)
        self._leave(i[~dropped], now[~dropped], COMPLETED, Event.COMPLETED)

    def _set_left(self, i, now, status) -> None:
        self.status[i] = status
        self.exit_month[i] = now
        self.left_month[i] = now
        self.T[LEAVE, i] = INF

    def _leave(self, i, now, status, event):
        self._set_left(i, now, status)
        self.tally.add(event, i, now)
        r = self.r
        if status == COMPLETED and r.post_pregnancy_months > 0 and r.post_pregnancy_ratio != 1.0:
            self.T[PERSIST, i] = now + r.post_pregnancy_months
        self._hazard_changed(i, now)

    def _persistence_ends(self, i, now):
        self.T[PERSIST, i] = INF
        self._hazard_changed(i, now)

    # ------------------------------------------------------------------ programme
    def pregnant(self, i: np.ndarray, now) -> np.ndarray:
        return self.pregnant_until[i] > now

    def offer(self, i: np.ndarray, now: float, window_end: float):
        """Offer ``i`` a place at ``now``; return whether each is willing and when she decides."""
        self.tally.add(Event.OFFERED, i, now)
        k = 2 * self.n_offers[i]
        self.n_offers[i] += 1
        willing = self.u.take(Stream.OUTREACH, i, k) < self.r.enrol_probability
        decides = now + (window_end - now) * self.u.take(Stream.OUTREACH, i, k + 1)
        return willing, decides

    def enrol(self, i: np.ndarray, now: np.ndarray, programme_end: float) -> None:
        """``i`` take a place at ``now`` until ``programme_end``, as ``Woman._programme``."""
        r = self.r
        self.status[i] = ENROLLED
        self.tally.add(Event.ENROLLED, i, now)
        self.left_month[i] = INF
        self._fertility_changed(i, now)
        already = self.u.take(Stream.LARC, i, 0) < r.already_on_larc
        uptake = self.u.take(Stream.LARC, i, 1) < r.larc_uptake
        fit_delay = -np.log1p(-self.u.take(Stream.LARC, i, 2)) * r.time_to_larc
        self.larc_threshold[i] = -np.log1p(-self.u.take(Stream.LARC, i, 3))
        if r.dropout > 0:
            self.dropout_month[i] = now + self.u.exponential(Stream.DROPOUT, i, 0) / r.dropout
        self.programme_end[i] = programme_end
        self.T[LEAVE, i] = np.minimum(self.dropout_month[i], programme_end)
        self._start_larc(i[already], now[already])
        fit = ~already & uptake
        self.T[FIT, i[fit]] = now[fit] + fit_delay[fit]

    def decline(self, i: np.ndarray, now: np.ndarray) -> None:
        """``i`` did not enrol at ``now``, as the end of ``Woman.outreach``."""
        self.tally.add(Event.NOT_ENROLLED, i, now)
        first = self.status[i] == ELIGIBLE
        i, now = i[first], now[first]
        self.status[i] = NOT_ENROLLED
        self._fertility_changed(i, now)

    def save(self, i: np.ndarray) -> dict:
        """A copy of the state of ``i`` (to undo a tentative enrolment)."""
        saved = {name: getattr(self, name)[i] for name in self._STATE}
        saved["T"] = self.T[:, i]
        return saved

    def restore(self, i: np.ndarray, saved: dict, which: np.ndarray) -> None:
        """Put back the saved state of ``i[which]``."""
        for name, values in saved.items():
            if name == "T":
                self.T[:, i[which]] = values[:, which]
            else:
                getattr(self, name)[i[which]] = values[which]
