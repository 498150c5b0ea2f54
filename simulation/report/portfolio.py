"""A national portfolio: many practices simulated together and their total with honest bands.

National funders need the total across practices. Two things make its bands honest:

- **the same parameter draws in every area**: the national uncertainty (how well Pause works,
  the system-wide effect) is shared, so area ``i``'s parameter set ``d`` is posterior draw ``d``
  for every area (:func:`simulation.results.study.parameter_plan`);
- **independent chance between areas**: area ``i`` uses replication numbers offset by
  ``i * OFFSET``, so no two areas share random numbers (two identical areas give different
  futures), while within an area the two arms are paired as usual.

National replication ``j`` is the sum over areas of their replication ``j`` (same draw ``d``), so
the national band is the band of the sums, not the sum of the areas' bands. Every area is at one
price base (the portfolio's) and one horizon. :class:`National` is the total as a
:class:`~simulation.results.Results`: every metric and statistic of the registry, summed.

:func:`simulate` runs the areas, :func:`build` makes the tables, figures and sentences,
:func:`write` the files (:mod:`.portfolio_files`), :func:`make` all of it atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from simulation.core import deflators, output
from simulation.core.errors import PausesimError
from simulation.core.parameters import show
from simulation.report import export, tables
from simulation.report.areas import Area, repeated_places
from simulation.report.sentences import typographic
from simulation.results import Results, periods, study, views
from simulation.results import format as fmt
from simulation.results.metrics import STATISTIC_BY_NAME, all_names

#: Area ``i``'s replication numbers are ``i * OFFSET + n``: far apart (no run has this many
#: replications) and a multiple of the population's block of 25 replications, so areas never
#: share a block of women.
OFFSET = 10 ** 12
#: The national total by year (full registry names).
BY_YEAR = (
    "infants_avoided_cumulative",
    "infants_avoided_declined_cumulative", "infants_avoided_enrolled_cumulative",
    "infants_avoided_after_programme_cumulative", "infants_avoided_authority_cumulative",
    "infants_avoided_in_year",
    "cost_avoided_cumulative", "cost_avoided_cumulative_discounted",
    "programme_cost_cumulative", "programme_cost_cumulative_discounted",
    "net_cost_avoidance_cumulative", "net_cost_avoidance_cumulative_discounted",
    "probability_net_saving_discounted", "benefit_cost_ratio_discounted",
)
#: Each area's headline, to the last whole year.
AREA_FIGURES = (
    "infants_avoided_cumulative", "infants_avoided_authority_cumulative",
    "cost_avoided_cumulative_discounted", "programme_cost_cumulative_discounted",
    "net_cost_avoidance_cumulative_discounted", "probability_net_saving_discounted",
    "benefit_cost_ratio_discounted",
)
#: The figures of each replication, by year (within the year), national and per area.
REPLICATION_COLUMNS = (
    "infants_avoided_in_year", "infants_avoided_declined_in_year",
    "infants_avoided_enrolled_in_year", "infants_avoided_after_programme_in_year",
    "infants_avoided_authority_in_year", "cost_avoided_in_year", "programme_cost_in_year",
    "net_cost_avoidance_in_year", "cost_avoided_in_year_discounted",
    "programme_cost_in_year_discounted", "net_cost_avoidance_in_year_discounted",
)
#: Additive figures (metrics, not statistics): an area's share of the national mean means
#: something.
_ADDITIVE = {n for n in AREA_FIGURES if n not in STATISTIC_BY_NAME}
#: Break-even is left out: at the portfolio's yearly resolution it is only known to the year.
_HEADLINE_LEFT_OUT = ("break_even_month_discounted",)
assert set(BY_YEAR) | set(AREA_FIGURES) | set(REPLICATION_COLUMNS) <= set(all_names())
NATIONAL = "National total"
#: Short labels (the report's, plus the sources').
LABELS = {
    **tables.LABELS,
    "infants_avoided_declined_cumulative": "of which: mothers offered a place who did not enrol",
    "infants_avoided_enrolled_cumulative": "of which: mothers enrolled on the programme",
    "infants_avoided_after_programme_cumulative": "of which: mothers after the programme "
                                                  "(completed or left early)",
    "infants_avoided_authority_cumulative": "of which: other mothers in the authority "
                                            "(system-wide effect)",
}


# ------------------------------------------------------------------------- simulating
class National(Results):
    """The national total as a :class:`Results`: each metric's amount in every bin of
    replication ``j`` is the sum of the areas' amounts in their replication ``j`` (each costed
    and discounted with its own area's inputs, at the one price base); a tallied row is the sum
    of the areas' rows (counts add across areas; costs, which do not, are summed as amounts);
    the parameter sets are every area's, labelled."""

    def __init__(self, areas: Sequence[Results], labels: Sequence[str], scenario, meta: dict,
                 band: float):
        first = areas[0].simulated
        # replication j of the total: parameter set set_index[j], random numbers rep_number[j]
        # in the first area (offset 0) and rep_number[j] + i * OFFSET in area i
        simulated = replace(first, tally=None, post=None, events=None)
        super().__init__(simulated, scenario, meta, band)
        self.areas = list(areas)
        self.labels = list(labels)

    def amounts(self, metric, discounted: bool = False) -> np.ndarray:
        key = (metric.name, discounted)
        cache = self.__dict__.setdefault("_amounts", {})
        if key not in cache:
            cache[key] = sum(a.amounts(metric, discounted) for a in self.areas)
        return cache[key]

    def after_horizon_cost(self, arm: int, discounted: bool) -> np.ndarray:
        return sum(a.after_horizon_cost(arm, discounted) for a in self.areas)

    def row(self, name: str, arm: int) -> np.ndarray:
        cache = self.__dict__.setdefault("_rows", {})
        if (name, arm) not in cache:
            cache[name, arm] = sum(a.row(name, arm) for a in self.areas)
        return cache[name, arm]

    def parameter_sets(self) -> pd.DataFrame:
        """Each area's parameter sets (what varies between them): set ``d`` holds the same
        posterior draw in every area, except the values an area gives itself."""
        frames = [r.parameter_sets().assign(area=label)
                  for label, r in zip(self.labels, self.areas)]
        frame = pd.concat(frames, ignore_index=True)
        return frame[["area", *[c for c in frame.columns if c != "area"]]]


