"""One woman's life in one arm: SimPy processes for fertility, the programme and LARC.

Time is in months. Rates in the scenario are per woman-year and are divided by 12 here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import simpy

from simulation.model.streams import Cursor, Stream
from simulation.engine.events import Event, EventLog
from simulation.engine.hazard import HazardClock

if TYPE_CHECKING:
    from simulation.engine.model import Rates


class Status:
    """Where a woman stands with the programme."""

    ELIGIBLE = "eligible"            # never offered (or the no-programme arm)
    NOT_ENROLLED = "not_enrolled"    # offered, did not enrol (yet)
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"      # left early, including for a pregnancy


class Woman:
    """A woman eligible for the service, and her processes in one arm."""

    def __init__(self, env: simpy.Environment, index: int, rates: "Rates", log: EventLog,
                 cursor: Cursor, arrival: float, fertility_multiplier: float):
        self.env = env
        self.index = index
        self.rates = rates
        self.log = log
        self.rng = cursor
        self.arrival = arrival
        self.fertility = rates.pregnancy * fertility_multiplier  # per month, off programme
        # A zero mortality rate is allowed: she then outlives every horizon.
        self.death = arrival + cursor.exponential(Stream.DEATH) / rates.death \
            if rates.death > 0 else math.inf
        self.status = Status.ELIGIBLE
        self.pregnant = False
        self.on_larc = False
        self.offers = 0
        self.exit_month = math.nan       # when she completed or left the programme
        self.persisting = False          # completer within the post-programme pregnancy effect
        self.places: simpy.Container | None = None
        self.fertility_clock: HazardClock | None = None
        self.larc_clock: HazardClock | None = None

    # ------------------------------------------------------------------ life
    def live(self):
        """Become eligible, then conceive and give birth until death or the horizon."""
        env, rng, r = self.env, self.rng, self.rates
        if self.arrival > 0:
            yield env.timeout(self.arrival)
        self.log.record(self.index, env.now, Event.ELIGIBLE)
        if self.death < r.horizon_months:  # a death after the horizon would never be seen
            env.process(self._die())
        while True:
            self.fertility_clock = HazardClock(env, rng.exponential(Stream.PREGNANCY),
                                               self.pregnancy_rate, deadline=self.death)
            if not (yield from self.fertility_clock.wait()):
                return  # died
            if not (yield from self._pregnancy()):
                return  # died while pregnant
            yield env.timeout(min(r.postpartum_months, self.death - env.now))

    def _die(self):
        yield self.env.timeout(self.death - self.env.now)
        self.log.record(self.index, self.env.now, Event.DEATH)
        if self.on_larc:
            self._set_larc(False)
        if self.status == Status.ENROLLED:
            self._leave(Status.DROPPED_OUT, None)

    def _pregnancy(self):
        """Conception to birth or loss; returns whether she survived the pregnancy."""
        env, rng, r = self.env, self.rng, self.rates
        self.pregnant = True
        self.log.record(self.index, env.now, Event.CONCEPTION)
        if self.status == Status.ENROLLED:  # women who conceive are transitioned out
            self._leave(Status.DROPPED_OUT, Event.EXITED_PREGNANT)
        live_birth = rng.uniform(Stream.OUTCOME) < r.live_birth_probability
        months = r.gestation_months if live_birth else r.loss_months
        # Decide before waiting: after the wait, env.now may fall a rounding error short of
        # self.death, and a woman who died while pregnant would then give birth as she dies.
        survives = env.now + months < self.death
        yield env.timeout(months if survives else self.death - env.now)
        self.pregnant = False
        if not survives:
            return False
        if not live_birth:
            self.log.record(self.index, env.now, Event.PREGNANCY_LOSS)
            return True
        self.log.record(self.index, env.now, Event.LIVE_BIRTH)
        enters_care = rng.uniform(Stream.CARE) < self.removal_probability()
        u_delay, u_stay = rng.uniform(Stream.CARE), rng.uniform(Stream.CARE)
        if enters_care:
            delay = u_delay / r.newborn_share if u_delay < r.newborn_share else \
                1.0 + 11.0 * (u_delay - r.newborn_share) / (1.0 - r.newborn_share)
            months_in_care = -math.log1p(-u_stay) * r.mean_months_in_care
            env.process(self._care_entry(delay, months_in_care))
        return True

    def _care_entry(self, delay: float, months_in_care: float):
        yield self.env.timeout(delay)
        self.log.record(self.index, self.env.now, Event.CARE_ENTRY, months_in_care)

    # ------------------------------------------------------------- hazards
    def pregnancy_rate(self) -> float:
        """Conception hazard now (per month)."""
        r = self.rates
        if self.on_larc:
            return r.larc_failure
        if self.status == Status.ENROLLED:
            return self.fertility * r.no_larc_ratio
        if self.persisting:
            return self.fertility * r.post_pregnancy_ratio
        if self.status == Status.NOT_ENROLLED:
            return self.fertility * r.declined_pregnancy_ratio
        return self.fertility

    def removal_probability(self) -> float:
        """Probability that an infant born now enters care."""
        r = self.rates
        if self.status == Status.COMPLETED:
            ratio = r.removal_ratio_completed
        elif self.status == Status.DROPPED_OUT:
            ratio = r.removal_ratio_dropout
        else:
            return r.removal_probability
        decay = 0.5 ** ((self.env.now - self.exit_month) / r.removal_half_life)
        return min(1.0, r.removal_probability * (1.0 + (ratio - 1.0) * decay))

    def _hazard_changed(self) -> None:
        if self.fertility_clock is not None:
            self.fertility_clock.rate_changed()
        if self.larc_clock is not None:
            self.larc_clock.rate_changed()

    # ----------------------------------------------------------- programme
    def available_for_outreach(self, now: float, reoffer: bool) -> bool:
        """Whether the practice may offer her a place now."""
        if self.arrival > now or self.death <= now or self.pregnant:
            return False
        return self.status == Status.ELIGIBLE or (reoffer and self.status == Status.NOT_ENROLLED)

    def outreach(self, places: simpy.Container, window_end: float, programme_end: float):
        """Assertive outreach: she enrols at some point in the window, or does not."""
        env, rng, r = self.env, self.rng, self.rates
        self.offers += 1
        self.log.record(self.index, env.now, Event.OFFERED)
        willing = rng.uniform(Stream.OUTREACH) < r.enrol_probability
        yield env.timeout((window_end - env.now) * rng.uniform(Stream.OUTREACH))
        if willing and not self.pregnant and env.now < self.death and places.level > 0:
            yield places.get(1)
            self.places = places
            env.process(self._programme(programme_end))
            return
        if env.now < self.death:
            self.log.record(self.index, env.now, Event.NOT_ENROLLED)
            if self.status == Status.ELIGIBLE:
                self.status = Status.NOT_ENROLLED
                self._hazard_changed()

    def _programme(self, programme_end: float):
        env, rng, r = self.env, self.rng, self.rates
        self.status = Status.ENROLLED
        self.log.record(self.index, env.now, Event.ENROLLED)
        self._hazard_changed()
        env.process(self._larc())
        dropout_at = env.now + rng.exponential(Stream.DROPOUT) / r.dropout if r.dropout > 0 \
            else math.inf
        leave_at = min(dropout_at, programme_end)
        yield env.timeout(leave_at - env.now)
        if self.status != Status.ENROLLED:
            return  # already left: pregnancy or death
        if dropout_at < programme_end:
            self._leave(Status.DROPPED_OUT, Event.DROPPED_OUT)
        else:
            # persisting is set first, so that leaving restarts her clock with it
            if r.post_pregnancy_months > 0 and r.post_pregnancy_ratio != 1.0:
                self.persisting = True
                env.process(self._persistence_ends(r.post_pregnancy_months))
            self._leave(Status.COMPLETED, Event.COMPLETED)

    def _leave(self, status: str, event: Event | None) -> None:
        self.status = status
        self.exit_month = self.env.now
        if event is not None:
            self.log.record(self.index, self.env.now, event)
        self.places.put(1)
        self._hazard_changed()

    def _persistence_ends(self, months: float):
        yield self.env.timeout(months)
        self.persisting = False
        self._hazard_changed()

    def _larc(self):
        """LARC: already on it, or fitted after a delay; then stopped at some hazard."""
        env, rng, r = self.env, self.rng, self.rates
        already = rng.uniform(Stream.LARC) < r.already_on_larc
        uptake = rng.uniform(Stream.LARC) < r.larc_uptake
        fit_delay = rng.exponential(Stream.LARC) * r.time_to_larc
        stop_threshold = rng.exponential(Stream.LARC)
        if not already:
            if not uptake:
                return
            yield env.timeout(fit_delay)
            if self.status != Status.ENROLLED or self.pregnant or env.now >= self.death:
                return
        if not self.on_larc:
            self._set_larc(True)
        self.larc_clock = HazardClock(env, stop_threshold, self._larc_stop_rate,
                                      deadline=self.death)
        if (yield from self.larc_clock.wait()):
            self._set_larc(False)
        self.larc_clock = None

    def _larc_stop_rate(self) -> float:
        r = self.rates
        return r.larc_stop_on_programme if self.status == Status.ENROLLED else r.larc_stop_after

    def _set_larc(self, on: bool) -> None:
        self.on_larc = on
        self.log.record(self.index, self.env.now, Event.LARC_STARTED if on else Event.LARC_STOPPED)
        if self.fertility_clock is not None:
            self.fertility_clock.rate_changed()
