"""Making a business-case report: two views, tables, sentences, figures; written atomically.

:func:`simulate` runs the scenario's two views (:mod:`simulation.results.views`): the **base
case** (the practice's own women, calibrated to the micro-evidence, no system effect) and the
**authority-wide scenario** (if the fall in all infant care entries measured in five long-running
Pause areas also happens here), same seed and options; :func:`build` turns them into a
:class:`Report` whose every headline leads with the base case and gives the authority-wide
scenario beside it, with the break-even threshold between them; :func:`write` puts it in a
folder (``report.html``, ``report.docx``, ``report.xlsx``, every figure as PNG, every table as
CSV, ``run.json``, ``scenario.toml``); :func:`make` does the whole job, leaving a complete folder
or none.
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
from simulation.results import views as views_mod
from simulation.results import write as results_write
from simulation.results.text import parameter_note

#: The calibration of the base case (direct effects on the practice's women only).
DIRECT_EFFECTS = views_mod.BASE_CALIBRATION


@dataclass
class Report:
    results: Results  # the base case: every single-view table (headline, by year, money ...)
    authority: Results  # the authority-wide scenario, same seed and options
    band: float
    note: str
    tables: dict[str, pd.DataFrame]  # written as <name>.csv
    sentences: list[sentences.Sentence]
    figures: list[figures.Figure]
    council_inputs: council.CouncilInputs
    case: BusinessCase | None = None
    record: dict = field(default_factory=dict)  # provenance for run.json
    local: object | None = None  # "Local evidence so far" (local_evidence.LocalEvidence)

    @property
    def views(self) -> views_mod.Views:
        return views_mod.Views(self.results, self.authority)

    @property
    def base(self) -> Results:
        return self.results

    @property
    def scenario(self) -> Scenario:
        return self.results.scenario

    @property
    def title(self) -> str:
        return self.scenario.title


def simulate(scenario: Scenario, reps: int, seed: int, uncertainty: str = "posterior",
             draws: int = study.DEFAULT_DRAWS, band: float = 0.9, checkpoint=None,
             **options) -> tuple[Results, Results]:
    """(base case, authority-wide scenario) of ``scenario`` (:func:`views.simulate`: same seed
    and options; ``checkpoint``: a folder holding one per view; ``options``: engine, workers,
    executor, progress of :func:`study.simulate`)."""
    both = views_mod.simulate(scenario, reps, seed, uncertainty, draws, band=band,
                              checkpoint=checkpoint, **options)
    return both.base, both.authority


def _with_years(frame: pd.DataFrame, months) -> pd.DataFrame:
    frame = frame.copy()
    frame["months"] = months
    frame["years"] = frame["months"] / 12.0
    return frame


def two_views(both: views_mod.Views, band: float) -> pd.DataFrame:
    """:func:`views.headline` (both views side by side, the base case first) with the month
    each figure runs to (``months``, ``years``)."""
    frame = views_mod.headline(both, band)
    ends = {"infants_first_21_months": 21.0, "infants_a_year_years_3_5": 60.0}
    last_year = max((m for p, m in views_mod.period_ends(both.base.horizon).items()
                     if p.startswith("year_")), default=both.base.horizon)
    months = [ends.get(f, last_year if f == "infants_last_year" else both.base.horizon)
              for f in frame.figure]
    return _with_years(frame, months)


def build(results, other: Results | None = None, band: float = 0.9,
          council_removals: float | None = None, case: BusinessCase | None = None) -> Report:
    """Everything the report shows, from the base case and the authority-wide scenario
    (``results``: the base case's :class:`Results` with ``other`` the authority-wide one, or a
    :class:`views.Views`)."""
    from simulation.report import claims_check

    both = results if isinstance(results, views_mod.Views) else \
        views_mod.Views(results, other)
    base, authority = both.base, both.authority
    sc = base.scenario
    note = parameter_note(base.meta, sc)
    authority_note = parameter_note(authority.meta, authority.scenario)
    inputs = council.from_scenario(sc, council_removals)
    council_table = council.estimate(inputs)
    versus = council.versus_simulation(inputs, council_table, base, band)
    plane_points = tables.per_parameter_set(base)
    plane, plane_summary, ceac = figures.cost_effectiveness(base, plane_points)
    price = base.price_label
    be = views_mod.break_even(both, band)
    t = {
        "two_views": two_views(both, band),
        "break_even": be.assign(years=be.months / 12.0, unit="infant care entries"),
        "net_saving_by_system_effect": views_mod.net_saving_curve(both),
        "headline": tables.headline(base, band).assign(view="base"),
        "by_year": tables.by_year(base, band).assign(view="base"),
        "sources": pd.concat([tables.sources(res, band).assign(view=name)
                              for name, res in both.items()], ignore_index=True),
        "money_inputs": tables.money_inputs(base),
        "council_method": council_table.assign(unit=inputs.yearly().price_base),
        "council_inputs": pd.DataFrame(inputs.rows(), columns=["input", "value", "unit",
                                                                "source"]),
        "council_vs_simulation": versus.assign(view="base"),
        "activity": tables.activity(base, band).assign(view="base"),
        "assumptions": tables.assumptions(base),
        "assumptions_authority": tables.assumptions(authority),
        "ce_plane": plane.assign(point=plane_points[2], unit=price, view="base"),
        "ce_acceptability": ceac.assign(view="base"),
        "summary": base.summary(band),
        "summary_authority": authority.summary(band),
        "replications": base.replications(),
        "parameter_sets": base.parameter_sets(),
    }
    said = sentences.citable(t)
    t["sentences"] = sentences.to_frame(said)
    if case is not None:
        # each claim against both views, the base case's rows first, each sentence naming its view
        t["claims"] = pd.concat(
            [claims_check.compare(case, res, band, inputs).pipe(
                lambda f, name=name: f.assign(view=name,
                                              sentence=sentences.PREFIX[name] + f.sentence))
             for name, res in both.items()], ignore_index=True)
    net = versus[versus.metric == "net_cost_avoidance_cumulative_discounted"].iloc[0]
    figs = figures.all_figures(base, band, net.council, net.share_of_futures_below_council,
                               plane, plane_summary, ceac, plane_points[2], views=both)
    record = results_write.record(
        base, command="report", view=views_mod.LABELS["base"],
        authority_calibration=authority.scenario.calibration,
        authority_uncertainty={k: v for k, v in authority.meta.items()
                               if k != "posterior_note"},
        authority_note=authority_note,
        note=note, council_removals_per_cohort=list(inputs.removals_avoided_per_cohort),
        business_case=case.id if case else None, title=sc.title)
    return Report(base, authority, band, note, t, said, figs, inputs, case, record)


def write(report: Report, folder: Path, template: Path | None = None) -> None:
    """All files of a report into an existing (temporary) folder (``template``: the council's
    .docx for report.docx)."""
    from simulation.report import excel, html, word

    folder = Path(folder)
    for name, table in report.tables.items():
        export.write_csv(table, folder, name)
    for fig in report.figures:
        (folder / f"{fig.name}.png").write_bytes(fig.png)
    (folder / "report.html").write_text(html.render(report), encoding="utf-8")
    word.write(report, folder / "report.docx", template)
    excel.write(report, folder / "report.xlsx")
    (folder / "scenario.toml").write_text(report.scenario.to_toml(), encoding="utf-8")
    (folder / "scenario_authority.toml").write_text(report.authority.scenario.to_toml(),
                                                    encoding="utf-8")
    output.write_json(folder / "run.json", report.record)


def add_local_evidence(report: Report, monitoring, seed: int, plan_sims: int = 100,
                       p_no_effect: float | None = None) -> None:
    """The "Local evidence so far" section (:mod:`.local_evidence`) and its CSV tables."""
    from simulation.report import local_evidence

    report.local = local_evidence.build(report.views, monitoring, seed, p_no_effect,
                                        plan_sims=plan_sims)
    report.tables.update(report.local.tables)
    report.record["monitoring"] = monitoring.origin


def make(scenario: Scenario, out: Path, reps: int, seed: int, band: float = 0.9,
         force: bool = False, council_removals: float | None = None,
         case: BusinessCase | None = None, uncertainty: str = "posterior",
         draws: int = study.DEFAULT_DRAWS, inputs=(), monitoring=None, plan_sims: int = 100,
         p_no_effect: float | None = None, template: Path | None = None, extra=None,
         **run_options) -> Report:
    """Simulate ``scenario``'s two views and write its report to ``out`` (complete, or not at
    all; ``--force`` never replaces a folder holding one of ``inputs``). ``run_options`` go to
    :func:`study.simulate` (engine, workers, executor, progress, checkpoint): they change how
    fast, never which numbers. ``monitoring``: validated monitoring data
    (:mod:`simulation.core.monitoring`), for the "Local evidence so far" section (its Plan with
    ``plan_sims`` simulated authorities per figure, and ``p_no_effect`` the local prior
    probability of no system effect, default the calibration's). ``template``: the council's
    .docx for report.docx (checked before any simulation). ``extra(folder)``, if given, writes
    more files into the folder before it is published (the options appraisal of ``report
    --variant``)."""
    from simulation.report.word_blocks import check_template

    check_template(template)
    output.check_writable(Path(out), force, inputs)
    base, authority = simulate(scenario, reps, seed, uncertainty, draws, band, **run_options)
    report = build(base, authority, band, council_removals, case)
    if monitoring is not None:
        add_local_evidence(report, monitoring, seed, plan_sims, p_no_effect)
    with output.atomic_folder(Path(out), force, inputs) as folder:
        write(report, folder, template)
        if extra is not None:
            extra(folder)
    return report
