"""The report as an Excel workbook (openpyxl): sheets for people, print-ready, and a data sheet.

People's sheets (labels in words, numbers as numbers with number formats, each printing on A4
fitted to the page width with its header row on every page): Summary (the two views side by
side, the base case first, and under them native Excel charts of the fan of infants kept out of
care and of the sources in both views), Break-even (the threshold by financial year), By
financial year (the base case's money and infants with financial years across the columns, as
finance sheets have them), Effect by source, Council method (by financial year), Money inputs,
Assumptions, Notes (provenance and every sentence, naming its view). The Data sheet holds the
same tables as the CSV files beside the workbook, with their metric codes, one under the other.

Financial years: year 1 of the horizon (its first 12 months) is the financial year of the
scenario's price base, ``costs.price_year`` (:func:`excel_blocks.first_financial_year`: a
scenario has no start date of its own).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simulation.report import excel_blocks as xb
from simulation.results.format import tidy_frame
from simulation.results.views import calibration_words

# the former names (the portfolio's workbook and older callers use them)
cell_value = xb.cell_value
MONEY_FORMAT = xb.MONEY
SHORT = {"base": "Base case", "authority": "Authority-wide scenario"}
VIEW_WORDS = {"base": "base case", "authority": "authority-wide scenario", "both": "both views"}
#: Tables written to the Data sheet (as their CSV files), in order.
DATA_TABLES = ("two_views", "break_even", "net_saving_by_system_effect", "headline", "by_year",
               "sources", "council_method", "money_inputs", "assumptions")
#: People's sheets, in order (the Data sheet last).
PEOPLE_SHEETS = ("Summary", "Break-even", "By financial year", "Effect by source",
                 "Council method", "Money inputs", "Assumptions", "Notes")
DATA_SHEET = "Data"
#: By financial year: (metric, statistic, label) rows; in-year rows also get a total.
BY_YEAR_ROWS = (
    ("infants_avoided_in_year", "mean", "Infants kept out of care in the year (expected)"),
    ("programme_cost_in_year", "mean", "Programme cost (expected)"),
    ("cost_avoided_in_year", "mean", "Care costs avoided (expected)"),
    ("net_cost_avoidance_in_year", "mean", "Net cost avoidance (expected)"),
    ("programme_cost_in_year_discounted", "mean", "Programme cost, discounted (expected)"),
    ("cost_avoided_in_year_discounted", "mean", "Care costs avoided, discounted (expected)"),
    ("net_cost_avoidance_in_year_discounted", "mean",
     "Net cost avoidance, discounted (expected)"),
    ("net_cost_avoidance_cumulative_discounted", "mean",
     "Net present value to the year end (expected)"),
    ("net_cost_avoidance_cumulative_discounted", "median",
     "Net present value to the year end: median"),
    ("net_cost_avoidance_cumulative_discounted", "lo", "Net present value: low end of range"),
    ("net_cost_avoidance_cumulative_discounted", "hi", "Net present value: high end of range"),
    ("probability_net_saving_discounted", "mean", "Probability of a net saving by the year end"),
    ("infants_avoided_cumulative", "median",
     "Infants kept out of care to the year end: median"),
    ("infants_avoided_cumulative", "lo", "Infants kept out of care: low end of range"),
    ("infants_avoided_cumulative", "hi", "Infants kept out of care: high end of range"),
)
IN_YEAR = "_in_year"


def _footer(report) -> str:
    rec = report.record
    return (f"pausesim {rec.get('pausesim_version')}; scenario {rec.get('scenario')} (digest "
            f"{rec.get('scenario_digest')}); seed {rec.get('seed')}; engine {rec.get('engine')}")


def _band_words(report) -> str:
    return (f"Low and high: the central {report.band:.0%} of {report.results.reps} simulated "
            "futures of each view; median and mean across them.")


def _summary(workbook, report, footer: str) -> None:
    two = report.tables["two_views"]
    views = list(dict.fromkeys(two.view))
    rows_by = two.set_index(["view", "figure"])
    header = ["Figure"]
    for v in views:
        short = SHORT[v]
        header += [f"{short}: median", f"{short}: low", f"{short}: high"]
    header.append("Unit")
    rows, formats = [], []
    for figure, label, unit in two[two.view == views[0]][["figure", "label", "unit"]].itertuples(
            index=False):
        row = [label]
        for v in views:
            r = rows_by.loc[(v, figure)]
            if pd.isna(r["median"]):  # a probability: its mean only
                row += [r["mean"], None, None]
            else:
                row += [r["median"], r["lo"], r["hi"]]
        rows.append([*row, "probability" if unit == "probability" else unit])
        formats.append(xb.unit_format(unit))
    per_cell = [[f for f in formats]] * (1 + 3 * len(views))
    return xb.add_sheet(workbook, "Summary", report.title,
                 [f"Made by pausesim {report.record.get('pausesim_version')} on "
                  f"{str(report.record.get('created_utc', ''))[:10]}: see Notes for the "
                  "scenario digest, seed, calibration and engine.",
                  f"Money: {report.results.price_label}, council costs only. "
                  + _band_words(report),
                  "Two views with equal prominence: the base case (the practice's own women, as "
                  "the evidence on them supports) first; the authority-wide scenario (if the fall "
                  "in all infant care entries measured in five long-running Pause areas also "
                  "happens here) beside it."],
                 header, rows, [*per_cell, None], footer)


def _years(report) -> tuple[list[int], list[str]]:
    years = sorted(int(y) for y in report.tables["by_year"].year.unique())
    first = xb.first_financial_year(report.scenario)
    return years, [xb.financial_year(first, y) for y in years]


def _by_financial_year(workbook, report, footer: str):
    by_year = report.tables["by_year"]
    grid = by_year.set_index(["metric", "year"])
    years, labels = _years(report)
    rows, formats = [], []
    for metric, stat, label in BY_YEAR_ROWS:
        values = [grid.loc[(metric, y), stat] for y in years]
        total = float(np.sum(values)) if stat == "mean" and IN_YEAR in metric else None
        rows.append([label, *values, total])
        formats.append(xb.unit_format(grid.loc[(metric, years[0]), "unit"]))
    price = report.results.price_label
    columns = [[f for f in formats]] * (len(years) + 2)
    notes = [f"Year 1 of the horizon is financial year {labels[0]}: the scenario's price base "
         "(costs.price_year) stands for the year funding starts; each column is 12 months.",
         "Expected: the mean of the simulated futures (in-year means add up to the total). "
         + _band_words(report),
         "Discounted: at the Green Book rate in the Assumptions sheet; council costs only."]
    ws = xb.add_sheet(workbook, "By financial year",
                      f"Base case (the practice's own women) by financial year ({price})",
                      notes, ["Figure", *labels, "Total"], rows, columns, footer)
    return ws, len(years), len(notes) + 3


def _charts(summary, by_year: tuple, sources: tuple) -> None:
    """Native Excel charts under the Summary table, side by side: the fan of infants kept out
    of care (the By financial year rows) and the sources in both views (Effect by source)."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.utils import get_column_letter

    by_year_ws, n_years, top = by_year
    sources_ws, n_sources, s_top = sources
    first_fan = next(i for i, r in enumerate(BY_YEAR_ROWS)
                     if r[0] == "infants_avoided_cumulative")
    fan = LineChart()
    fan.title = "Base case: infants kept out of care to each year end"
    fan.y_axis.title = "Infants (median, low, high)"
    fan.height, fan.width = 7.5, 13
    for offset in range(3):
        row = top + 1 + first_fan + offset
        data = Reference(by_year_ws, min_col=1, max_col=1 + n_years, min_row=row, max_row=row)
        fan.add_data(data, from_rows=True, titles_from_data=True)
    fan.set_categories(Reference(by_year_ws, min_col=2, max_col=1 + n_years, min_row=top,
                                 max_row=top))
    for series, dash in zip(fan.series, (None, "dash", "dash")):
        series.smooth = False
        if dash:
            series.graphicalProperties.line.dashStyle = dash
    fan.y_axis.number_format = "0"
    fan.legend.position = "b"

    bars = BarChart()
    bars.type = "bar"
    bars.title = "Infants kept out of care by source (expected)"
    bars.height, bars.width = 7.5, 13
    for col in (2, 4):  # infants in each view
        bars.add_data(Reference(sources_ws, min_col=col, max_col=col, min_row=s_top,
                                max_row=s_top + n_sources), titles_from_data=True)
    bars.set_categories(Reference(sources_ws, min_col=1, max_col=1, min_row=s_top + 1,
                                  max_row=s_top + n_sources))
    bars.legend.position = "b"
    bars.y_axis.number_format = "0"
    for chart in (fan, bars):
        chart.x_axis.delete = False
        chart.y_axis.delete = False
    row = summary.max_row + 3
    summary.add_chart(fan, f"A{row}")
    # the second chart starts at the first column right of the first (widths in characters
    # of about 0.19 cm)
    edge, col = 0.0, 1
    while edge < fan.width + 0.5:
        edge += 0.19 * (summary.column_dimensions[get_column_letter(col)].width or 8)
        col += 1
    summary.add_chart(bars, f"{get_column_letter(col)}{row}")


