"""Model counterparts of the calibration targets, computed from a Monte Carlo run.

Every statistic is a *ratio estimator*: for each replication it returns a numerator and a
denominator (arrays of shape ``(reps,)``). The statistic of a run is ``sum(num) / sum(den)`` (a
pooled rate or share, or a plain mean when the denominator is 1); one replication's value is
``num / den``. Pooling keeps rates well defined when a replication has little exposure.

Statistics that follow individual women (time since enrolment, recurrence) need the run's event
log (``runner.run(..., keep_events=True)``); the others use only the monthly arrays, so they work
with any engine that fills ``MonteCarloResult.monthly``.
"""

from __future__ import annotations

import numpy as np

from simulation.model.metrics import INDEX
from simulation.runner import MonteCarloResult

PROGRAMME, COUNTERFACTUAL = 0, 1
Ratio = tuple[np.ndarray, np.ndarray]


def _metric(result: MonteCarloResult, name: str, arm: int) -> np.ndarray:
    return result.monthly[:, arm, INDEX[name], :].astype(float)


def _stock_years(net_in: np.ndarray, at_month_zero: float = 0.0) -> np.ndarray:
    """Person-years in a stock from its monthly net inflow (reps, months).

    The stock at the end of month m is the cumulative net inflow; within the month, arrivals are
    taken as spread evenly (half a month each) except ``at_month_zero`` entrants, who are present
    for all of month 0 (the initial scoping list is eligible at month 0 exactly).
    """
    stock_end = np.cumsum(net_in, axis=-1)
    months = (stock_end - 0.5 * net_in).sum(axis=-1) + 0.5 * at_month_zero
    return months / 12.0


# ------------------------------------------------------------------------ macro targets
class avoided_care_entries:  # noqa: N801 - used like a function factory
    """Infants kept out of care in months ``[start_month, end_month)``: no-programme arm minus
    programme arm (the paired difference), mean per replication."""

    def __init__(self, start_month: int, end_month: int):
        self.start_month, self.end_month = start_month, end_month

    def __call__(self, result: MonteCarloResult) -> Ratio:
        diff = _metric(result, "care_entries", COUNTERFACTUAL) - _metric(result, "care_entries",
                                                                         PROGRAMME)
        return diff[:, self.start_month:self.end_month].sum(axis=-1), np.ones(result.reps)


# ------------------------------------------------------------------------ micro targets
def counterfactual_birth_conception_rate(result: MonteCarloResult) -> Ratio:
    """Pregnancies that end in a live birth, per woman-year eligible and alive, without the
    programme.

    This is what the DfE 2017 evaluation measured (births back-dated 9 months to conception;
    miscarriages and terminations not counted; all follow-up time counted, pregnant or not). It is
    *not* the model's conception hazard ``pregnancy.counterfactual_rate_per_year``, which applies
    only while a woman is neither pregnant nor postpartum and counts every conception:
    conceptions are therefore weighted by ``pregnancy.live_birth_probability``.
    """
    sc = result.scenario
    conceptions = _metric(result, "pregnancies", COUNTERFACTUAL).sum(axis=-1)
    net_in = _metric(result, "eligible", COUNTERFACTUAL) - _metric(result, "deaths", COUNTERFACTUAL)
    years = _stock_years(net_in, at_month_zero=sc["population.eligible_women_at_start"])
    return conceptions * sc["pregnancy.live_birth_probability"], years


def on_programme_pregnancy_rate(result: MonteCarloResult) -> Ratio:
    """Conceptions while enrolled (women are then transitioned out) per enrolled woman-year.

    Deaths while enrolled are not logged as exits; at the model's mortality (~2% a year) the
    enrolled exposure is overstated by well under 1%.
    """
    exits = sum(_metric(result, name, PROGRAMME)
                for name in ("dropped_out", "completed", "exited_pregnant"))
    years = _stock_years(_metric(result, "enrolled", PROGRAMME) - exits)
    return _metric(result, "exited_pregnant", PROGRAMME).sum(axis=-1), years


def early_exit_first_cohort(result: MonteCarloResult) -> Ratio:
    """Share of the first cohort who leave before completing (dropout or pregnancy).

    The first cohort enrols during the first outreach window and completes when the first
    programme period ends, so every exit before then is theirs.
    """
    sc = result.scenario
    window_end = sc["practice.lead_in_months"] + sc["practice.outreach_months"]
    programme_end = window_end + sc["practice.programme_months"]
    enrolled = _metric(result, "enrolled", PROGRAMME)[:, :int(np.ceil(window_end))].sum(axis=-1)
    early = (_metric(result, "dropped_out", PROGRAMME)
             + _metric(result, "exited_pregnant", PROGRAMME))[:, :int(np.ceil(programme_end))]
    return early.sum(axis=-1), enrolled


class larc_share_after_enrolment:  # noqa: N801 - used like a function factory
    """Share on LARC among women still enrolled ``months`` after their enrolment (all cohorts
    whose assessment falls within the horizon)."""

    def __init__(self, months: float):
        self.months = months

    def __call__(self, result: MonteCarloResult) -> Ratio:
        return _larc_share(result, self.months)


def recurrence(result: MonteCarloResult) -> Ratio:
    """Share of the women eligible at month 0 who have at least one infant enter care within the
    horizon, without the programme (a repeat removal)."""
    ev = _events(result)
    cf = ev[ev.arm == "counterfactual"]
    initial = cf[(cf.event == "eligible") & (cf.month == 0.0)]
    entered = cf[cf.event == "care_entry"][["rep", "woman"]].drop_duplicates()
    entered = entered.merge(initial[["rep", "woman"]], on=["rep", "woman"])
    reps = np.arange(result.reps)
    num = entered.groupby("rep").size().reindex(reps, fill_value=0).to_numpy(float)
    den = initial.groupby("rep").size().reindex(reps, fill_value=0).to_numpy(float)
    return num, den


# --------------------------------------------------------------------------- helpers
def _events(result: MonteCarloResult):
    if result.events is None:
        raise ValueError("this statistic needs the event log: run with keep_events=True")
    return result.events


_EXITS = ("dropped_out", "completed", "exited_pregnant", "death")


def _larc_share(result: MonteCarloResult, months: float) -> Ratio:
    ev = _events(result)
    prog = ev[ev.arm == "programme"]
    horizon = result.scenario["practice.horizon_months"]
    enrol = prog[prog.event == "enrolled"][["rep", "woman", "month"]].rename(
        columns={"month": "when"})
    enrol["when"] += months
    enrol = enrol[enrol["when"] < horizon]
    exits = prog[prog.event.isin(_EXITS)].groupby(["rep", "woman"], observed=True).month.min()
    enrol = enrol.join(exits.rename("exit"), on=["rep", "woman"])
    still = enrol[~(enrol["exit"] <= enrol["when"])]  # NaN exit: never left
    larc = prog[prog.event.isin(("larc_started", "larc_stopped"))][["rep", "woman", "month",
                                                                     "event"]]
    larc = larc.merge(still[["rep", "woman", "when"]], on=["rep", "woman"])
    larc = larc[larc["month"] <= larc["when"]]
    sign = np.where(larc.event == "larc_started", 1, -1)
    on = (larc.assign(sign=sign).groupby(["rep", "woman"]).sign.sum() > 0)
    on_by_rep = on[on].groupby(level="rep").size()
    reps = np.arange(result.reps)
    num = on_by_rep.reindex(reps, fill_value=0).to_numpy(float)
    den = still.groupby("rep").size().reindex(reps, fill_value=0).to_numpy(float)
    return num, den