@dataclass
class Portfolio:
    """Every area's :class:`Results` (same order as ``areas``) and their national total."""

    areas: list[Area]
    results: list[Results]
    national: National
    meta: dict  # how the parameter sets were chosen (shared by every area)
    band: float

    @property
    def price_label(self) -> str:
        return self.national.price_label

    @property
    def reps(self) -> int:
        return self.national.reps

    def parameter_sets(self) -> pd.DataFrame:
        return self.national.parameter_sets()


def simulate(areas: Sequence[Area], reps: int, seed: int, uncertainty: str = "posterior",
             draws: int = study.DEFAULT_DRAWS, band: float = 0.9, engine: str = "fast",
             workers: int = 1, executor=None, progress: bool | None = None,
             checkpoint: Path | str | None = None) -> Portfolio:
    """Simulate every area in one run: the same parameter draws in every area, independent
    random numbers between areas (``i * OFFSET``), ``reps`` paired replications per area, kept
    by period (years and month 21)."""
    areas = list(areas)
    scenarios = [a.scenario for a in areas]
    if reps >= OFFSET:
        raise PausesimError(f"--reps = {reps} is invalid: must be below {OFFSET:,}")
    results = study.simulate_options(scenarios, reps, seed, uncertainty, draws, engine, workers,
                                     executor, progress, resolution="period",
                                     checkpoint=checkpoint, band=band, offset_per_option=OFFSET,
                                     independent_sites=True)
    for r in results:
        r.meta["random_number_offset_per_area"] = OFFSET
    meta = results[0].meta
    for r in results[1:]:  # national replication j adds the areas' replications j
        assert np.array_equal(r.simulated.set_index, results[0].simulated.set_index)
    national = National(results, [a.label for a in areas], _national_scenario(areas),
                        meta, band)
    return Portfolio(areas, results, national, meta, band)