def _sources(workbook, report, footer: str):
    src = report.tables["sources"]
    src = src[src.source != "total"]
    keys = list(dict.fromkeys(src.source))
    grid = src.set_index(["view", "quantity", "source"])
    price = report.results.price_label
    header = ["Mothers of the infants"]
    for v in ("base", "authority"):
        header += [f"{SHORT[v]}: infants (expected)", f"{SHORT[v]}: share"]
    for v in ("base", "authority"):
        header += [f"{SHORT[v]}: care costs avoided, discounted (expected)",
                   f"{SHORT[v]}: share"]
    rows = []
    for k in keys:
        row = [grid.loc[("base", "infants_avoided", k), "label"]]
        for quantity in ("infants_avoided", "cost_avoided"):
            for v in ("base", "authority"):
                row += [grid.loc[(v, quantity, k), "mean"],
                        grid.loc[(v, quantity, k), "share_shown"]]
        rows.append(row)
    notes = ["Shares of the expected total, rounded to add up to 100% as printed.",
             "The base case has no effect on other mothers (it is fixed at none)."]
    ws = xb.add_sheet(workbook, "Effect by source",
                      f"Where the infants kept out of care come from, to the last year ({price})",
                      notes, header, rows, [None, xb.COUNT, xb.PERCENT, xb.COUNT, xb.PERCENT,
                                     xb.MONEY, xb.PERCENT, xb.MONEY, xb.PERCENT], footer)
    return ws, len(rows), len(notes) + 3


