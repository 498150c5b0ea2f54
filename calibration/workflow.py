"""Calibrate, check and report: what ``pausesim calibrate`` and the experiment script run.

:func:`run` calibrates (:mod:`calibration.emulate`), turns the posterior draws into a
:class:`~simulation.core.posterior.Posterior` with its point estimate and metadata, simulates the
posterior predictive and the point estimate (:mod:`calibration.predictive`) and writes everything
into one output folder, atomically: ``NAME.csv`` + ``NAME.json`` (the posterior, in the shipped
format), ``report.md`` + figures + tables, and the predictive simulations behind the report
(``predictive_*.csv``, ``point_*.csv``).
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from calibration import emulate, fit_report
from calibration import predictive as predictive_mod
from calibration.emulate import CalibrationRun, Settings
from calibration.predictive import Predictive
from simulation import __version__
from simulation.core import output
from simulation.core import posterior as posterior_mod
from simulation.core.errors import PausesimError
from simulation.core.posterior import Posterior

METHOD = ("sequential Gaussian-process emulation: one GP per target (scikit-learn) fitted to "
          "simulated means with their Monte Carlo variance as noise, posterior sampled on the "
          "emulators by MCMC (emcee), design refined over waves (calibration/emulate.py)")


@dataclass
class CheckSettings:
    """How much simulation the posterior predictive check spends."""

    draws: int = 200
    reps: int = 100
    point_reps: int = 2000


def to_posterior(run: CalibrationRun) -> Posterior:
    """The posterior draws as a :class:`Posterior`, with its point estimate and the record."""
    s = run.settings
    table = run.particles.reset_index(drop=True)
    keys = [c for c in table.columns if c != "weight"]
    best = posterior_mod.medoid(table, keys)
    point = {k: _native(table.loc[best, k]) for k in keys}
    w = table["weight"].to_numpy(float)
    summary = {k: dict(zip(("q0.05", "median", "q0.95"),
                           posterior_mod.weighted_quantiles(table[k].to_numpy(float), w,
                                                            (0.05, 0.5, 0.95))))
               for k in keys}
    last = run.design[run.design.wave == run.design.wave.max()]
    mc = {t.name: float(np.nanmedian(last[t.name + "__se"].to_numpy(float) / t.sd))
          for t in s.resolved_targets()}
    import emcee
    import sklearn

    meta = {
        "name": s.name, "method": METHOD, "created_utc":
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "pausesim_version": __version__, "sklearn_version": sklearn.__version__,
        "emcee_version": emcee.__version__, "python": platform.python_version(),
        "settings": s.as_dict(),
        "scenario_digest": s.base_scenario().digest(),
        "parameter_sets_simulated": int(len(run.design)),
        "replications_simulated": int(len(run.design) * s.reps_per_point),
        "wall_seconds": round(run.wall_seconds, 1), "workers": run.workers,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs visible",
        "waves": _records(run.waves),
        "point_estimate": point, "point_estimate_index": best,
        "point_estimate_rule": "medoid of the posterior draws (posterior.medoid)",
        "summary": summary, "mc_error_over_sd": mc,
        "targets": [{"name": t.name, "kind": t.kind, "value": t.value, "low": t.low,
                     "high": t.high, "sd": t.sd, "unit": t.unit, "source": t.source}
                    for t in s.resolved_targets()],
        "priors": [{"key": p.key, "dist": p.dist, "args": list(p.args), "bounds": list(p.bounds),
                    "evidence_range": list(p.evidence_range) if p.evidence_range else None,
                    "neutral": p.neutral, "source": p.source} for p in s.resolved_priors()],
    }
    return Posterior(s.name, table, meta)


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and not np.isfinite(v) else _native(v))
             for k, v in row.items()} for row in frame.to_dict(orient="records")]


def settings_of(post: Posterior) -> Settings:
    """The settings a posterior was made with."""
    record = dict(post.meta["settings"])
    record.update(targets=tuple(record["targets"]), parameters=tuple(record["parameters"]),
                  target_values={k: tuple(v) for k, v in
                                 record.get("target_values", {}).items()})
    return Settings(**record)


def check(post: Posterior, checks: CheckSettings, workers: int,
          seed: int) -> fit_report.Outcome:
    """Posterior predictive and point-estimate simulations for the report."""
    scenario = settings_of(post).base_scenario()
    pred = predictive_mod.from_posterior(scenario, post, checks.draws, checks.reps, seed, workers)
    point = predictive_mod.simulate(scenario, [post.point_estimate], checks.point_reps, seed + 1,
                                    workers)
    return fit_report.Outcome(post, pred, point)


def run(settings: Settings, out: Path, workers: int = 1, force: bool = False,
        progress: bool = True, checks: CheckSettings = CheckSettings(),
        compare: Sequence[fit_report.Outcome] = (), reference: fit_report.Outcome | None = None,
        reproduce: Sequence[str] = ()) -> fit_report.Outcome:
    """Calibrate and write the posterior and its fit report into ``out``."""
    output.check_writable(Path(out), force)
    result = emulate.calibrate(settings, workers=workers, progress=progress)
    post = to_posterior(result)
    outcome = check(post, checks, workers, settings.seed)
    with output.atomic_folder(Path(out), force) as folder:
        save_outcome(outcome, folder)
        result.design.to_csv(folder / "design.csv", index=False, float_format="%.6g")
        fit_report.write([outcome, *compare], folder, reference=reference, reproduce=reproduce)
    return outcome


def save_outcome(outcome: fit_report.Outcome, folder: Path) -> None:
    """The posterior and its predictive simulations (so reports can be rebuilt and compared
    without simulating again)."""
    outcome.posterior.save(folder)
    for label, pred in (("predictive", outcome.predictive), ("point", outcome.point)):
        draws = pd.DataFrame(pred.draws).add_prefix("param:")
        pd.concat([draws, pred.expected], axis=1).to_csv(
            folder / f"{label}_expected.csv", index=False, float_format="%.6g")
        pred.single.assign(draw=np.repeat(np.arange(len(pred.draws)), pred.reps)).to_csv(
            folder / f"{label}_single.csv", index=False, float_format="%.6g")


def load_outcome(folder: Path) -> fit_report.Outcome:
    """A calibration written by :func:`run` (for ``--compare`` and ``--reference``)."""
    folder = Path(folder)
    post = posterior_mod.load(folder)
    try:
        preds = []
        for label in ("predictive", "point"):
            expected = pd.read_csv(folder / f"{label}_expected.csv")
            single = pd.read_csv(folder / f"{label}_single.csv")
            params = [c for c in expected.columns if c.startswith("param:")]
            draws = expected[params].rename(columns=lambda c: c[len("param:"):])
            reps = int(single.groupby("draw").size().iloc[0])
            preds.append(Predictive(expected.drop(columns=params), single.drop(columns="draw"),
                                    draws.to_dict(orient="records"), reps))
    except (OSError, ValueError, KeyError, IndexError) as exc:
        raise PausesimError(f"{folder}: not a calibration output folder (written by 'pausesim "
                            f"calibrate'): {exc}") from None
    return fit_report.Outcome(post, *preds)


def _native(value):
    return value.item() if hasattr(value, "item") else value

