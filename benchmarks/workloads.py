"""The benchmark workloads: what is simulated, at full size (``scale`` shrinks them).

- W1: the national scenario at its point estimate, 5-year horizon, 10,000 paired replications.
- W2: a probabilistic sensitivity analysis: 1,000 parameter sets (the calibrated parameters drawn
  from the national posterior, the others from their PSA spreads around the scenario's values,
  Latin hypercube) x 100 replications, kept at period resolution.
- W3: a national portfolio: 25 local authorities x 1,000 replications, each a variant of the
  national scenario with its own pool of women, practice size, authority and unit costs.
- W4: the shipped calibration's design: 1,000 parameter sets from the prior x 100 replications,
  at the calibration statistics' time bins.
- W5: the command ``pausesim report national`` with parameter uncertainty, 1,000 posterior draws x
  100 replications under each of the two calibrations the report shows side by side, every output
  file (HTML, DOCX, XLSX, figures), in a process of its own.
- W6: the command ``pausesim portfolio`` on W3's 25 authorities as an areas file, 1,000
  replications each over 100 posterior draws shared by every area: reading, simulating, tables,
  figures and every output file, in a process of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from simulation.core import scenario as scenario_mod
from simulation.core.scenario import Scenario


@dataclass(frozen=True)
class Workload:
    """``reps`` replications of each of ``scenarios`` (parameter sets), each set with its own
    replication numbers unless ``common`` (the same numbers for every set)."""

    name: str
    description: str
    scenarios: Sequence[Scenario]
    reps: int
    edges: Any = None  # time bins kept (None: months)
    common: bool = False
    kind: str = "run"  # "run": runner.run timed; "command": `pausesim extra["command"]` timed
    #                    as a whole in a process of its own (inputs: extra["files"])
    extra: dict = field(default_factory=dict)

    @property
    def total_reps(self) -> int:
        return self.reps * len(self.scenarios)

    def numbers(self) -> list[np.ndarray]:
        if self.common:
            return [np.arange(self.reps)] * len(self.scenarios)
        return [np.arange(k * self.reps, (k + 1) * self.reps) for k in range(len(self.scenarios))]

    def subset(self, fraction: float) -> "Workload":
        """A smaller workload of the same shape, for the slow engine: every parameter set, with
        ``fraction`` of the replications of each (at least one)."""
        return Workload(self.name, self.description, self.scenarios,
                        max(1, round(self.reps * fraction)), self.edges, self.common, self.kind,
                        self.extra)


def _national_point() -> Scenario:
    return scenario_mod.load("national")


def w1(scale: float = 1.0) -> Workload:
    return Workload("W1", "national at its point estimate, 5-year horizon", [_national_point()],
                    max(1, round(10_000 * scale)))


def _psa_sets(n: int, seed: int) -> list[Scenario]:
    """The parameter sets ``pausesim sensitivity psa national`` draws (its own sampler)."""
    from simulation.sensitivity import draws, varied

    base = _national_point()
    sets = draws.sample(varied.select(base), n, seed)
    return [base.with_overrides(o, source="PSA draw", given=False) for o in sets.overrides]


def w2(scale: float = 1.0) -> Workload:
    from simulation.results.results import period_edges

    n = max(1, round(1_000 * scale))
    return Workload("W2", f"PSA: {n} parameter sets x 100 replications (posterior + declared "
                    "spreads), period resolution", _psa_sets(n, 2024), 100,
                    edges=period_edges(60))


def _authorities(n: int = 25) -> list[dict[str, Any]]:
    """Overrides of ``n`` local authorities: pools of 40-130 women, 8-30 new a year, 2-5
    practitioners, 25-60 other infant care entries a year, unit costs +-20% (drawn once, with a
    fixed seed)."""
    rng = np.random.default_rng(25)
    out = []
    for _ in range(n):
        practitioners = int(rng.integers(2, 6))
        out.append({
            "population.eligible_women_at_start": int(rng.integers(40, 131)),
            "population.new_eligible_women_per_year": float(rng.uniform(8, 30)),
            "practice.practitioners": practitioners,
            "outreach.max_women_offered_per_cycle": 20 * practitioners,
            "authority.other_infant_care_entries_per_year": float(rng.uniform(25, 60)),
            "costs.programme_cost_per_year_gbp": 100_000.0 * practitioners * rng.uniform(0.8, 1.2),
            "costs.in_house_foster_cost_per_week_gbp": 646.0 * rng.uniform(0.8, 1.2),
        })
    return out


def w3(scale: float = 1.0) -> Workload:
    """25 local authorities (:func:`_authorities`), each a variant of the national scenario."""
    base = _national_point()
    sets = [base.with_overrides(o, source="benchmark authority") for o in _authorities()]
    return Workload("W3", "25 local authorities", sets, max(1, round(1_000 * scale)), common=True)


def areas_csv(overrides: Sequence[dict[str, Any]]) -> str:
    """An areas file (``pausesim portfolio``) of variants of the national scenario."""
    import csv
    import io

    keys = list(overrides[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["area", "scenario", *keys])
    for i, o in enumerate(overrides, start=1):
        writer.writerow([f"Authority {i:02d}", "national", *[repr(o[k]) for k in keys]])
    return buffer.getvalue()


def w6(scale: float = 1.0) -> Workload:
    """``pausesim portfolio`` on the W3 authorities as an areas file: 25 areas x 1,000
    replications over 100 posterior draws shared by every area, every output file written."""
    base = _national_point()
    authorities = _authorities()
    reps = max(1, round(1_000 * scale))
    return Workload("W6", f"pausesim portfolio: 25 areas x {reps} replications, "
                    f"{min(100, reps)} shared posterior draws, every output file",
                    [base.with_overrides(o, source="benchmark authority") for o in authorities],
                    reps, kind="command",
                    extra={"command": ["portfolio", "areas.csv", "--reps", str(reps)],
                           "files": {"areas.csv": areas_csv(authorities)}, "simulated": 1})


def w4(scale: float = 1.0) -> Workload:
    from scipy.stats import qmc

    from calibration import statistics
    from calibration.emulate import Settings, to_parameters

    settings = Settings()
    n = max(1, round(1_000 * scale))
    u = qmc.LatinHypercube(d=len(settings.parameters), seed=1).random(n)
    base = _national_point().with_calibration(None)
    sets = [base.with_overrides(p, given=False)
            for p in to_parameters(settings.resolved_priors(), u)]
    return Workload("W4", f"calibration design: {n} parameter sets x 100 replications", sets,
                    settings.reps_per_point, edges=statistics.edges(base))


def w5(scale: float = 1.0) -> Workload:
    """``pausesim report national`` with parameter uncertainty, 1,000 posterior draws x 100
    replications, as a user runs it (both calibrations it shows side by side, every file)."""
    n = max(1, round(1_000 * scale))
    base = _national_point()
    draws = base.posterior().draws(n, 7)
    sets = [base.with_overrides(d, given=False, source="posterior draw") for d in draws]
    return Workload("W5", f"pausesim report national: {n} posterior draws x 100 replications "
                    "under each of the two calibrations it shows, every output file", sets, 100,
                    kind="command",
                    extra={"command": ["report", "national", "--reps", str(100 * n), "--draws",
                                       str(n)], "simulated": 2})


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6}