def _break_even(workbook, report, footer: str) -> None:
    be = report.tables["break_even"]
    first = xb.first_financial_year(report.scenario)
    price = report.results.price_label
    rows = [[_period_words(r.period, first), r.threshold, r.median, r.lo, r.hi,
             r.share_of_other_entries, r.value_per_entry, r.authority_scenario_prevents_mean]
            for r in be.itertuples()]
    xb.add_sheet(workbook, "Break-even",
                 "Break-even threshold: infant care entries among other mothers to prevent",
                 ["The entries the base case would have to prevent among mothers the practice "
                  "never works with for its net present value to reach zero.",
                  _band_words(report)],
                 ["Period", "To prevent: at the mean net present value",
                  "To prevent: median", "low", "high",
                  "Share of the authority's other infant care entries",
                  f"Care costs avoided per prevented entry ({price})",
                  "Authority-wide scenario prevents (expected)"],
                 rows, [None, xb.COUNT, xb.COUNT, xb.COUNT, xb.COUNT, xb.PERCENT, xb.MONEY,
                        xb.COUNT], footer)


def _period_words(period: str, first: int) -> str:
    if str(period).startswith("year_"):
        year = int(str(period)[5:])
        return f"Year {year} ({xb.financial_year(first, year)})"
    return "To the horizon" if period == "horizon" else str(period).replace("_", " ")


