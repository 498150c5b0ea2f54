"""The report as an Excel workbook (openpyxl): numbers as numbers, with number formats.

Sheets: two_views (first: the base case and the authority-wide scenario side by side, the base
case's rows first), break_even (the threshold by year), net_saving_by_system_effect, headline
(the base case, with bands), year_by_year, effect_by_source (both views), council_method,
money_inputs, assumptions (readable labels), notes (every sentence, naming its view). Cells
hold the same (tidied) values as the CSV files; a cell's number format follows its row's unit
(GBP at the price base, probability, ratio, count). Infinite figures (never broke even) are
written as text, NaN as an empty cell.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from simulation.results.format import tidy_frame
from simulation.results.views import calibration_words

MONEY_FORMAT = '"£"#,##0;-"£"#,##0'
FORMATS = {"probability": "0%", "ratio": "0.00", "factor": "0.0000", "count": "#,##0.0",
           "year": "0"}
#: (sheet, table, columns shown); column order as written.
SHEETS = (
    ("two_views", "two_views", ["view_label", "label", "figure", "unit", "mean", "median", "lo",
                                "hi", "band", "months", "view"]),
    ("break_even", "break_even", ["period", "months", "unit", "threshold", "mean", "median",
                                  "lo", "hi",
                                  "band", "share_of_other_entries", "other_entries_expected",
                                  "value_per_entry", "authority_scenario_prevents_mean",
                                  "authority_scenario_prevents_median"]),
    ("net_saving_by_system_effect", "net_saving_by_system_effect",
     ["prevented", "probability_net_saving", "months"]),
    ("headline", "headline", ["view", "label", "metric", "period", "unit", "mean", "median",
                              "lo", "hi", "band", "share_infinite"]),
    ("year_by_year", "by_year", ["year", "label", "metric", "unit", "mean", "median", "lo", "hi",
                                 "band"]),
    ("effect_by_source", "sources", ["view", "quantity", "source", "label", "unit", "mean",
                                     "median", "lo", "hi", "band", "share", "share_shown"]),
    ("council_method", "council_method", None),
    ("money_inputs", "money_inputs", ["label", "parameter", "value", "price_year", "factor",
                                      "value_at_base", "base", "source"]),
    ("assumptions", "assumptions", ["label", "parameter", "section", "value", "unit", "how",
                                    "source", "changed_from_national"]),
)
STATISTICS = ("mean", "median", "lo", "hi", "threshold")
VIEW_WORDS = {"base": "base case", "authority": "authority-wide scenario", "both": "both views"}


def cell_value(value):
    """A value Excel can hold: inf as text, NaN as empty, numpy scalars as Python ones."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) or hasattr(value, "item"):
        v = value.item() if hasattr(value, "item") else value
        if isinstance(v, float):
            if math.isnan(v):
                return None
            if math.isinf(v):
                return "not reached" if v > 0 else "-inf"
        return v
    return value


def number_format(column: str, unit: str | None) -> str | None:
    """The format of a numeric cell: from its row's unit for the statistics columns."""
    if column in ("band", "share", "share_shown", "share_infinite",
                  "share_of_futures_below_council", "share_of_other_entries",
                  "probability_net_saving"):
        return FORMATS["probability"]
    if column in ("factor", "discount_factor"):
        return FORMATS["factor"]
    if column == "year":
        return FORMATS["year"]
    if column in ("value", "value_at_base", "value_per_entry") or column.startswith(
            ("cost_avoided", "programme_cost", "net_cost_avoidance")):
        return MONEY_FORMAT
    if column in STATISTICS and unit is not None:
        if str(unit).startswith("GBP"):
            return MONEY_FORMAT
        if unit in FORMATS:
            return FORMATS[unit]
        return FORMATS["count"]
    return None


def _sheet(wb, title: str, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    units = frame["unit"].tolist() if "unit" in frame.columns else [None] * len(frame)
    widths = [len(str(c)) for c in frame.columns]
    # cell by cell at known positions: ws.append then ws[ws.max_row] rescans the sheet for every
    # row (quadratic: minutes for a 1,000-area portfolio)
    for r, (row, unit) in enumerate(zip(frame.itertuples(index=False), units), start=2):
        for c, (column, value) in enumerate(zip(frame.columns, row), start=1):
            cell = ws.cell(row=r, column=c, value=cell_value(value))
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                form = number_format(column, unit)
                if form:
                    cell.number_format = form
            elif isinstance(cell.value, str):
                # text, never a formula: a typed string cell is not evaluated, so user text is
                # kept as written (CSVs need the ' prefix instead: they have no cell types)
                cell.data_type = "s"
            if cell.value is not None:
                widths[c - 1] = max(widths[c - 1], len(str(cell.value)))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(60, max(8, width + 2))
    ws.freeze_panes = "A2"


def write(report, path: Path) -> None:
    """``report.xlsx``."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, name, columns in SHEETS:
        frame = report.tables[name]
        frame = frame if columns is None else frame[[c for c in columns if c in frame.columns]]
        _sheet(wb, title, tidy_frame(frame))
    from simulation.report import local_evidence  # the "Local evidence so far" sheet, if any

    local_evidence.excel(wb, getattr(report, "local", None))
    notes = wb.create_sheet("notes")
    rec = report.record
    lines = [
        ("Report", report.title),
        ("Scenario", f"{report.scenario.name} ({report.scenario.origin})"),
        ("Money", f"{report.results.price_label}; council costs only; discounted figures at the "
                  "Green Book rate in the assumptions sheet"),
        ("Ranges", f"lo to hi: the central {report.band:.0%} of {report.results.reps} simulated "
                   "futures; mean and median across them"),
        ("Views", "base case (the practice's own women, as the evidence on them supports: "
                  f"calibration {calibration_words(report.results.scenario.calibration)}, no "
                  "effect on "
                  "other mothers) and authority-wide scenario (if the fall in all infant care "
                  "entries measured in five long-running Pause areas also happens here: "
                  f"calibration {calibration_words(report.authority.scenario.calibration)}); "
                  "every "
                  "sheet but two_views, break_even, net_saving_by_system_effect and "
                  "effect_by_source is the base case"),
        ("Parameters", f"base case: {report.note}; authority-wide scenario: "
                       f"{report.record.get('authority_note', '')}"),
        ("Units", "each row's unit column names the unit of its mean, median, lo and hi; "
                  "'not reached' marks a figure that never occurs within the horizon"),
        ("Provenance", f"pausesim {rec['pausesim_version']}, seed {rec['seed']}, "
                       f"{rec['reps']} replications, engine {rec['engine']}, scenario digest "
                       f"{rec['scenario_digest']}, created {rec['created_utc']}"),
        ("Not counted", "costs to the NHS and adult social care; the women's own outcomes; wider "
                        "social outcomes; later care costs of infants still in care at the "
                        "horizon are in the headline sheet, never in the horizon's figures"),
        ("Files", "every sheet is also a CSV file beside this workbook, with the same numbers"),
    ]
    lines += [(f"Sentence ({s.section}; {VIEW_WORDS[s.view]})", s.text)
              for s in report.sentences]
    for key, text in lines:
        notes.append([key, text])
        notes.cell(notes.max_row, 2).data_type = "s"
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 120
    wb.save(str(path))
