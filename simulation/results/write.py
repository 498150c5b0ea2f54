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


def views_folder(both, summaries: dict, folder: Path) -> None:
    """Both views of a run: the base case in ``folder``, the authority-wide scenario in
    ``folder/authority-wide``, and beside them the two views' headline figures side by side
    (``headline.csv``), the break-even threshold by year (``break_even.csv``) and P(net saving)
    over the size of the system effect (``net_saving_by_system_effect.csv``)."""
    from . import views as views_mod

    sub = folder / "authority-wide"
    sub.mkdir()
    for res, table, where, name in ((both.base, summaries["base"], folder, "base"),
                                    (both.authority, summaries["authority"], sub, "authority")):
        tables(res, table, where)
        (where / "scenario.toml").write_text(res.scenario.to_toml(), encoding="utf-8")
        figures.save_all(res, where)
        output.write_json(where / "run.json", record(
            res, view=views_mod.LABELS[name], view_meaning=views_mod.WORDS[name]))
    output.write_table(tidy_frame(views_mod.headline(both)), folder, "headline", parquet=False)
    output.write_table(tidy_frame(views_mod.break_even(both)), folder, "break_even",
                       parquet=False)
    output.write_table(tidy_frame(views_mod.net_saving_curve(both)), folder,
                       "net_saving_by_system_effect", parquet=False)
    import matplotlib.pyplot as plt

    fig = figures.break_even_chart(both)
    fig.savefig(folder / "break_even.png", dpi=120, bbox_inches="tight")
    plt.close(fig)
