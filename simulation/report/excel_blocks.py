"""Building blocks of pausesim's Excel workbooks (openpyxl), for every writer of one.

A people's sheet (:func:`add_sheet`) has a title, a few lines of notes, then one table under a
bold header row, labelled in words; numbers are numbers with a number format (money, percent,
count); it prints on A4, fitted to the page width, landscape when wide, its header row repeated
on every page, the sheet name, page number and provenance in the footer (:func:`print_ready`).
A data sheet (:func:`add_data_table`) holds a tidy table as the CSV files do, codes and all.
:func:`financial_year` names year N of a horizon as a financial year (``2025/26``).
"""

from __future__ import annotations

import math

import pandas as pd

from simulation.core import deflators

MONEY = '"£"#,##0;-"£"#,##0'
PERCENT = "0%"
COUNT = "#,##0.0"
WHOLE = "#,##0"
RATIO = "0.00"
FACTOR = "0.0000"
YEAR = "0"
#: A sheet whose columns add up to more characters than this prints landscape.
LANDSCAPE_FROM = 110
#: Widest column (characters); longer text wraps.
MAX_WIDTH = 60


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


def unit_format(unit: str | None) -> str:
    """The number format of a figure in ``unit`` (GBP..., probability, ratio, other counts)."""
    unit = str(unit or "")
    if unit.startswith("GBP"):
        return MONEY
    return {"probability": PERCENT, "ratio": RATIO, "factor": FACTOR, "year": YEAR}.get(
        unit, COUNT)


def financial_year(first_year: int, year: int) -> str:
    """Year ``year`` of a horizon (1 = its first 12 months) as a financial year, when year 1 is
    the financial year starting in April ``first_year``: ``financial_year(2025, 2)`` ->
    ``2026/27``."""
    return deflators.label(int(first_year) + int(year) - 1)


def first_financial_year(scenario) -> int:
    """The financial year (its first calendar year) of year 1 of ``scenario``'s horizon.

    A scenario has no start date of its own; its price base (``costs.price_year``, the
    financial year its money is priced in, as a business case prices its costs in the year it
    starts) stands for the year funding starts. Set ``costs.price_year`` to the financial year
    the practice starts in to label the years as the council's finance sheets do."""
    return int(scenario["costs.price_year"])


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    return {"bold": Font(bold=True), "title": Font(bold=True, size=13),
            "note": Font(italic=True, size=9, color="444444"),
            "fill": PatternFill("solid", fgColor="E8E8E8"),
            "line": Border(bottom=Side(style="thin", color="808080")),
            "wrap": Alignment(wrap_text=True, vertical="top"),
            "head": Alignment(wrap_text=True, vertical="bottom"),
            "right": Alignment(horizontal="right", vertical="top"),
            "top": Alignment(vertical="top")}


