"""Runs with parameter uncertainty: which parameter sets to simulate, and the one-call API.

By default a run draws ``draws`` parameter sets and spreads its replications over them
(``ceil(reps / draws)`` each, each set with its own random numbers), so the bands include
parameter uncertainty as well as chance: the calibrated parameters jointly from the scenario's
calibration posterior, every other parameter the evidence gives a range for (unit costs, care
pathways, the authority's and local figures...) from its declared distribution, and site-to-site
variation in enrolment and engagement (:mod:`.draws`). Values the scenario file or ``--set``
gives are never replaced. ``point`` runs one parameter set (the posterior's point estimate, or
the scenario as it stands): chance alone.

Options compared with each other (:func:`simulate_options`) share the same parameter draws and
the same random numbers, so their differences are paired.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from simulation import runner
from simulation.core import scenario as scenario_mod
from simulation.core.defaults import DEFAULT_DRAWS, DEFAULT_REPS, DEFAULT_SEED
from simulation.core.errors import PausesimError
from simulation.core.inputs import check_path
from simulation.core.scenario import Scenario

from .results import Results, period_edges

UNCERTAINTY = ("posterior", "calibrated", "point")
RESOLUTIONS = ("auto", "month", "period")
#: Largest monthly tally kept by "auto" resolution (bytes); larger runs keep periods only.
MONTHLY_BYTES = 512 * 2 ** 20


def monthly_bytes(reps: int, horizon_months: float) -> int:
    """Memory of a run's tallies kept by month (float32)."""
    from simulation.model.layout import N_TALLIED

    return int(reps * 2 * N_TALLIED * np.ceil(horizon_months) * 4)


