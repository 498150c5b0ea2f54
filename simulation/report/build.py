"""Making a business-case report: two runs, tables, sentences, figures; written atomically.

:func:`simulate` runs the scenario under its own calibration and under the direct-effects-only
calibration (same seed, same options); :func:`build` turns the two :class:`Results` into a
:class:`Report`; :func:`write` puts it in a folder (``report.html``, ``report.docx``,
``report.xlsx``, every figure as PNG, every table as CSV, ``run.json``, ``scenario.toml``);
:func:`make` does the whole job, leaving a complete folder or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from simulation.core import output
from simulation.core.scenario import Scenario
from simulation.report import council, export, figures, sentences, tables
from simulation.report.claims import BusinessCase
from simulation.results import Results, study
from simulation.results import write as results_write
from simulation.results.text import parameter_note

#: The calibration with no system-wide effect (direct effects on the practice's women only).
DIRECT_EFFECTS = "national-micro"


@dataclass
class Report:
    results: Results
    direct: Results  # the same scenario under the direct-effects-only calibration
    band: float
    note: str
    tables: dict[str, pd.DataFrame]  # written as <name>.csv
    sentences: list[sentences.Sentence]
    figures: list[figures.Figure]
    council_inputs: council.CouncilInputs
    case: BusinessCase | None = None
    record: dict = field(default_factory=dict)  # provenance for run.json

    @property
    def scenario(self) -> Scenario:
        return self.results.scenario

    @property
    def title(self) -> str:
        return self.scenario.title


def other_calibration(scenario: Scenario) -> str:
    """The calibration of the structural comparison: direct effects only, or - for a scenario
    already calibrated that way - the default one."""
    return "national" if scenario.calibration == DIRECT_EFFECTS else DIRECT_EFFECTS


def view_names(scenario: Scenario) -> tuple[str, str]:
    own = scenario.calibration or "none"
    other = other_calibration(scenario)
    direct = f"Direct effects only (calibration '{DIRECT_EFFECTS}')"
    if own == DIRECT_EFFECTS:
        return direct, f"With the system-wide effect (calibration '{other}')"
    return f"As calibrated (calibration '{own}')", direct


def simulate(scenario: Scenario, reps: int, seed: int, uncertainty: str = "posterior",
             draws: int = study.DEFAULT_DRAWS, band: float = 0.9, checkpoint=None,
             **options) -> tuple[Results, Results]:
    """The scenario under its calibration and under :func:`other_calibration`, same seed and
    options (``options``: engine, workers, executor, progress of :func:`study.simulate`)."""
    main = study.simulate(scenario, reps, seed, uncertainty, draws, band=band,
                          checkpoint=checkpoint, **options)
    other = study.simulate(scenario.with_calibration(other_calibration(scenario)), reps, seed,
                           uncertainty, draws, band=band,
                           checkpoint=None if checkpoint is None else
                           Path(checkpoint) / "other-calibration", **options)
    return main, other


def build(results: Results, other: Results, band: float = 0.9,
          council_removals: float | None = None, case: BusinessCase | None = None) -> Report:
    """Everything the report shows, computed from the two runs."""
    from simulation.report import comparison

    sc = results.scenario
    note = parameter_note(results.meta, sc)
    inputs = council.from_scenario(sc, council_removals)
    council_table = council.estimate(inputs)
    versus = council.versus_simulation(inputs, council_table, results, band)
    names = view_names(sc)
    views = {names[0]: results, names[1]: other}
    if sc.calibration == DIRECT_EFFECTS:  # the direct-effects view is always the second row
        views = {names[1]: other, names[0]: results}
    plane_points = tables.per_parameter_set(results)
    plane, plane_summary, ceac = figures.cost_effectiveness(results, plane_points)
    price = results.price_label
    t = {
        "headline": tables.headline(results, band),
        "by_year": tables.by_year(results, band),
        "sources": tables.sources(results, band),
        "structural": tables.structural(views, band),
        "money_inputs": tables.money_inputs(results),
        "council_method": council_table.assign(unit=inputs.yearly().price_base),
        "council_inputs": pd.DataFrame(inputs.rows(), columns=["input", "value", "unit",
                                                                "source"]),
        "council_vs_simulation": versus,
        "activity": tables.activity(results, band),
        "assumptions": tables.assumptions(results),
        "ce_plane": plane.assign(point=plane_points[2], unit=price),
        "ce_acceptability": ceac,
        "summary": results.summary(band),
        "replications": results.replications(),
        "parameter_sets": results.parameter_sets(),
    }
    said = sentences.citable(t)
    t["sentences"] = sentences.to_frame(said)
    if case is not None:
        t["claims"] = comparison.compare(case, results, band, inputs)
    net = versus[versus.metric == "net_cost_avoidance_cumulative_discounted"].iloc[0]
    figs = figures.all_figures(results, band, net.council, net.share_of_futures_below_council,
                               plane, plane_summary, ceac, plane_points[2])
    record = results_write.record(
        results, command="report", other_calibration=other.scenario.calibration,
        other_uncertainty={k: v for k, v in other.meta.items() if k != "posterior_note"},
        note=note, council_removals_per_cohort=list(inputs.removals_avoided_per_cohort),
        business_case=case.id if case else None, title=sc.title)
    return Report(results, other, band, note, t, said, figs, inputs, case, record)


def write(report: Report, folder: Path) -> None:
    """All files of a report into an existing (temporary) folder."""
    from simulation.report import excel, html, word

    folder = Path(folder)
    for name, table in report.tables.items():
        export.write_csv(table, folder, name)
    for fig in report.figures:
        (folder / f"{fig.name}.png").write_bytes(fig.png)
    (folder / "report.html").write_text(html.render(report), encoding="utf-8")
    word.write(report, folder / "report.docx")
    excel.write(report, folder / "report.xlsx")
    (folder / "scenario.toml").write_text(report.scenario.to_toml(), encoding="utf-8")
    output.write_json(folder / "run.json", report.record)


def make(scenario: Scenario, out: Path, reps: int, seed: int, band: float = 0.9,
         force: bool = False, council_removals: float | None = None,
         case: BusinessCase | None = None, uncertainty: str = "posterior",
         draws: int = study.DEFAULT_DRAWS, inputs=(), **run_options) -> Report:
    """Simulate ``scenario`` (both calibrations) and write its report to ``out`` (complete, or
    not at all; ``--force`` never replaces a folder holding one of ``inputs``). ``run_options``
    go to :func:`study.simulate` (engine, workers, executor, progress, checkpoint): they change
    how fast, never which numbers."""
    output.check_writable(Path(out), force, inputs)
    main, other = simulate(scenario, reps, seed, uncertainty, draws, band, **run_options)
    report = build(main, other, band, council_removals, case)
    with output.atomic_folder(Path(out), force, inputs) as folder:
        write(report, folder)
    return report
