"""One woman's life in one arm: SimPy processes for fertility, ageing, the programme and LARC.

The rules (hazards, removal risk, care pathways, decisions) are :mod:`simulation.model.rules`,
shared with the fast engine; this module only says *when* they apply. Events are counted into
the arm's tally as they happen (:mod:`simulation.model.tally`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import simpy

from ..model import layout as L
from ..model.rules import py as rules
from ..model.tally import care_episode as tally_episode
from ..model.tally import count, spent
from .cursor import Cursor
from .events import Event, EventLog
from .hazard import HazardClock

if TYPE_CHECKING:
    from ..model.rates import Rates

_count, _spent = count.py_func, spent  # plain Python where that is cheaper to call
#: The event recorded when she does not enrol, by reason (``rules.not_enrolling``).
_NOT_ENROLLED_EVENT = {L.M_PREGNANT_AT_DECISION: Event.PREGNANT_AT_DECISION,
                       L.M_DECLINED: Event.DECLINED}
#: The event recorded when she leaves the programme, by its tally row.
_LEFT_EVENT = {L.M_DROPPED_OUT: Event.DROPPED_OUT, L.M_COMPLETED: Event.COMPLETED,
               L.M_EXITED_PREGNANT: Event.EXITED_PREGNANT}


@dataclass
class Timeline:
    """When, in the programme arm, she first did not enrol, enrolled and left (inf: never):
    how her care entries in *either* arm are attributed (``rules.source_at``)."""

    declined: float = math.inf
    enrolled: float = math.inf
    left: float = math.inf


class Arm:
    """What the women of one arm share: the environment, rates, tallies and event log."""

    def __init__(self, env: simpy.Environment, rates: "Rates", programme: bool, tally: np.ndarray,
                 post: np.ndarray, log: EventLog):
        self.env, self.rates, self.programme = env, rates, programme
        self.tally, self.post, self.log = tally, post, log

    def count(self, row: int, month: float) -> None:
        _count(self.tally, row, month)


class Woman:
    """A woman eligible for the service, and her processes in one arm."""

    def __init__(self, arm: Arm, attributes, cursor: Cursor, timeline: Timeline):
        r = arm.rates
        self.arm, self.env, self.r = arm, arm.env, r
        self.attributes = attributes  # her row of population.Women.table (layout.ATTRIBUTES)
        self.number = int(attributes[L.A_WOMAN])  # her number in the replication (random numbers)
        self.rng = cursor
        self.arrival = arrival = float(attributes[L.A_ARRIVAL])
        self.age_at_arrival = float(attributes[L.A_AGE])
        self.band = rules.age_band(self.age_at_arrival)
        self.base_fertility = float(attributes[L.A_BASE_FERTILITY])
        self.timeline = timeline  # the programme arm's (shared with the no-programme arm)
        self.initial = rules.on_scoping_list(arrival)
        self.had_care_entry = False
        self.death = rules.death_month(r, arrival, cursor.exponential(L.S_DEATH))
        self.status = L.ELIGIBLE
        self.pregnant = False
        self.on_larc = False
        self.offers = self.conceptions = self.births = 0
        self.exit_month = math.nan
        self.enrol_month = math.nan
        self.persisting = False  # completer within the post-programme pregnancy effect
        self.spill_until = math.inf  # when the effect of having declined ends (inf: not in it)
        self.places: simpy.Container | None = None
        self.fertility_clock: HazardClock | None = None
        self.larc_clock: HazardClock | None = None

    def record(self, event: Event, value: float = 0.0) -> None:
        self.arm.log.record(self.number, self.env.now, event, value)

    # ------------------------------------------------------------------ life
    def live(self):
        """Become eligible, then conceive and give birth until death or the horizon."""
        env, r, arm = self.env, self.r, self.arm
        if self.arrival > 0:
            yield env.timeout(self.arrival)
        self.record(Event.ELIGIBLE)
        arm.count(L.M_ELIGIBLE, self.arrival)
        _spent(arm.tally, L.M_WOMAN_MONTHS, self.arrival, min(self.death, r.horizon_months))
        if self.death < r.horizon_months:  # a death after the horizon would never be seen
            env.process(self._die())
        if rules.next_band_month(self.arrival, self.age_at_arrival, self.band) < \
                min(self.death, r.horizon_months):
            env.process(self._ageing())
        if not arm.programme and self.timeline.enrolled < r.horizon_months:
            env.process(self._larc_without_programme())
        while True:
            self.fertility_clock = HazardClock(env, self.rng.exponential(L.S_PREGNANCY),
                                               self.pregnancy_rate, deadline=self.death)
            if not (yield from self.fertility_clock.wait()):
                return  # died
            if not (yield from self._pregnancy()):
                return  # died while pregnant
            start = rules.next_conception_clock(r, env.now)
            if not rules.alive_at(start, self.death):
                return  # she dies before her next conception clock starts
            yield env.timeout(start - env.now)

    def _die(self):
        yield self.env.timeout(self.death - self.env.now)
        self.record(Event.DEATH)
        self.arm.count(L.M_DEATHS, self.env.now)
        if self.on_larc:
            self._set_larc(False)
        status = rules.status_at_death(self.status)
        if status != self.status:
            self._leave(status, -1)

    def _ageing(self):
        """Her age band moves on at each band's upper edge (fertility follows it)."""
        while True:
            at = rules.next_band_month(self.arrival, self.age_at_arrival, self.band)
            if at == math.inf:
                return
            yield self.env.timeout(at - self.env.now)
            if not rules.alive_at(self.env.now, self.death):
                return
            self.band += 1
            self._hazard_changed()

    def _pregnancy(self):
        """Conception to birth or loss; returns whether she survived the pregnancy."""
        env, r, arm = self.env, self.r, self.arm
        self.pregnant = True
        tl = self.timeline
        source = rules.source_at(env.now, tl.declined, tl.enrolled, tl.left)
        self.record(Event.CONCEPTION, source)
        arm.count(L.M_PREGNANCIES, env.now)
        status = rules.status_at_conception(self.status)
        if status != self.status:  # women who conceive are transitioned out
            self._leave(status, L.M_EXITED_PREGNANT)
        live_birth, months = rules.pregnancy_outcome(r, self.rng.uniform(L.S_OUTCOME))
        # Decide before waiting: after the wait, env.now may fall a rounding error short of
        # self.death, and a woman who died while pregnant would then give birth as she dies.
        end = env.now + months
        survives = rules.alive_at(end, self.death)
        yield env.timeout(months if survives else self.death - env.now)
        self.pregnant = False
        if not survives:
            return False
        if not live_birth:
            self.record(Event.PREGNANCY_LOSS)
            arm.count(L.M_PREGNANCY_LOSSES, end)
            return True
        self.record(Event.LIVE_BIRTH)
        arm.count(L.M_LIVE_BIRTHS, end)
        self._infant(end, source)
        return True

    def _infant(self, born: float, source: int) -> None:
        """Does her infant enter care, when, how will it leave and after how long."""
        r, arm = self.r, self.arm
        rng = self.rng
        u_enters, u_delay = rng.uniform(L.S_CARE), rng.uniform(L.S_CARE)
        u_route, u_months = rng.uniform(L.S_CARE), rng.uniform(L.S_CARE)
        enters = rules.infant_enters_care(r, arm.programme, self.status,
                                          born - self.exit_month, u_enters)
        delay = rules.care_delay(r, u_delay)
        route, months = rules.care_episode(r, u_route, u_months, delay)
        entry = born + delay
        if enters and entry < r.horizon_months:
            arm.log.record(self.number, entry, Event.CARE_ENTRY, months)
            tally_episode(arm.tally, arm.post, source, entry, route, months, r.horizon_months)
            if rules.counts_first_care_entry(self.initial, self.had_care_entry):
                self.had_care_entry = True
                arm.count(L.M_FIRST_CARE_INITIAL, entry)

    # ------------------------------------------------------------- hazards
    def pregnancy_rate(self) -> float:
        """Conception hazard now (per month)."""
        return rules.pregnancy_rate(self.r, self.base_fertility, self.band, self.on_larc,
                                    self.status, self.persisting, self.spill_until < math.inf)

    def _hazard_changed(self) -> None:
        if self.fertility_clock is not None:
            self.fertility_clock.rate_changed()
        if self.larc_clock is not None:
            self.larc_clock.rate_changed()

    # ----------------------------------------------------------- programme
    def available_for_outreach(self, now: float) -> bool:
        """Whether the practice may offer her a place now."""
        return rules.offerable(self.r, self.status, rules.present(now, self.arrival, self.death),
                               self.pregnant)

    def outreach(self, places: simpy.Container, start: float, window_end: float,
                 programme_end: float):
        """Assertive outreach: she decides at some point in the window."""
        env, r, arm = self.env, self.r, self.arm
        arm.count(L.M_OFFERS, start)
        if self.offers == 0:
            arm.count(L.M_WOMEN_OFFERED, start)
        self.offers += 1
        self.record(Event.OFFERED)
        willing = rules.willing(r, self.rng.uniform(L.S_OUTREACH))
        decides = rules.decision_month(start, window_end, self.rng.uniform(L.S_OUTREACH))
        yield env.timeout(decides - env.now)
        if not rules.alive_at(env.now, self.death):
            return  # she died before deciding
        reason = rules.not_enrolling(self.pregnant, willing)
        if reason >= 0:
            self._not_enrolled(reason, _NOT_ENROLLED_EVENT[reason])
        elif places.level > 0:
            yield places.get(1)
            self.places = places
            env.process(self._programme(programme_end))
        else:
            self._not_enrolled(L.M_TURNED_AWAY, Event.TURNED_AWAY)

    def _not_enrolled(self, row: int, event: Event) -> None:
        env = self.env
        self.record(event)
        self.arm.count(row, env.now)
        self.status, self.timeline.declined = rules.after_not_enrolling(
            self.status, self.timeline.declined, env.now)
        self._spill_over_after(row)
        self._hazard_changed()

    def _spill_over_after(self, row: int) -> None:
        """The effect of having declined after her decision (``row``: its tally row), as
        ``rules.spill_over_end`` says; a new end starts its own timer."""
        ends = rules.spill_over_end(self.r, row, self.env.now, self.spill_until)
        if ends != self.spill_until:
            self.spill_until = ends
            if ends < math.inf:
                self.env.process(self._spill_over_ends(ends))

    def _spill_over_ends(self, at: float):
        yield self.env.timeout(at - self.env.now)
        if self.spill_until == at:  # not ended by enrolling, nor restarted by a new decline
            self.spill_until = math.inf
            self._hazard_changed()

    def _programme(self, programme_end: float):
        env, r, arm = self.env, self.r, self.arm
        self.status = L.ENROLLED
        self.enrol_month = env.now
        self.timeline.enrolled = env.now
        self._spill_over_after(L.M_ENROLLED)
        self.record(Event.ENROLLED)
        arm.count(L.M_ENROLLED, env.now)
        self._hazard_changed()
        env.process(self._larc())
        env.process(self._assessments())
        dropout_at = rules.dropout_month(r, env.now, self.rng.exponential(L.S_DROPOUT)) \
            if r.dropout > 0 else math.inf
        leave_at = rules.leaving_month(dropout_at, programme_end)
        yield env.timeout(leave_at - env.now)
        if self.status != L.ENROLLED:
            return  # already left: pregnancy or death
        status = rules.leaving_status(dropout_at, programme_end)
        self._leave(status, rules.leaving_row(status))

    def _leave(self, status: int, row: int) -> None:
        """She leaves with ``status``, counted in tally ``row`` (-1: none, at her death)."""
        env, r, arm = self.env, self.r, self.arm
        self.status = status
        self.exit_month = env.now
        self.timeline.left = env.now
        _spent(arm.tally, L.M_ENROLLED_MONTHS, self.enrol_month, min(env.now, r.horizon_months))
        if row >= 0:
            self.record(_LEFT_EVENT[row])
            arm.count(row, env.now)
        self.places.put(1)
        ends = rules.persistence_end(r, status, env.now)
        if ends < math.inf:
            self.persisting = True
            env.process(self._persistence_ends(ends))
        self._hazard_changed()

    def _persistence_ends(self, at: float):
        yield self.env.timeout(at - self.env.now)
        self.persisting = False
        self._hazard_changed()

    def _assessments(self):
        """DfE 2017-style assessments: is she, if still enrolled, on LARC?"""
        env, arm = self.env, self.arm
        for n, months in enumerate(L.ASSESSMENT_MONTHS):
            yield env.timeout(self.enrol_month + months - env.now)
            if self.status != L.ENROLLED:
                return
            arm.count(L.M_ASSESSED + 2 * n, env.now)
            if self.on_larc:
                arm.count(L.M_ASSESSED + 2 * n + 1, env.now)

    def _larc(self):
        """LARC: already on it, or fitted after a delay; then stopped at some hazard."""
        env, rng, r = self.env, self.rng, self.r
        already, fitted, delay = rules.larc_at_enrolment(
            r, rng.uniform(L.S_LARC), rng.uniform(L.S_LARC), rng.uniform(L.S_LARC))
        stop_threshold = rng.exponential(L.S_LARC)
        if not already:
            if not fitted:
                return
            yield env.timeout(delay)
            if not (rules.larc_fitted(True, self.status, self.pregnant)
                    and rules.alive_at(env.now, self.death)):
                return
        yield from self._on_larc(stop_threshold)

    def _larc_without_programme(self):
        """No-programme arm: the LARC she was already using when she enrolled in the programme
        arm, from that month (``rules.larc_without_programme``), stopped at the rate off the
        programme."""
        env, rng = self.env, self.rng
        u_already = rng.uniform(L.S_LARC)  # the draws of _larc, in the same order
        rng.uniform(L.S_LARC), rng.uniform(L.S_LARC)
        stop_threshold = rng.exponential(L.S_LARC)
        at = rules.larc_without_programme(self.r, u_already, self.timeline.enrolled)
        if not rules.alive_at(at, self.death):
            return
        yield env.timeout(at - env.now)
        if rules.larc_fitted(False, self.status, self.pregnant):
            yield from self._on_larc(stop_threshold)

    def _on_larc(self, stop_threshold: float):
        """On LARC until she stops (at ``rules.larc_stop_rate``) or dies."""
        if not self.on_larc:
            self._set_larc(True)
        self.larc_clock = HazardClock(self.env, stop_threshold, self._larc_stop_rate,
                                      deadline=self.death)
        if (yield from self.larc_clock.wait()):
            self._set_larc(False)
        self.larc_clock = None

    def _larc_stop_rate(self) -> float:
        return rules.larc_stop_rate(self.r, self.status)

    def _set_larc(self, on: bool) -> None:
        self.on_larc = on
        self.record(Event.LARC_STARTED if on else Event.LARC_STOPPED)
        self.arm.count(L.M_LARC_STARTED if on else L.M_LARC_STOPPED, self.env.now)
        if self.fertility_clock is not None:
            self.fertility_clock.rate_changed()