def print_ready(ws, header_row: int | None, widths: list[float], footer: str = "",
                orientation: str | None = None) -> None:
    """A4, fitted to the page width (as many pages tall as it needs), landscape when wider than
    :data:`LANDSCAPE_FROM` characters (``orientation``: say which), ``header_row`` repeated on
    every printed page, the sheet's name and page number (and ``footer``, e.g. provenance) at
    the foot."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation or (
        "landscape" if sum(widths) > LANDSCAPE_FROM else "portrait")
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.left.text = footer.replace("&", "&&")
    ws.oddFooter.left.size = 7
    ws.oddFooter.right.text = "&A: page &P of &N"
    ws.oddFooter.right.size = 7


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell of ``width`` characters takes (words kept whole, roughly)."""
    lines, used = 1, 0
    for word in str(text).split():
        if used and used + 1 + len(word) > width - 1:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def add_sheet(workbook, title: str, heading: str, notes: list[str], header: list[str],
              rows: list[list], formats: list | None = None, footer: str = "",
              widths: list[float] | None = None, orientation: str | None = None):
    """A people's sheet: ``heading`` in bold, ``notes`` under it (each across the table's width,
    wrapped), then a table (``header`` in words; ``rows`` of values, numbers as numbers;
    ``formats``: a number format per column, or per cell as a list of lists, or None; text
    wraps in its column), print-ready (:func:`print_ready`). Returns the sheet; the table's
    header is on row ``len(notes) + 3``."""
    from openpyxl.utils import get_column_letter

    st = _styles()
    ws = workbook.create_sheet(title)
    ws.cell(1, 1, heading).font = st["title"]
    top = len(notes) + 3
    want = [max((len(w) for w in str(h).split()), default=4) for h in header]
    for r, values in enumerate(rows, start=top + 1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, cell_value(value))
            cell.alignment = st["top"]  # wrapped neighbours make rows tall
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                form = formats[c - 1] if formats else None
                if isinstance(form, list):
                    form = form[r - top - 1]
                if form:
                    cell.number_format = form
                shown = len(f"{cell.value:,.0f}") + 3
            elif cell.value is not None:
                cell.data_type = "s"
                if c > 1 and str(cell.value) == "not reached":
                    cell.alignment = st["right"]
                shown = len(str(cell.value))
            else:
                shown = 0
            want[c - 1] = max(want[c - 1], min(MAX_WIDTH, shown))
    widths = widths or [min(MAX_WIDTH, max(8, w + 2)) for w in want]
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    # wrapped text: LibreOffice and Excel keep an imported row's height, so set it
    for r in range(top + 1, top + 1 + len(rows)):
        lines = 1
        for c, width in enumerate(widths, start=1):
            value = ws.cell(r, c).value
            if isinstance(value, str) and len(value) > width - 1:
                ws.cell(r, c).alignment = st["wrap"]
                lines = max(lines, _lines(value, width))
        if lines > 1:
            ws.row_dimensions[r].height = 13.5 * lines
    span = sum(widths)
    for i, note in enumerate(notes, start=2):
        cell = ws.cell(i, 1, note)
        cell.font, cell.alignment = st["note"], st["wrap"]
        cell.data_type = "s"
        if len(header) > 1:
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=len(header))
        ws.row_dimensions[i].height = 12.5 * _lines(note, span * 1.1)
    head_lines = 1
    for c, text in enumerate(header, start=1):
        cell = ws.cell(top, c, text)
        cell.data_type = "s"
        cell.font, cell.fill, cell.border, cell.alignment = (st["bold"], st["fill"], st["line"],
                                                             st["head"])
        head_lines = max(head_lines, _lines(text, widths[c - 1]))
    ws.row_dimensions[top].height = 14.5 * head_lines
    ws.freeze_panes = ws.cell(top + 1, 2)
    print_ready(ws, top, widths, footer, orientation)
    return ws


def data_format(column: str, unit: str | None) -> str | None:
    """The format of a numeric cell of a data table: from its column, or its row's unit for the
    statistics columns."""
    if column in ("band", "share", "share_shown", "share_infinite",
                  "share_of_futures_below_council", "share_of_other_entries",
                  "probability_net_saving"):
        return PERCENT
    if column in ("factor", "discount_factor"):
        return FACTOR
    if column == "year":
        return YEAR
    if column in ("value", "value_at_base", "value_per_entry") or column.startswith(
            ("cost_avoided", "programme_cost", "net_cost_avoidance")):
        return MONEY
    if column in ("mean", "median", "lo", "hi", "threshold") and unit is not None:
        return unit_format(unit)
    return None


def add_data_table(ws, frame: pd.DataFrame, top: int = 1, name: str | None = None) -> int:
    """``frame`` as a tidy table at row ``top`` of ``ws`` (a line naming it first when ``name``
    is given), numbers as numbers with formats by unit, text as typed text (never a formula);
    returns the next free row. Column widths grow to fit."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    if name:
        ws.cell(top, 1, name).font = Font(bold=True, size=11)
        top += 1
    for c, column in enumerate(frame.columns, start=1):
        cell = ws.cell(top, c, str(column))
        cell.font = Font(bold=True)
        cell.data_type = "s"
    units = frame["unit"].tolist() if "unit" in frame.columns else [None] * len(frame)
    widths = {c: len(str(col)) for c, col in enumerate(frame.columns, start=1)}
    # cell by cell at known positions: ws.append then ws[ws.max_row] rescans the sheet for every
    # row (quadratic: minutes for a 1,000-area portfolio)
    for r, (row, unit) in enumerate(zip(frame.itertuples(index=False), units), start=top + 1):
        for c, (column, value) in enumerate(zip(frame.columns, row), start=1):
            cell = ws.cell(row=r, column=c, value=cell_value(value))
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                form = data_format(column, unit)
                if form:
                    cell.number_format = form
            elif isinstance(cell.value, str):
                # text, never a formula: a typed string cell is not evaluated, so user text is
                # kept as written (CSVs need the ' prefix instead: they have no cell types)
                cell.data_type = "s"
            if cell.value is not None:
                widths[c] = max(widths[c], len(str(cell.value)))
    for c, width in widths.items():
        letter = get_column_letter(c)
        old = ws.column_dimensions[letter].width if letter in ws.column_dimensions else 0
        ws.column_dimensions[letter].width = max(old or 0, min(40, max(8, width + 2)))
    return top + len(frame) + 2
