"""Value of information of funding the practice, from a PSA of a scenario.

The decision is *fund the practice* or *not*. The PSA (:mod:`.psa`) gives, per parameter draw and
replication, funding's incremental infants kept out of care and discounted net cost avoidance
(GBP at the scenario's price base) at the end of the decision year; :func:`analyse` passes them to
:func:`simulation.sensitivity.voi.value_of_information` with the parameter groups of
:data:`simulation.core.uncertainty.GROUPS` (plus each parameter alone with ``single``), and adds the
cost-effectiveness plane and acceptability curve for every year 1..N.

Population: ``population`` decisions a year informed over the scenario's horizon (its whole years),
discounted at its own rate (``costs.discount_rate_per_year``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.core.errors import PausesimError
from simulation.core.scenario import Scenario
from simulation.core.uncertainty import GROUPS

from . import ce, voi
from .psa import PSAResult
from .simulator import INFANTS, NET
from .varied import Selection


def groups_of(selection: Selection, single: bool = False) -> dict[str, list[str]]:
    """VOI groups: each registry group's varied parameters (their draw columns), named in plain
    words; with ``single`` also each varied parameter alone (named by its key)."""
    out: dict[str, list[str]] = {}
    for group, name in GROUPS.items():
        columns = [c for v in selection.varied if v.group == group for c in v.columns]
        if columns:
            out[name] = columns
    other = [c for v in selection.varied if v.group not in GROUPS for c in v.columns]
    if other:
        out["other parameters"] = other
    if single:
        for v in selection.varied:
            out.setdefault(v.key, list(v.columns))
    return out


def horizon_years(scenario: Scenario) -> int:
    """The practice horizon in whole years (rounded up): the years of decisions informed."""
    return max(1, math.ceil(scenario["practice.horizon_months"] / 12.0))


def money_unit(scenario: Scenario) -> str:
    return f"{scenario.price_label()}, discounted"


@dataclass(frozen=True)
class Options:
    """The analysis options, checked before any simulation (:func:`check`)."""

    groups: dict
    lambdas: np.ndarray
    population: float
    horizon_years: int
    discount_rate_per_year: float
    method: str
    bootstrap: int


def check(selection: Selection, draws: int, lambdas=None, population: float = 1.0,
          single: bool = False, method: str = "auto", bootstrap: int = 200) -> Options:
    """Every option of the analysis, checked against the parameters that will be drawn."""
    if draws < voi.MIN_DRAWS:
        raise PausesimError(f"--draws = {draws} is invalid: value of information by regression "
                            f"needs at least {voi.MIN_DRAWS} draws (1000 or more recommended)")
    sc = selection.scenario
    groups = groups_of(selection, single)
    years = horizon_years(sc)
    rate = float(sc["costs.discount_rate_per_year"])
    checked, lambdas = voi.check_options(selection.columns, groups, lambdas, population, years,
                                         rate, method, bootstrap)
    return Options(checked, lambdas, float(population), years, rate, method, bootstrap)


@dataclass
class VOIAnalysis:
    """The value-of-information result (decision year) and the CE tables of every year."""

    result: voi.VOIResult
    year: int
    plane_by_year: pd.DataFrame
    ceac_by_year: pd.DataFrame
    options: Options

    def tables(self) -> dict[str, pd.DataFrame]:
        tables = self.result.tables()
        shares = tables["variance_shares"]
        tables["variance_shares"] = shares.assign(year=self.year)
        return {**tables, "ce_plane_by_year": self.plane_by_year,
                "ceac_by_year": self.ceac_by_year}

    def figures(self) -> dict:
        from .plots import ceac_by_year_figure, plane_by_year_figure

        return {**self.result.figures(),
                "ceac_by_year": ceac_by_year_figure(self.ceac_by_year),
                "ce_plane_by_year": plane_by_year_figure(self.plane_by_year,
                                                         self.result.money_unit)}


def analyse(psa_result: PSAResult, options: Options, year: int, scenario: Scenario,
            seed: int = 0, progress: bool | None = None) -> VOIAnalysis:
    """EVPI, EVPPI by group, variance shares, CE plane and CEAC at ``year``; CE plane and CEAC
    also for every year."""
    unit = money_unit(scenario)
    result = voi.value_of_information(
        psa_result.draws, psa_result.outcome(INFANTS, year), psa_result.outcome(NET, year),
        options.groups, options.lambdas, options.population, options.horizon_years,
        options.discount_rate_per_year, options.method, options.bootstrap, seed,
        money_unit=unit, progress=progress)
    planes, curves = [], []
    for y in psa_result.years:
        infants, net = psa_result.outcome(INFANTS, y), psa_result.outcome(NET, y)
        planes.append(ce.plane(infants, net).assign(year=y, unit=unit))
        curves.append(ce.acceptability(infants, net, options.lambdas).assign(year=y))
    return VOIAnalysis(result, year, pd.concat(planes, ignore_index=True),
                       pd.concat(curves, ignore_index=True), options)