def _national_scenario(areas: Sequence[Area]):
    """What the national total reads from a scenario: the horizon and the price base (the same
    in every area) - the first area's, renamed."""
    sc = areas[0].scenario
    return replace(sc, name="national portfolio", description=f"{len(areas)} practices",
                   title_text="National portfolio")


# ----------------------------------------------------------------------------- tables
def by_year(national: National, band: float) -> pd.DataFrame:
    """The national total to the end of each year (:data:`BY_YEAR`), one row per figure."""
    rows = []
    for period in periods(national.horizon):
        if period.startswith("year_"):
            rows += [{"year": int(period[5:]), **_labelled(national, name, period, band)}
                     for name in BY_YEAR]
    return pd.DataFrame(rows)


def _labelled(results, name: str, period: str, band: float) -> dict:
    return {**tables.figure_row(results, name, period, band), "label": LABELS.get(name, name)}


def headline(national: National, band: float, optimism_bias: bool) -> pd.DataFrame:
    """The report's headline figures (:data:`tables.HEADLINE`) for the national total."""
    frame = tables.headline(national, band)
    frame = frame[~frame.metric.isin(_HEADLINE_LEFT_OUT)]
    if not optimism_bias:
        frame = frame[frame.metric != "optimism_bias_cost_cumulative_discounted"]
    return frame.reset_index(drop=True)


def area_headline(portfolio: Portfolio, band: float) -> pd.DataFrame:
    """Each area's headline (:data:`AREA_FIGURES`, to the last whole year) with bands, its share
    of the national mean, and the national total's rows last."""
    period = tables.last_year(portfolio.national)
    national = {n: _labelled(portfolio.national, n, period, band) for n in AREA_FIGURES}
    rows = []
    for area, results in zip(portfolio.areas, portfolio.results):
        for name in AREA_FIGURES:
            row = _labelled(results, name, period, band)
            total = national[name]["mean"]
            share = row["mean"] / total if name in _ADDITIVE and total else np.nan
            rows.append({"area": area.label, "scenario": area.row.reference, **row,
                         "share_of_national": share})
    for name in AREA_FIGURES:
        rows.append({"area": NATIONAL, "scenario": "", **national[name],
                     "share_of_national": 1.0 if name in _ADDITIVE else np.nan})
    return pd.DataFrame(rows)


def area_inputs(portfolio: Portfolio) -> pd.DataFrame:
    """One row per area: where its scenario comes from, its digest, size, price base (its own
    and the portfolio's), horizon and the overrides its row gives."""
    base = portfolio.price_label
    rows = []
    for area in portfolio.areas:
        sc = area.scenario
        rows.append({
            "area": area.label, "row": area.row.row, "scenario": area.row.reference,
            "scenario_name": sc.name, "title": sc.title, "origin": sc.origin,
            "digest": sc.digest(), "calibration": sc.calibration or "none",
            "practitioners": sc["practice.practitioners"], "capacity_women": sc.capacity,
            "own_price_base": f"GBP {deflators.label(area.own_price_year)} prices",
            "price_base": base, "own_horizon_months": area.own_horizon_months,
            "horizon_months": sc["practice.horizon_months"],
            "discount_rate_per_year": sc["costs.discount_rate_per_year"],
            "optimism_bias": sc["costs.optimism_bias"],
            "overrides": "; ".join(f"{k}={show(sc[k])}" for k in area.row.overrides),
        })
    return pd.DataFrame(rows)


