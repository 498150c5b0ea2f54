"""Making a business-case report: run, tables, sentences, figures; written atomically.

:func:`build` turns a Monte Carlo result into a :class:`Report`; :func:`write` puts it in a folder
(``report.html`` + one CSV per table + ``run.json`` + ``scenario.toml``); :func:`make` does the
whole job from a scenario, leaving a complete folder or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from simulation.core import output
from simulation import runner
from simulation.results import summary
from simulation.cli.run import parameter_note
from simulation.core.scenario import Scenario
from simulation.report import comparison, council, figures, html, sentences, tables
from simulation.report.claims import BusinessCase


@dataclass
class Report:
    result: runner.MonteCarloResult
    band: float
    note: str
    tables: dict[str, pd.DataFrame]  # written as <name>.csv
    sentences: list[sentences.Sentence]
    figures: list[tuple[str, str, str]]  # (name, caption, data URI)
    council_inputs: council.CouncilInputs
    case: BusinessCase | None = None
    record: dict = field(default_factory=dict)  # provenance for run.json


def build(result: runner.MonteCarloResult, band: float = 0.9, note: str | None = None,
          council_removals: float | None = None, case: BusinessCase | None = None) -> Report:
    """Everything the report shows, computed from ``result``; ``note`` says where the parameters
    come from (default: what the run used, see :func:`simulation.cli.run.parameter_note`)."""
    note = note or parameter_note(result)
    scenario = result.scenario
    inputs = council.from_scenario(scenario, council_removals)
    council_table = council.estimate(inputs)
    versus = council.versus_simulation(inputs, council_table, result, band)
    t = {
        "headline": tables.headline(result, band),
        "by_year": tables.by_year(result, band),
        "council_method": council_table,
        "council_inputs": pd.DataFrame(inputs.rows(), columns=["input", "value", "unit", "source"]),
        "council_vs_simulation": versus,
        "activity": tables.activity(result, band),
        "assumptions": tables.assumptions(scenario),
        "summary": summary.summary_table(result, band),
        "replications": summary.replication_table(result),
    }
    said = sentences.citable(t)
    t["sentences"] = sentences.to_frame(said)
    if case is not None:
        t["claims"] = comparison.compare(case, result, band, inputs)
    net = versus[(versus.metric == "net_cost_avoidance_cumulative_discounted")].iloc[0]
    figs = figures.all_figures(result, band, council_table, net.council,
                               net.share_of_futures_below_council)
    record = output.provenance(
        scenario=scenario.name, scenario_origin=scenario.origin, scenario_digest=scenario.digest(),
        seed=result.seed, reps=result.reps, workers=result.workers, engine=result.engine,
        band=band, wall_seconds=round(result.wall_seconds, 3), note=note,
        council_removals_per_cohort=list(inputs.removals_avoided_per_cohort),
        business_case=case.id if case else None, parameters=dict(scenario.values))
    return Report(result, band, note, t, said, figs, inputs, case, record)


def write(report: Report, folder: Path) -> None:
    """All files of a report into an existing (temporary) folder."""
    folder = Path(folder)
    for name, table in report.tables.items():
        output.write_table(table, folder, name, parquet=False)
    (folder / "report.html").write_text(html.render(report), encoding="utf-8")
    (folder / "scenario.toml").write_text(report.result.scenario.to_toml())
    output.write_json(folder / "run.json", report.record)


def make(scenario: Scenario, out: Path, reps: int, seed: int, band: float = 0.9,
         force: bool = False, council_removals: float | None = None,
         case: BusinessCase | None = None, **run_options) -> Report:
    """Simulate ``scenario`` and write its report to ``out`` (complete, or not at all).

    ``run_options`` go to :func:`simulation.runner.run` (``workers``, ``progress``, ``engine``,
    ``executor``, ``checkpoint``): they change how fast, never which numbers."""
    output.check_writable(Path(out), force)
    result = runner.run(scenario, reps, seed, **run_options)
    report = build(result, band, council_removals=council_removals, case=case)
    with output.atomic_folder(Path(out), force) as folder:
        write(report, folder)
    return report