def parameter_plan(scenarios: Sequence[Scenario], reps: int, seed: int,
                   uncertainty: str = "posterior", draws: int = DEFAULT_DRAWS,
                   independent_sites: bool = False):
    """For each of ``scenarios`` (options compared under common random numbers): its parameter
    sets, the replication numbers of each set, and a record of how they were chosen.

    ``uncertainty``: ``posterior`` (the default: calibrated parameters from the posterior, the
    others of :data:`~simulation.core.uncertainty.DEFAULT_GROUPS` from their declared ranges,
    and the site effects: :mod:`.draws`); ``calibrated`` (the calibrated parameters only, as
    before version 0.4: for comparison); ``point`` (one parameter set: chance alone).
    ``independent_sites``: the scenarios are different sites (a portfolio's areas), each with its
    own site effects; otherwise (options for one site, the two views) they share them."""
    from . import draws as draws_mod

    if uncertainty not in UNCERTAINTY:
        raise PausesimError(f"uncertainty = {uncertainty!r} is invalid: must be one of "
                            f"{', '.join(UNCERTAINTY)}")
    if reps < 1:
        raise PausesimError(f"--reps = {reps} is invalid: must be an integer >= 1")
    if draws < 1:
        raise PausesimError(f"--draws = {draws} is invalid: must be an integer >= 1")
    calibrated = [sc for sc in scenarios if sc.calibrated_keys()]
    declared = uncertainty == "posterior"
    if uncertainty == "point" or not (calibrated or declared):
        meta = {"parameters": "point estimate" if any(sc.calibration for sc in scenarios)
                else "scenario values (no calibration)", "draws": 1, "reps_per_draw": reps}
        meta["band_covers"] = draws_mod.covers(meta)
        return [[sc] for sc in scenarios], [[np.arange(reps)] for _ in scenarios], meta
    refs = {sc.calibration for sc in calibrated}
    if len(refs) > 1:
        raise PausesimError(f"the options use different calibrations ({', '.join(sorted(refs))})"
                            ": compare them under one, e.g. --calibration national")
    posterior = calibrated[0].posterior() if calibrated else None
    draws = min(draws, reps)
    per_draw = -(-reps // draws)
    rows = posterior.draws(draws, seed) if posterior is not None else [{}] * draws
    u = draws_mod.uniforms(draws, seed)
    numbers = [np.arange(k * per_draw, (k + 1) * per_draw) for k in range(draws)]
    sets, drawn_keys = [], set()
    for i, sc in enumerate(scenarios):
        keys = set(sc.calibrated_keys())
        drawn_keys |= keys
        values = [{k: v for k, v in row.items() if k in keys} for row in rows]
        if declared:
            extra = draws_mod.declared_overrides(sc, u, keys)
            for v, e in zip(values, extra):
                v.update(e)
            # the first area's site effects are a run's own, so area 0 reproduces its run
            draws_mod.site_overrides(sc, draws_mod.site_uniforms(draws, seed, i)
                                     if independent_sites and i > 0 else u, values)
        sets.append([sc.with_overrides(v, source="parameter draw" if not keys else
                                       f"posterior {posterior.name!r} draw", given=False)
                     for v in values] if any(values) else [sc] * draws)
    meta = {"parameters": "posterior draws" if posterior is not None else "declared draws",
            "calibration": posterior.name if posterior is not None else None,
            "posterior_note": posterior.note() if posterior is not None else "",
            "draws": draws, "reps_per_draw": per_draw, "uncertainty": uncertainty,
            "kept_from_scenario": sorted(set().union(*(set(posterior.keys) & sc.given
                                                       for sc in scenarios)))
            if posterior is not None else []}
    if declared:
        meta.update(draws_mod.record(scenarios, drawn_keys))
    else:
        meta.update({"calibrated_drawn": sorted(drawn_keys), "declared_drawn": [],
                     "site_variation": [],
                     "held_fixed_words": "held fixed: every uncalibrated parameter "
                                         "(uncertainty 'calibrated')"})
    meta["band_covers"] = draws_mod.covers(meta)
    return sets, [numbers] * len(scenarios), meta


def simulate(scenario: Scenario, reps: int = DEFAULT_REPS, seed: int = DEFAULT_SEED,
             uncertainty: str = "posterior", draws: int = DEFAULT_DRAWS, engine: str = "fast",
             workers: int = 1, executor=None, progress: bool | None = None,
             keep_events: bool = False, resolution: str = "auto",
             checkpoint: Path | str | None = None, band: float = 0.9) -> Results:
    """Simulate one scenario; see :func:`simulate_options` for the arguments."""
    return simulate_options([scenario], reps, seed, uncertainty, draws, engine, workers, executor,
                            progress, keep_events, resolution, checkpoint, band)[0]


def simulate_options(scenarios: Sequence[Scenario], reps: int = DEFAULT_REPS,
                     seed: int = DEFAULT_SEED, uncertainty: str = "posterior",
                     draws: int = DEFAULT_DRAWS, engine: str = "fast", workers: int = 1,
                     executor=None, progress: bool | None = None, keep_events: bool = False,
                     resolution: str = "auto", checkpoint: Path | str | None = None,
                     band: float = 0.9, offset_per_option: int = 0,
                     independent_sites: bool = False) -> list[Results]:
    """Simulate several options with the same parameter draws and random numbers.

    ``uncertainty``: "posterior" (draw the calibrated parameters) or "point".
    ``resolution``: "month" keeps every month (fan charts, monthly tables); "period" keeps only
    what the period tables need (years and month 21), for runs too large to keep by month;
    "auto" (the default) keeps months unless that would take more than ``MONTHLY_BYTES``.
    ``offset_per_option``: option ``i``'s replication numbers are ``i * offset_per_option +
    n`` (0: the same random numbers in every option; a national portfolio's areas use far apart
    ones, so that no two areas share them). ``independent_sites``: the scenarios are different
    sites, each with its own site effects (:func:`parameter_plan`).
    """
    if resolution not in RESOLUTIONS:
        raise PausesimError(f"resolution = {resolution!r} is invalid: must be one of "
                            f"{', '.join(RESOLUTIONS)}")
    sets, numbers, meta = parameter_plan(scenarios, reps, seed, uncertainty, draws,
                                         independent_sites)
    flat = [sc for s in sets for sc in s]
    flat_numbers = [offset_per_option * i + n for i, ns in enumerate(numbers) for n in ns]
    horizon = scenarios[0]["practice.horizon_months"]
    total = sum(len(n) for n in flat_numbers)
    if resolution == "auto":
        resolution = "month" if monthly_bytes(total, horizon) <= MONTHLY_BYTES else "period"
    edges = None if resolution == "month" else period_edges(horizon)
    simulated = runner.run(flat, flat_numbers, seed, workers=workers, executor=executor,
                           progress=progress, keep_events=keep_events, engine=engine,
                           edges=edges, checkpoint=checkpoint)
    out, start = [], 0
    for sc, s in zip(scenarios, sets):
        n_sets = len(s)
        reps_of = np.isin(simulated.set_index, np.arange(start, start + n_sets))
        part = runner.Simulated(
            scenarios=simulated.scenarios[start:start + n_sets],
            set_index=simulated.set_index[reps_of] - start,
            rep_number=simulated.rep_number[reps_of], tally=simulated.tally[reps_of],
            post=simulated.post[reps_of], edges=simulated.edges, seed=seed, engine=engine,
            workers=simulated.workers, wall_seconds=simulated.wall_seconds,
            events=simulated.events)
        out.append(Results(part, sc, dict(meta, resolution=resolution), band))
        start += n_sets
    return out


def period_bytes_per_replication(horizon_months: float) -> int:
    """Memory of one paired replication's results kept by period (float32 tallies of both arms
    in the period bins, plus the after-horizon figures), bytes."""
    from simulation.model.layout import N_TALLIED

    bins = len(period_edges(horizon_months)) - 1
    return 2 * N_TALLIED * bins * 4 + 2 * 3 * 18 * 4


def load(reference: str | Path | None = None, calibration: str | None = None,
         overrides: Mapping[str, Any] | None = None) -> Scenario:
    """A scenario by built-in name or file, under another calibration if asked
    (``"none"``: none), with overrides (counted as the user's own values)."""
    sc = scenario_mod.load(reference)
    if calibration is not None:
        sc = sc.with_calibration(_calibration_ref(calibration))
    if overrides:
        sc = sc.with_overrides(dict(overrides), source="override")
    return sc


def _calibration_ref(ref: str) -> str | None:
    from simulation.core import posterior

    if ref == scenario_mod.NO_CALIBRATION:
        return None
    if ref in posterior.available():
        return ref
    check_path("--calibration", ref)
    path = Path(ref)
    if path.suffix in (".csv", ".json") and path.with_suffix(".csv").exists() and \
            path.with_suffix(".json").exists():
        return str(path)
    raise PausesimError(f"--calibration {ref!r} is invalid: must be 'none', a shipped posterior "
                        f"({', '.join(posterior.available())}) or a posterior file NAME.csv with "
                        "its NAME.json")


def run(scenario: str | Path | Scenario = "national", reps: int = 500, seed: int = DEFAULT_SEED,
        uncertainty: str = "posterior", draws: int = DEFAULT_DRAWS,
        calibration: str | None = None, engine: str = "fast", workers: int = 1,
        progress: bool | None = None, **overrides) -> Results:
    """Simulate a scenario in one call, for notebooks::

        import simulation
        res = simulation.run("dorset-2022", reps=500, **{"practice.practitioners": 4})
        res.summary()          # tidy DataFrame
        res.fan_chart()        # matplotlib figure

    Keyword overrides use parameter keys (``section.name``); since most are not valid Python
    names, pass them with ``**{...}`` or as ``practice__practitioners=4`` (double underscore
    for the dot).
    """
    values = {k.replace("__", "."): v for k, v in overrides.items()}
    sc = scenario if isinstance(scenario, Scenario) else load(scenario, calibration, values)
    if isinstance(scenario, Scenario):
        if calibration is not None:
            sc = sc.with_calibration(_calibration_ref(calibration))
        if values:
            sc = sc.with_overrides(values, source="override")
    return simulate(sc, reps, seed, uncertainty, draws, engine, workers, progress=progress)


def run_views(scenario: str | Path | Scenario = "national", reps: int = 500,
              seed: int = DEFAULT_SEED, uncertainty: str = "posterior",
              draws: int = DEFAULT_DRAWS, engine: str = "fast", workers: int = 1,
              progress: bool | None = None, **overrides):
    """Both views of a scenario in one call (:mod:`simulation.results.views`)::

        both = simulation.run_views("national", reps=500)
        both.headline()          # base case and authority-wide scenario side by side
        both.break_even()        # entries among other mothers to prevent, by year
        both.break_even_chart()  # P(net saving) over the size of the system effect

    Overrides as :func:`run`."""
    from . import views

    values = {k.replace("__", "."): v for k, v in overrides.items()}
    sc = scenario if isinstance(scenario, Scenario) else load(scenario, None, values)
    if isinstance(scenario, Scenario) and values:
        sc = sc.with_overrides(values, source="override")
    return views.simulate(sc, reps, seed, uncertainty, draws, engine=engine, workers=workers,
                          progress=progress)
