"""Writing an analysis: its tables (CSV + Parquet), figures (PNG), ``parameters.csv`` and
``run.json``.

Every result of this package has ``tables() -> {name: DataFrame}`` and ``figures() -> {name:
Figure}``. :func:`save` writes them atomically (a complete folder or none). ``parameters.csv`` is
every parameter of the base scenario (value, unit, source) and how each varied one was varied,
with any warning; ``run.json`` records the same warnings.
"""

from __future__ import annotations

from pathlib import Path

from simulation.core import output
from simulation.results.format import tidy_frame

DPI = 120


def save_figure(fig, path: Path, dpi: int = DPI) -> Path:
    """Write a figure trimmed to its contents (nothing clipped, no wide margins)."""
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    if hasattr(fig, "number"):  # a pyplot figure: release it
        import matplotlib.pyplot as plt

        plt.close(fig)
    return Path(path)


def write(result, folder: Path, record: dict, selection=None) -> list[str]:
    """Write ``result``'s tables, figures, ``parameters.csv`` (with ``selection``) and
    ``run.json`` into an existing ``folder``; return the names of the files written."""
    folder = Path(folder)
    written = []
    for name, table in result.tables().items():
        output.write_table(tidy_frame(table), folder, name)
        written.append(f"{name}.csv")
    for name, fig in result.figures().items():
        save_figure(fig, folder / f"{name}.png")
        written.append(f"{name}.png")
    if selection is not None:
        # sources are user text: guarded like every pausesim CSV (no formulas, no bare CR)
        output.write_table(tidy_frame(selection.table()), folder, "parameters", parquet=False)
        written.append("parameters.csv")
        record = {**record, **selection.record()}
    output.write_json(folder / "run.json", output.provenance(**record))
    return written + ["run.json"]


def save(result, out: Path, record: dict, force: bool = False, selection=None,
         inputs=()) -> list[str]:
    """Write ``result`` to the folder ``out`` atomically (``force`` never replaces a folder that
    holds one of ``inputs``, the files the run read); return the names of the files written."""
    with output.atomic_folder(Path(out), force, inputs) as folder:
        return write(result, folder, record, selection)


def scenario_record(scenario) -> dict:
    """What identifies a scenario in ``run.json``."""
    return {"scenario": scenario.name, "scenario_origin": scenario.origin,
            "scenario_digest": scenario.digest(), "calibration": scenario.calibration,
            "price_base": scenario.price_label(), "parameters": dict(scenario.values)}