def _council(workbook, report, footer: str) -> None:
    cm = report.tables["council_method"]
    first = xb.first_financial_year(report.scenario)
    years = [int(y) for y in cm.year]
    labels = [xb.financial_year(first, y) for y in years]
    lines = (("removals_avoided", "Removals counted as avoided", xb.COUNT),
             ("cost_avoided", "Care costs avoided", xb.MONEY),
             ("programme_cost", "Programme cost", xb.MONEY),
             ("net_cost_avoidance", "Net cost avoidance", xb.MONEY),
             ("net_cost_avoidance_discounted", "Net cost avoidance, discounted", xb.MONEY),
             ("net_cost_avoidance_cumulative_discounted", "Net present value to the year end",
              xb.MONEY))
    rows = [[label, *cm[column].tolist(), float(cm[column].sum())
             if "cumulative" not in column and column != "removals_avoided" else None]
            for column, label, _ in lines]
    formats = [f for _, _, f in lines]
    xb.add_sheet(workbook, "Council method",
                 f"The council method (today's business cases), by financial year "
                 f"({cm.unit.iloc[0]})",
                 ["One point estimate, no ranges: removals avoided times a care cost, less the "
                  "programme's cost (see the report for how it compares with the simulation)."],
                 ["Figure", *labels, "Total"], rows, [[f for f in formats]] * (len(years) + 2),
                 footer)


def _money_inputs(workbook, report, footer: str) -> None:
    mi = report.tables["money_inputs"]
    price = report.results.price_label
    rows = [[r.label, r.value, str(r.price_year),
             r.factor, r.value_at_base, r.source] for r in mi.itertuples()]
    xb.add_sheet(workbook, "Money inputs", f"Money inputs and their price years ({price})",
                 ["Each input as entered in its own price year, times the GDP-deflator factor, "
                  "gives its value at the price base."],
                 ["Input", "As entered", "Price year", "Factor", f"At {price}", "Source"], rows,
                 [None, xb.MONEY, None, xb.FACTOR, xb.MONEY, None], footer)


def _assumptions(workbook, report, footer: str) -> None:
    a = report.tables["assumptions"]
    rows, values = [], []
    # short words for a narrow column (the full wording is in assumptions.csv and the Notes)
    how = {"drawn from its declared range around the value shown": "drawn: its declared range",
           "drawn from the calibration (value shown: its central estimate)":
               "drawn: the calibration (central value shown)",
           "drawn from the calibration (value shown: its central estimate); and a site effect":
               "drawn: the calibration, plus a site effect"}
    for r in a.itertuples():
        number = _plain_number(r.value, r.value_number)
        rows.append([r.label, str(r.section).replace("_", " ").capitalize(),
                     r.value if number is None else number, r.unit,
                     how.get(r.how, r.how),
                     r.source])
        values.append(None if number is None else
                      xb.WHOLE if float(number).is_integer() else "#,##0.0##")
    xb.add_sheet(workbook, "Assumptions", "Every parameter with its value and source (base case)",
                 ["The authority-wide scenario's are in assumptions_authority.csv; the "
                  "parameter names (codes) are in the Data sheet."],
                 ["Parameter", "Section", "Value", "Unit", "How it was set", "Source"], rows,
                 [None, None, values, None, None, None], footer,
                 widths=[34, 13, 12, 16, 24, 66], orientation="portrait")
    # a hundred parameters: two pages tall at most, so the workbook prints in under 12 pages
    workbook["Assumptions"].page_setup.fitToHeight = 2


def _plain_number(shown, number) -> float | None:
    """A parameter's value as a number where it prints as one (lists, words stay text)."""
    if pd.isna(number):
        return None
    try:
        float(str(shown).replace(",", ""))
    except ValueError:
        return None
    return float(number)


