"""Writing a run's output folder: tables (CSV + Parquet), figures, the scenario and run.json."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulation.core import deflators, output
from simulation.model.rng import LAYOUT_VERSION

from . import figures
from .format import tidy_frame
from .text import parameter_note


def record(results, **fields) -> dict:
    """What makes a run reproducible: scenario (origin, digest, values), seed, replications,
    parameter sets, engine, version, price base."""
    sc, sim = results.scenario, results.simulated
    return output.provenance(
        scenario=sc.name, scenario_origin=sc.origin, scenario_digest=sc.digest(),
        seed=sim.seed, reps=results.reps, parameter_sets=len(sim.scenarios),
        engine=sim.engine, workers=sim.workers, random_number_layout=LAYOUT_VERSION,
        band=results.band, wall_seconds=round(sim.wall_seconds, 3),
        resolution=results.meta.get("resolution", "month"),
        parameters_from=parameter_note(results.meta, sc), calibration=sc.calibration,
        uncertainty={k: v for k, v in results.meta.items() if k != "posterior_note"},
        price_base=results.price_label, deflators=deflators.SOURCE,
        values=dict(sc.values), **fields)


def tables(results, table: pd.DataFrame, folder: Path) -> None:
    output.write_table(tidy_frame(table), folder, "summary")
    output.write_table(tidy_frame(results.bands()), folder, "monthly_bands")
    output.write_table(tidy_frame(results.replications()), folder, "replications")
    if results.monthly:
        output.write_table(results.replications_by_bin(), folder, "replications_monthly",
                           csv=False)
    output.write_table(results.parameter_sets(), folder, "parameter_sets", parquet=False)
    if results.simulated.events is not None:
        output.write_table(results.simulated.events, folder, "events", csv=False)


def run_folder(results, table: pd.DataFrame, folder: Path) -> None:
    """Every output file of a run, into ``folder``."""
    tables(results, table, folder)
    (folder / "scenario.toml").write_text(results.scenario.to_toml(), encoding="utf-8")
    figures.save_all(results, folder)
    output.write_json(folder / "run.json", record(results))