def money_inputs(portfolio: Portfolio) -> pd.DataFrame:
    """Every area's money inputs with their own price years and their value at the base."""
    frames = [tables.money_inputs(r).assign(area=a.label)
              for a, r in zip(portfolio.areas, portfolio.results)]
    frame = pd.concat(frames, ignore_index=True)
    return frame[["area", *[c for c in frame.columns if c != "area"]]]


def replications(results: Results) -> pd.DataFrame:
    """Per replication and year: :data:`REPLICATION_COLUMNS` within the year, with the
    replication's parameter set and random numbers (the registry's derivations, via
    :meth:`Results.value`; a subset of :meth:`Results.replications`, which is slow for 25
    areas)."""
    years = [p for p in periods(results.horizon) if p.startswith("year_")]
    sim = results.simulated
    frames = []
    for period in years:
        end = float(periods(results.horizon)[period])
        frames.append(pd.DataFrame({
            "rep": np.arange(results.reps), "parameter_set": sim.set_index,
            "random_numbers": sim.rep_number, "year": int(period[5:]),
            **{name: results.value(name, end) for name in REPLICATION_COLUMNS}}))
    return pd.concat(frames, ignore_index=True).sort_values(["rep", "year"],
                                                            ignore_index=True)


def area_replications(portfolio: Portfolio) -> pd.DataFrame:
    """Each area's :func:`replications`: summed over areas, replication by replication, they
    are the national ones."""
    frames = [replications(r).assign(area=a.label)
              for a, r in zip(portfolio.areas, portfolio.results)]
    frame = pd.concat(frames, ignore_index=True)
    return frame[["area", *[c for c in frame.columns if c != "area"]]]


# --------------------------------------------------------------------------- the report
@dataclass
class PortfolioReport:
    portfolio: Portfolio
    origin: str  # the areas file
    tables: dict[str, pd.DataFrame]  # written as <name>.csv
    sentences: list[str]  # the national summary, plain text
    notes: list[str]  # how the figures were made (price base, horizon, shared draws)
    # written as <name>.parquet only: every area's replications (exact values; as CSV they
    # would take longer to write than the simulation takes to run)
    parquet: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: list = field(default_factory=list)  # report.figures.Figure
    record: dict = field(default_factory=dict)  # run.json

    @property
    def title(self) -> str:
        return f"National portfolio: {len(self.portfolio.areas)} practices"


def build(portfolio: Portfolio, origin: str, band: float = 0.9,
          view: str = "base") -> PortfolioReport:
    """Tables, sentences, notes, figures and provenance of a portfolio in one view
    (:mod:`simulation.results.views`: ``base`` or ``authority``)."""
    from simulation.report import portfolio_files

    national = portfolio.national
    optimism = any(a.scenario["costs.optimism_bias"] > 0 for a in portfolio.areas)
    t = {
        "national_headline": headline(national, band, optimism),
        "national_by_year": by_year(national, band),
        "national_sources": tables.sources(national, band),
        "areas_headline": area_headline(portfolio, band),
        "areas": area_inputs(portfolio),
        "money_inputs": money_inputs(portfolio),
        "national_summary": national.summary(band),
        "replications": replications(national),
        "parameter_sets": portfolio.parameter_sets(),
    }
    per_area = {"area_replications": area_replications(portfolio)}
    report = PortfolioReport(portfolio, str(origin), t, summary_sentences(portfolio, t, view),
                             notes(portfolio, t), parquet=per_area)
    report.figures = portfolio_files.figures(report)
    report.record = record(portfolio, origin) | {"view": views.LABELS[view],
                                                 "view_meaning": views.WORDS[view]}
    return report