def _notes(workbook, report, footer: str) -> None:
    from openpyxl.styles import Alignment, Font

    rec = report.record
    lines = [
        ("Report", report.title),
        ("Made by", f"pausesim {rec['pausesim_version']} on {rec['created_utc']} (UTC)"),
        ("Scenario", f"{report.scenario.name} ({report.scenario.origin}), digest "
                     f"{rec['scenario_digest']}"),
        ("Seed and engine", f"seed {rec['seed']}, {rec['reps']} replications per view, engine "
                            f"{rec['engine']}"),
        ("Calibration", f"base case {calibration_words(report.results.scenario.calibration)}; "
                        "authority-wide scenario "
                        f"{calibration_words(report.authority.scenario.calibration)}"),
        ("Money", f"{report.results.price_label}; council costs only; discounted figures at the "
                  "Green Book rate in the Assumptions sheet"),
        ("Financial years", "year 1 of the horizon is the financial year of the price base "
                            "(costs.price_year); each year is 12 months"),
        ("Ranges", f"low to high: the central {report.band:.0%} of {report.results.reps} "
                   "simulated futures; mean and median across them"),
        ("Views", "base case (the practice's own women, as the evidence on them supports, no "
                  "effect on other mothers) and authority-wide scenario (if the fall in all "
                  "infant care entries measured in five long-running Pause areas also happens "
                  "here); every sheet but Summary, Break-even and Effect by source is the base "
                  "case"),
        ("Parameters", f"base case: {report.note}; authority-wide scenario: "
                       f"{rec.get('authority_note', '')}"),
        ("Not reached", "'not reached' marks a figure that never occurs within the horizon"),
        ("Not counted", "costs to the NHS and adult social care; the women's own outcomes; wider "
                        "social outcomes; later care costs of infants still in care at the "
                        "horizon are in the Data sheet (headline), never in the horizon's "
                        "figures"),
        ("Files", "the Data sheet and the CSV files beside this workbook hold the same numbers, "
                  "with their codes"),
    ]
    lines += [(f"Sentence ({s.section}; {VIEW_WORDS[s.view]})", s.text)
              for s in report.sentences]
    ws = xb.add_sheet(workbook, "Notes", "Notes: provenance, definitions and every sentence",
                      [], ["Item", "Text"], [list(line) for line in lines], None, footer,
                      widths=[26, 100], orientation="portrait")
    ws.page_setup.fitToHeight = 1  # one page: the sentences are read together
    for row in ws.iter_rows(min_row=4, max_col=2):
        row[0].font = Font(bold=True)
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


def _data(workbook, report, footer: str) -> None:
    ws = workbook.create_sheet(DATA_SHEET)
    row = 1
    for name in DATA_TABLES:
        row = xb.add_data_table(ws, tidy_frame(report.tables[name]), row,
                                f"{name} ({name}.csv)")
    xb.print_ready(ws, None, [200], footer)


def write(report, path: Path) -> None:
    """``report.xlsx``."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    footer = _footer(report)
    summary = _summary(workbook, report, footer)
    _break_even(workbook, report, footer)
    by_year = _by_financial_year(workbook, report, footer)
    sources = _sources(workbook, report, footer)
    _charts(summary, by_year, sources)
    _council(workbook, report, footer)
    from simulation.report import local_evidence  # the "Local evidence so far" sheet, if any

    local_evidence.excel(workbook, getattr(report, "local", None))
    _money_inputs(workbook, report, footer)
    _assumptions(workbook, report, footer)
    _notes(workbook, report, footer)
    _data(workbook, report, footer)
    workbook.save(str(path))


def _sheet(workbook, title: str, frame: pd.DataFrame) -> None:
    """A data table on a sheet of its own (the portfolio's workbook), print-ready."""
    ws = workbook.create_sheet(title)
    xb.add_data_table(ws, frame)
    ws.freeze_panes = "A2"
    widths = [ws.column_dimensions[c].width or 8 for c in ws.column_dimensions]
    xb.print_ready(ws, 1, widths)


def data_tables(workbook) -> dict[str, list[dict]]:
    """The Data sheet's tables read back: {name: rows as dicts by column}, values as stored."""
    import re

    ws = workbook[DATA_SHEET]
    out, name, header = {}, None, None
    for row in ws.iter_rows(values_only=True):
        first = row[0]
        found = re.fullmatch(r"(\w+) \(\1\.csv\)", str(first)) if first is not None else None
        if found:
            name, header = found.group(1), None
            out[name] = []
        elif name and header is None:
            header = [c for c in row if c is not None]
        elif name and all(c is None for c in row):
            name = None
        elif name:
            out[name].append(dict(zip(header, row)))
    return out
