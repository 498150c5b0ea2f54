"""Model counterparts of the calibration targets, computed from a run's tallies.

Every statistic is a *ratio estimator*: for each replication it returns a numerator and a
denominator (arrays of shape ``(reps,)``). The statistic of a run is ``sum(num) / sum(den)`` (a
pooled rate or share, or a plain mean when the denominator is 1). Every statistic is counted by
the engines as they simulate (exposures, LARC assessments, first care entries of the scoping list:
:mod:`simulation.model.layout`), so any engine and any time resolution that has the bins of
:func:`edges` will do; calibration uses the fast engine.

A statistic receives a :class:`Tallies`: the ``(reps, 2, rows, bins)`` tallies of one parameter
set, its scenario and the bin edges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation.core.scenario import Scenario
from simulation.model.layout import INDEX, SOURCES
from simulation.results.results import period_edges

PROGRAMME, COUNTERFACTUAL = 0, 1
Ratio = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Tallies:
    """One parameter set's replications."""

    tally: np.ndarray  # (reps, 2, rows, bins)
    scenario: Scenario
    edges: np.ndarray

    @property
    def reps(self) -> int:
        return self.tally.shape[0]

    def total(self, name: str, arm: int, start: float = 0.0, end: float = math.inf) -> np.ndarray:
        """A tallied row summed over the bins within [start, end) months (bin edges)."""
        lo = int(np.searchsorted(self.edges, start - 1e-9))
        hi = int(np.searchsorted(self.edges, min(end, self.edges[-1]) - 1e-9))
        if not (np.isclose(self.edges[lo], start) and np.isclose(self.edges[hi], min(
                end, self.edges[-1]))):
            raise ValueError(f"[{start}, {end}) months are not bin edges of this run")
        return self.tally[:, arm, INDEX[name], lo:hi].astype(float).sum(axis=-1)


def first_cohort_months(scenario: Scenario) -> tuple[float, float]:
    """(end of the first outreach window, end of the first programme), whole months up."""
    window = scenario["practice.lead_in_months"] + scenario["practice.outreach_months"]
    end = window + scenario["practice.programme_months"]
    return float(math.ceil(window)), float(math.ceil(end))


def edges(scenario: Scenario) -> np.ndarray:
    """The time bins every statistic needs: the reporting periods and the first cohort's
    window and programme ends."""
    horizon = scenario["practice.horizon_months"]
    extra = [e for e in first_cohort_months(scenario) if e < horizon]
    return np.unique(np.concatenate([period_edges(horizon), extra]))


# ------------------------------------------------------------------------ macro targets
class avoided_care_entries:  # noqa: N801 - used like a function factory
    """Infants kept out of care authority-wide (the practice's women and the authority layer) in
    months ``[start, end)``: no-programme arm minus programme arm, per replication (``per_year``:
    divided by the window's length in years)."""

    def __init__(self, start: float, end: float, sources=SOURCES, per_year: bool = False):
        self.start, self.end, self.sources = start, end, tuple(sources)
        self.per_year = per_year

    def __call__(self, t: Tallies) -> Ratio:
        diff = sum(t.total(f"care_entries_{s}", COUNTERFACTUAL, self.start, self.end)
                   - t.total(f"care_entries_{s}", PROGRAMME, self.start, self.end)
                   for s in self.sources)
        if self.per_year:
            diff = diff * (12.0 / (self.end - self.start))
        return diff, np.ones(t.reps)


# ------------------------------------------------------------------------ micro targets
def counterfactual_birth_conception_rate(t: Tallies) -> Ratio:
    """Pregnancies that end in a live birth, per woman-year eligible and alive, without the
    programme.

    This is what the DfE 2017 evaluation measured (births back-dated 9 months to conception;
    miscarriages and terminations not counted; all follow-up time counted, pregnant or not). It is
    *not* the model's conception hazard ``pregnancy.counterfactual_rate_per_year``, which applies
    only while a woman is neither pregnant nor postpartum and counts every conception:
    conceptions are therefore weighted by ``pregnancy.live_birth_probability``.
    """
    conceptions = t.total("pregnancies", COUNTERFACTUAL)
    years = t.total("woman_months", COUNTERFACTUAL) / 12.0
    return conceptions * t.scenario["pregnancy.live_birth_probability"], years


def on_programme_pregnancy_rate(t: Tallies) -> Ratio:
    """Conceptions while enrolled (women are then transitioned out) per enrolled woman-year."""
    return t.total("exited_pregnant", PROGRAMME), t.total("enrolled_months", PROGRAMME) / 12.0


def early_exit_first_cohort(t: Tallies) -> Ratio:
    """Share of the first cohort who leave before completing (dropout or pregnancy). The first
    cohort enrols during the first outreach window and completes when the first programme period
    ends, so every exit before then is theirs."""
    window, programme = first_cohort_months(t.scenario)
    horizon = t.scenario["practice.horizon_months"]
    enrolled = t.total("enrolled", PROGRAMME, 0.0, min(window, horizon))
    early = t.total("dropped_out", PROGRAMME, 0.0, min(programme, horizon)) + \
        t.total("exited_pregnant", PROGRAMME, 0.0, min(programme, horizon))
    return early, enrolled


class larc_share_at_assessment:  # noqa: N801 - used like a function factory
    """Share on LARC among women still enrolled at an assessment (``early``: 1.5 months after
    enrolment; else 6 months), over all cohorts."""

    def __init__(self, early: bool):
        self.prefix = "assessed_early" if early else "assessed_later"

    def __call__(self, t: Tallies) -> Ratio:
        return t.total(self.prefix + "_on_larc", PROGRAMME), t.total(self.prefix, PROGRAMME)


def recurrence(t: Tallies) -> Ratio:
    """Share of the women eligible at month 0 who have at least one infant enter care within the
    horizon, without the programme (a repeat removal)."""
    first = t.total("initial_women_first_care_entry", COUNTERFACTUAL)
    return first, np.full(t.reps, float(t.scenario["population.eligible_women_at_start"]))