def summary_sentences(portfolio: Portfolio, t: dict[str, pd.DataFrame],
                      view: str = "base") -> list[str]:
    """The national figures in words (each number is a cell of ``national_headline``), each
    sentence opening with its view."""
    head = t["national_headline"].set_index(["metric", "period"])
    last = tables.last_year(portfolio.national)
    years = int(last[5:])
    over = f"over {years} year{'s' if years > 1 else ''}"
    band = fmt.percent(portfolio.band)
    price = portfolio.price_label

    def show(metric, period=last, money=False):
        r = head.loc[(metric, period)]
        f = (lambda v: typographic(fmt.money(v))) if money else \
            (lambda v: typographic(fmt.count(v)))
        if f(r["lo"]) == f(r["hi"]):  # a fixed input (programme cost): one figure
            return f"{f(r['median'])} (the same in every future)"
        return f"{f(r['median'])} ({f(r['lo'])} to {f(r['hi'])})"

    p = head.loc[("probability_net_saving_discounted", last), "mean"]
    n = len(portfolio.areas)
    opening = f"{views.SHORT[view].capitalize()} ({views.WORDS[view].split('(', 1)[1]}"
    out = [
        f"Across the {n} practices, {over}: {show('infants_avoided_cumulative')} infants kept "
        f"out of care (median and central {band} of {portfolio.reps} simulated "
        "futures).",
        f"Care costs avoided, discounted: {show('cost_avoided_cumulative_discounted', money=True)}"
        f", against a programme cost of "
        f"{show('programme_cost_cumulative_discounted', money=True)} ({price}).",
        f"Net present value, council costs only: "
        f"{show('net_cost_avoidance_cumulative_discounted', money=True)} ({price}); the "
        f"portfolio has paid for itself in {fmt.percent(p)} of simulated futures by the end of "
        f"year {years}.",
    ]
    return [f"{opening}: {sentence[0].lower()}{sentence[1:]}" for sentence in out]


def notes(portfolio: Portfolio, t: dict[str, pd.DataFrame]) -> list[str]:
    """How the figures were made, in plain words (shown in every output)."""
    base = portfolio.price_label
    converted = [f"{a.label} ({deflators.label(a.own_price_year)})" for a in portfolio.areas
                 if f"GBP {deflators.label(a.own_price_year)} prices" != base]
    horizon = portfolio.national.horizon
    changed = [f"{a.label} ({a.own_horizon_months:g} months)" for a in portfolio.areas
               if a.own_horizon_months != horizon]
    meta = portfolio.meta
    draws = meta.get("draws", 1)
    how = (f"the same {draws} parameter sets drawn from calibration "
           f"{meta.get('calibration')!r} in every area" if meta.get("parameters") ==
           "posterior draws" else f"one parameter set per area ({meta.get('parameters')})")
    out = [
        f"Money: {base} in every area; each area's inputs are converted from their own price "
        "years with the HM Treasury GDP deflator" + (f" (scenarios priced otherwise: "
                                                      f"{', '.join(converted)})" if converted
                                                      else "") + ". Council costs only; each "
        "area discounted at its own rate.",
        f"Horizon: {horizon:g} months in every area" + (
            f" (changed from the scenario's own for {', '.join(changed)}: simulated and "
            "costed over this horizon)" if changed else "") + ".",
        f"Uncertainty: {how}, so the areas' futures move together where the national evidence "
        "is uncertain; chance is independent between areas (each area its own random numbers) "
        "and paired within an area (with and without the practice).",
        f"National replication j is the sum of the areas' replications j: the national band "
        f"(central {fmt.percent(portfolio.band)} of {portfolio.reps} futures) is not the sum "
        "of the areas' bands.",
    ]
    return out + [f"Warning: {line}." for line in repeated_places(portfolio.areas)]


def two_views(base: National, authority: National, band: float) -> pd.DataFrame:
    """The national total's headline in both views side by side (the base case first):
    :func:`simulation.results.views.headline` of the two totals."""
    return views.headline(views.Views(base, authority), band)


