"""Writing an analysis: its tables (CSV + Parquet), figures (PNG) and ``run.json`` provenance.

Every result of this package has ``tables() -> {name: DataFrame}`` and ``figures() -> {name:
Figure}``. :func:`save` writes them atomically (a complete folder or none).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from simulation.core import output


def write(result, folder: Path, record: dict) -> list[str]:
    """Write ``result``'s tables, figures and ``run.json`` into an existing ``folder``."""
    written = []
    for name, table in result.tables().items():
        output.write_table(table, folder, name)
        written.append(f"{name}.csv")
    for name, fig in result.figures().items():
        fig.savefig(Path(folder) / f"{name}.png", dpi=120)
        plt.close(fig)
        written.append(f"{name}.png")
    output.write_json(Path(folder) / "run.json", output.provenance(**record))
    return written + ["run.json"]


def save(result, out: Path, record: dict, force: bool = False) -> list[str]:
    """Write ``result`` to the folder ``out`` atomically; return the names of the main files."""
    with output.atomic_folder(Path(out), force) as folder:
        return write(result, folder, record)


def scenario_record(scenario) -> dict:
    """What identifies a scenario in ``run.json``."""
    return {"scenario": scenario.name, "scenario_origin": scenario.origin,
            "scenario_digest": scenario.digest(), "parameters": dict(scenario.values)}
