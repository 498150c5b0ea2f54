"""One replication: the same women simulated with and without the programme.

:func:`simulate_replication` draws the population, then runs two independent SimPy environments -
the programme arm and the no-programme (counterfactual) arm - over the same women and the same
random streams (see :mod:`simulation.streams`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from simulation.model.population import Population, draw_population
from simulation.core.scenario import Scenario
from simulation.model.streams import Cursor, ReplicationStreams, replication_seed
from simulation.engine.events import EventLog
from simulation.engine.practice import practice
from simulation.engine.woman import Woman

ARMS = ("programme", "counterfactual")


@dataclass(frozen=True)
class Rates:
    """Scenario values in the engine's units (months, per woman-month, probabilities)."""

    capacity: int
    lead_in_months: float
    outreach_months: float
    programme_months: float
    successive_cycles: bool
    horizon_months: float
    max_offered: int
    enrol_probability: float
    reoffer_declined: bool
    declined_pregnancy_ratio: float
    already_on_larc: float
    larc_uptake: float
    time_to_larc: float
    larc_stop_on_programme: float
    larc_stop_after: float
    dropout: float
    no_larc_ratio: float
    post_pregnancy_ratio: float
    post_pregnancy_months: float
    removal_ratio_completed: float
    removal_ratio_dropout: float
    removal_half_life: float
    pregnancy: float
    larc_failure: float
    live_birth_probability: float
    gestation_months: float
    loss_months: float
    postpartum_months: float
    removal_probability: float
    newborn_share: float
    mean_months_in_care: float
    death: float

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> "Rates":
        p = scenario.params()
        return cls(
            capacity=scenario.capacity,
            lead_in_months=p.practice.lead_in_months,
            outreach_months=p.practice.outreach_months,
            programme_months=p.practice.programme_months,
            successive_cycles=p.practice.successive_cycles,
            horizon_months=p.practice.horizon_months,
            max_offered=p.outreach.max_women_offered_per_cycle,
            enrol_probability=p.outreach.enrol_probability,
            reoffer_declined=p.outreach.reoffer_declined,
            declined_pregnancy_ratio=p.outreach.declined_pregnancy_rate_ratio,
            already_on_larc=p.programme.already_on_larc_probability,
            larc_uptake=p.programme.larc_uptake_probability,
            time_to_larc=p.programme.time_to_larc_months,
            larc_stop_on_programme=p.programme.larc_stop_rate_per_year / 12,
            larc_stop_after=p.post_programme.larc_stop_rate_per_year / 12,
            dropout=p.programme.dropout_rate_per_year / 12,
            no_larc_ratio=p.programme.pregnancy_rate_ratio_without_larc,
            post_pregnancy_ratio=p.post_programme.pregnancy_rate_ratio,
            post_pregnancy_months=p.post_programme.pregnancy_effect_months,
            removal_ratio_completed=p.post_programme.removal_rate_ratio_completed,
            removal_ratio_dropout=p.post_programme.removal_rate_ratio_dropout,
            removal_half_life=p.post_programme.removal_effect_half_life_months,
            pregnancy=p.pregnancy.counterfactual_rate_per_year / 12,
            larc_failure=p.pregnancy.larc_failure_rate_per_year / 12,
            live_birth_probability=p.pregnancy.live_birth_probability,
            gestation_months=p.pregnancy.gestation_months,
            loss_months=p.pregnancy.loss_months,
            postpartum_months=p.pregnancy.postpartum_months,
            removal_probability=p.care.removal_probability,
            newborn_share=p.care.newborn_share,
            mean_months_in_care=p.care.mean_months_in_care,
            death=p.mortality.general_population_rate_per_year * p.mortality.relative_risk / 12,
        )


@dataclass
class ReplicationLogs:
    """The event logs of both arms of one replication, and its population."""

    population: Population
    programme: EventLog
    counterfactual: EventLog


def simulate_arm(rates: Rates, population: Population, streams: ReplicationStreams,
                 with_programme: bool) -> EventLog:
    """Simulate one arm to the horizon and return its event log."""
    env = simpy.Environment()
    log = EventLog()
    women = []
    for i in range(population.size):
        woman = Woman(env, i, rates, log, Cursor(streams, i), float(population.arrival_month[i]),
                      float(population.fertility_multiplier[i]))
        woman.priority = int(population.priority[i])
        women.append(woman)
        env.process(woman.live())
    if with_programme:
        env.process(practice(env, women, rates))
    env.run(until=rates.horizon_months)
    return log


def simulate_replication(scenario: Scenario, seed: int, rep: int,
                         rates: Rates | None = None) -> ReplicationLogs:
    """Simulate replication ``rep`` of a run with ``seed``: both arms, same women, same streams."""
    rates = rates or Rates.from_scenario(scenario)
    population_seed, streams_seed = replication_seed(seed, rep).spawn(2)
    population = draw_population(scenario, np.random.default_rng(population_seed))
    streams = ReplicationStreams(streams_seed, population.size)
    return ReplicationLogs(
        population,
        simulate_arm(rates, population, streams, with_programme=True),
        simulate_arm(rates, population, streams, with_programme=False),
    )