def record(portfolio: Portfolio, origin) -> dict:
    """run.json: the areas and their scenario digests, seed, draws, engine, version."""
    sim = portfolio.national.simulated
    first = portfolio.results[0]
    return output.provenance(
        command="portfolio", areas_file=str(origin),
        areas=[{"area": a.label, "row": a.row.row, "scenario": a.row.reference,
                "scenario_name": a.scenario.name, "scenario_origin": a.scenario.origin,
                "scenario_digest": a.scenario.digest(),
                "overrides": {k: a.scenario[k] for k in a.row.overrides},
                "own_price_year": a.own_price_year,
                "own_horizon_months": a.own_horizon_months,
                "random_numbers_from": OFFSET * i}
               for i, a in enumerate(portfolio.areas)],
        seed=sim.seed, reps_per_area=portfolio.reps,
        parameter_sets=len(first.simulated.scenarios),
        draws=portfolio.meta.get("draws"), engine=sim.engine, workers=sim.workers,
        band=portfolio.band, wall_seconds=round(sim.wall_seconds, 3),
        random_number_offset_per_area=OFFSET,
        calibration=first.scenario.calibration,
        uncertainty={k: v for k, v in portfolio.meta.items() if k != "posterior_note"},
        price_base=portfolio.price_label, deflators=deflators.SOURCE,
        horizon_months=portfolio.national.horizon)


def write(report: PortfolioReport, folder: Path, template: Path | None = None) -> None:
    """Every file of the portfolio into an existing (temporary) folder (``template``: the
    council's .docx for portfolio.docx)."""
    from simulation.report import portfolio_files

    folder = Path(folder)
    for name, table in report.tables.items():
        export.write_csv(table, folder, name)
    for name, table in report.parquet.items():
        output.write_table(table, folder, name, csv=False)
    for fig in report.figures:
        (folder / f"{fig.name}.png").write_bytes(fig.png)
    (folder / "portfolio.html").write_text(portfolio_files.html(report), encoding="utf-8")
    portfolio_files.docx(report, folder / "portfolio.docx", template)
    portfolio_files.xlsx(report, folder / "portfolio.xlsx")
    output.write_json(folder / "run.json", report.record)


def make(areas: Sequence[Area], origin, out: Path, reps: int, seed: int, band: float = 0.9,
         force: bool = False, uncertainty: str = "posterior", draws: int = study.DEFAULT_DRAWS,
         inputs=(), before_writing=None, template: Path | None = None,
         **run_options) -> PortfolioReport:
    """Simulate the areas in both views and write the portfolio to ``out``: the base case at
    its top, the authority-wide scenario in ``authority-wide/``, both views' sentences (the base
    case first) in every document. Complete, or not at all;
    ``--force`` never replaces a folder holding the areas file, a scenario file or one of
    ``inputs``). ``run_options`` (engine, workers, executor, progress, checkpoint) change how
    fast, never which numbers."""
    inputs = [origin, *inputs, *[a.scenario.origin for a in areas
                                 if Path(a.scenario.origin).exists()]]
    output.check_writable(Path(out), force, inputs)
    checkpoint = run_options.pop("checkpoint", None)
    reports = {}
    for view, k in (("base", 0), ("authority", 1)):
        viewed = [replace(a, scenario=views.scenarios(a.scenario)[k]) for a in areas]
        portfolio = simulate(viewed, reps, seed, uncertainty, draws, band,
                             checkpoint=None if checkpoint is None else Path(checkpoint) / view,
                             **run_options)
        reports[view] = build(portfolio, origin, band, view)
    both = reports["base"].sentences + reports["authority"].sentences
    head = two_views(reports["base"].portfolio.national, reports["authority"].portfolio.national,
                     band)
    for report in reports.values():  # every output shows both views, the base case first
        report.sentences = both
        report.tables = {"national_two_views": head, **report.tables}
    if before_writing is not None:  # (a large portfolio's files take a while)
        before_writing()
    with output.atomic_folder(Path(out), force, inputs) as folder:
        write(reports["base"], folder, template)
        (folder / "authority-wide").mkdir()
        write(reports["authority"], folder / "authority-wide", template)
    return reports["base"]
