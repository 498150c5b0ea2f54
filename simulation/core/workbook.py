"""Inputs workbooks (``.xlsx``): a scenario as an Excel file to fill in, and reading one back.

``pausesim template`` writes one with :func:`write_template`; :func:`simulation.core.scenario.load`
reads one with :func:`read`, which only turns cells into the mapping a TOML file parses to, so a
workbook is validated by exactly the code that validates TOML (``scenario.from_mapping``).

Layout: sheet ``Scenario`` (rows ``field, value, notes``: name, description, source,
calibration), sheet ``Inputs`` (one row per parameter in registry order; only the ``value`` and
``source`` columns are read, found by their header names), sheet ``Notes`` (how to use it) and
sheet ``Monitoring`` (a running practice's own figures, read only by ``pausesim monitor`` and
``pausesim report --monitoring``: :mod:`simulation.core.monitoring`).
A blank value inherits, as a parameter left out of a TOML file does. A list value (one number per
age band, placement, care route or year) is one cell, the numbers separated by ``"; "``.
"""

from __future__ import annotations

import difflib
import io
import re
import tomllib
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from simulation import __version__

from . import deflators, output
from .errors import ScenarioError
from .inputs import MAX_INPUT_BYTES, check_regular_file
from .parameters import BY_KEY, PARAMETERS, SECTIONS, Param, defaults, show

SCENARIO_SHEET = "Scenario"
INPUTS_SHEET = "Inputs"
NOTES_SHEET = "Notes"
#: The monitoring sheet (``pausesim monitor SCENARIO WORKBOOK.xlsx``; read by
#: :func:`simulation.core.monitoring.load_workbook`, with the CSV's columns and checks).
MONITORING_SHEET = "Monitoring"
#: Rows of the monitoring sheet given Excel checks (a user may type below them: all are read).
MONITORING_ROWS = 200
SCENARIO_COLUMNS = ("field", "value", "notes")
SCENARIO_FIELDS = ("name", "title", "description", "source", "calibration")
INPUT_COLUMNS = ("section", "name", "label", "value", "unit", "allowed", "default (inherited)",
                 "source", "notes")
#: Columns :func:`read` needs; the others explain the row and are not read.
READ_COLUMNS = ("section", "name", "value", "source")
LIST_SEPARATOR = "; "
#: Typed in a ``series`` cell (programme cost by year): no schedule (an empty list).
EMPTY_SERIES = "none"
INPUT_FILL = PatternFill("solid", fgColor="DDEBF7")  # light blue: the cells a user fills in
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_WIDTHS = {"section": 15, "name": 34, "label": 38, "value": 22, "unit": 20, "allowed": 34,
           "default (inherited)": 34, "source": 48, "notes": 60}
_LIST_KINDS = ("probabilities", "ratios", "series")
_NO_SOURCE = "(no source given)"
# Excel's limits on data-validation messages (longer ones make Excel call the file corrupt).
_TITLE_MAX, _PROMPT_MAX, _ERROR_MAX = 32, 255, 225


# ------------------------------------------------------------------------------ writing
def write_template(scenario, path: str | Path) -> None:
    """Write ``scenario`` as an inputs workbook at ``path``, atomically (temporary file +
    rename: a failure leaves no half-written workbook)."""
    output.write_atomic(Path(path), template_bytes(scenario))


def written_by_pausesim(path: str | Path) -> bool:
    """Whether ``path`` is a workbook pausesim wrote that nobody has saved since: pausesim sets
    its creator and last author to ``pausesim VERSION``; Excel and LibreOffice set the last
    author on saving."""
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.xml.functions import fromstring

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > 1 << 20:
                return False
            props = DocumentProperties.from_tree(fromstring(archive.read(info)))
    except Exception:  # noqa: BLE001 - whatever cannot be read is not a workbook pausesim wrote
        return False
    return all(str(name or "").startswith("pausesim ")
               for name in (props.creator, props.lastModifiedBy))


def template_bytes(scenario) -> bytes:
    """The inputs workbook of ``scenario`` (a :class:`simulation.core.scenario.Scenario`)."""
    wb = openpyxl.Workbook()
    wb.properties.creator = wb.properties.lastModifiedBy = f"pausesim {__version__}"
    _scenario_sheet(wb.active, scenario)
    _inputs_sheet(wb.create_sheet(INPUTS_SHEET), scenario)
    _notes_sheet(wb.create_sheet(NOTES_SHEET), scenario)
    _monitoring_sheet(wb.create_sheet(MONITORING_SHEET))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _scenario_sheet(ws, scenario) -> None:
    from . import posterior

    ws.title = SCENARIO_SHEET
    shipped = posterior.available()
    calibration = scenario.calibration
    if calibration is not None and calibration not in shipped:
        calibration = str(Path(calibration).resolve())  # read relative to the workbook otherwise
    rows = [
        ("name", scenario.name, "Short name of the scenario, used in results and output folder "
         "names. Change it to your own (e.g. your area and year)."),
        ("title", scenario.title_text, "A short title for reports (optional; blank: the "
         "description's first words)."),
        ("description", scenario.description, "What the scenario describes, in a sentence or "
         "two (shown at the top of reports)."),
        ("source", scenario.source, "Where the scenario as a whole comes from (e.g. the council "
         "document and its date)."),
        ("calibration", calibration or "none", "Posterior the calibrated parameters are drawn "
         f"from: {', '.join(repr(s) for s in shipped)} (shipped; 'national' if blank), a "
         "posterior file NAME.csv (with NAME.json beside it), or 'none' (the registry's "
         "evidence-based defaults, no calibration)."),
    ]
    _header(ws, SCENARIO_COLUMNS)
    for r, (field, value, note) in enumerate(rows, start=2):
        _put(ws, r, 1, field)
        _put(ws, r, 2, value).fill = INPUT_FILL
        _put(ws, r, 3, note)
    choices = DataValidation(type="list", formula1='"' + ",".join([*shipped, "none"]) + '"',
                             allow_blank=True, showInputMessage=True, showErrorMessage=True,
                             errorStyle="warning", promptTitle="Calibration",
                             prompt="A shipped posterior, 'none', or a posterior file NAME.csv.",
                             errorTitle="Not a shipped posterior",
                             error="Keep it only if it is a posterior file NAME.csv with its "
                                   "NAME.json beside it.")
    ws.add_data_validation(choices)
    choices.add("B5")
    for column, width in zip("ABC", (14, 60, 80)):
        ws.column_dimensions[column].width = width
    _wrap(ws)


def _inputs_sheet(ws, scenario) -> None:
    inherited, calibrated = _inherited(scenario)
    posterior_name = scenario.posterior().name if scenario.calibration else None
    _header(ws, INPUT_COLUMNS)
    col = {name: i for i, name in enumerate(INPUT_COLUMNS, start=1)}
    for r, p in enumerate(PARAMETERS, start=2):
        given = p.key in scenario.given
        source = scenario.sources[p.key] if given else ""
        if source.endswith(_NO_SOURCE):
            source = ""  # writing the file name in as a source would invent one
        if p.key in calibrated:
            default = (f"calibrated: drawn from posterior {posterior_name!r} (point estimate "
                       f"{_display(p, inherited[p.key])})")
        else:
            default = _display(p, inherited[p.key])
        cells = {"section": p.section, "name": p.name, "label": p.label,
                 "value": _cell_value(p, scenario.values[p.key]) if given else None,
                 "unit": p.unit or "-", "allowed": _allowed(p), "default (inherited)": default,
                 "source": source, "notes": _row_note(p, calibrated)}
        for name, value in cells.items():
            _put(ws, r, col[name], value)
        value_cell = ws.cell(r, col["value"])
        if p.kind in _LIST_KINDS:
            value_cell.number_format = "@"  # keep '0.5; 0.3' and a lone '331000' as typed
        for name in ("value", "source"):
            ws.cell(r, col[name]).fill = INPUT_FILL
        validation = _validation(p)
        ws.add_data_validation(validation)
        validation.add(value_cell.coordinate)
    for name, i in col.items():
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = _WIDTHS[name]
    ws.freeze_panes = "D2"  # header row and the section/name/label columns stay in view
    ws.auto_filter.ref = ws.dimensions
    _wrap(ws)


def _notes_sheet(ws, scenario) -> None:
    from . import posterior

    lists = [p for p in PARAMETERS if p.kind in ("probabilities", "ratios")]
    choices = [p for p in PARAMETERS if p.kind == "choice"]
    calibrated = scenario.posterior().keys if scenario.calibration else []
    years = deflators.years()
    base = BY_KEY["costs.price_year"]
    routes = BY_KEY["care.route_probabilities"]
    lines: list[tuple[str, str]] = [
        ("title", f"pausesim inputs workbook: scenario '{scenario.name}'"),
        ("", f"Made by pausesim {__version__} from {scenario.origin}. Sheets: Scenario (what the "
             f"scenario is), Inputs ({len(PARAMETERS)} parameters in {len(SECTIONS)} sections: "
             f"{', '.join(SECTIONS)}), Notes (this sheet), Monitoring (a running practice's own "
             "figures, see below)."),
        ("head", "How to fill it in"),
        ("", "Fill in the blue cells only: 'value' and 'source' on the Inputs sheet, 'value' on "
             "the Scenario sheet. The other columns explain each row and are not read: "
             "'default (inherited)' shows what a blank value gives."),
        ("", "Blank = inherit. A blank value cell inherits the national scenario's value, as a "
             "parameter left out of a TOML scenario file does. Give only what you know for your "
             "area."),
        ("", "Every value needs a source: write where it comes from (document, section, table, "
             "page) in the 'source' cell of its row. A value without one is reported as "
             f"'{_NO_SOURCE}'. A source without a value is an error: clear both to inherit."),
        ("", "Excel checks each value as you type it (data validation: the range in 'allowed', "
             "the unit in 'unit'); pausesim checks everything again when it reads the workbook "
             "and names the sheet, row and parameter of any problem, before simulating."),
        ("head", "Calibrated parameters"),
        ("", (f"With calibration '{scenario.calibration}', these {len(calibrated)} parameters "
              "are drawn from the calibration posterior in probabilistic runs (their "
              "'default (inherited)' says 'calibrated'): "
              + "; ".join(f"{BY_KEY[k].label} ({k})" for k in calibrated)
              + ". Leave them blank to keep the calibration's uncertainty: a value typed here "
                "fixes the parameter (it is then never drawn).")
         if calibrated else "This scenario has no calibration ('none'): blank values take "
                            "the registry's evidence-based defaults."),
        ("head", "Values"),
        ("", "Numbers: plain numbers. Numbers typed as text ('3') are read as numbers. "
             "Probabilities and shares are numbers from 0 to 1 (0.43, not 43%)."),
        ("", "TRUE or FALSE cells: choose from the drop-down (TRUE/FALSE)."),
        *[("", f"{p.label} ({p.key}): choose from the drop-down: {', '.join(p.labels)}.")
          for p in choices],
        ("", "Lists: one cell, the numbers in order separated by '; ' (semicolon), e.g. "
             f"'{_cell_value(routes, routes.default)}' ({routes.key}). Shares must sum to 1. "
             "The orders are:"),
        *[("", f"    {p.label} ({p.key}): {'; '.join(map(str, p.labels))}.") for p in lists],
        ("", "Money: GBP. Each amount costs.X_gbp has its price year on the next row "
             "(costs.X_price_year: the financial year starting, 2021 = 2021/22; '2021/22' is "
             f"also accepted). The HM Treasury GDP deflators cover {years[0]} to {years[-1]}; "
             f"every amount is converted to the price base of the results ({base.label}, "
             f"{base.key}). Money cells accept '£' and thousands separators: '£331,000' is "
             "331000; write whole pounds, not '331k' or '0.33m'."),
        ("", "Programme cost: leave costs.programme_cost_per_year_gbp blank to build it from "
             "staff (practice.practitioners, full-time equivalent, decimals allowed such as 2.5, "
             "x costs.cost_per_practitioner_fte_per_year_gbp + "
             "costs.practice_fixed_cost_per_year_gbp); type a total to use your budget instead "
             "(it then does not change with the number of practitioners)."),
        ("", "Newly eligible women: if you give your own scoping list "
             "(population.eligible_women_at_start), give population.new_eligible_women_per_year "
             "too: left blank it is the national scenario's (about 20 a year), and pausesim "
             "warns on every run. A 5-year scoping list gives about a fifth of itself a year "
             "(evidence.md s3)."),
        ("", "Programme cost by year (costs.programme_cost_by_year_gbp): one amount per year, "
             f"year 1 first, separated by '; ' (e.g. '£331,000; £340,000'); '{EMPTY_SERIES}' = "
             "no schedule (the running costs per year apply)."),
        ("head", "The Scenario sheet"),
        ("", "name: change it to your own; description and source: what the scenario is and "
             "where it comes from; calibration: "
             f"{', '.join(posterior.available())} (shipped), a posterior file NAME.csv, or "
             "'none'. A blank calibration means 'national'."),
        ("head", "The Monitoring sheet (a running practice's own figures)"),
        ("", "Once the practice runs, fill in one row per period (docs/monitoring.md): section "
             "'practice' (the practice's women, cumulative from launch to to_month, except "
             "on_larc, the women on LARC at to_month; whole months since launch, month 0 = "
             "launch) or 'authority' (all the authority's infants under one starting to be "
             "looked after in one year, to_month = from_month + 12: at least 3 years before "
             "launch, with negative months, and each year since). Leave a cell EMPTY when the "
             "figure is not known: an empty cell stays missing, never 0. Then run "
             "'pausesim monitor myarea.xlsx myarea.xlsx' (or with a monitoring .csv), or "
             "'pausesim report myarea.xlsx --monitoring myarea.xlsx'. A blank sheet is never "
             "read by 'pausesim run'."),
        ("head", "Running it"),
        ("", "pausesim run myarea.xlsx    (simulate: summary, tables and figures)"),
        ("", "pausesim run myarea.xlsx --point    (the calibration's point estimate only)"),
        ("", "pausesim report myarea.xlsx    (the business-case report)"),
        ("", "pausesim scenarios show myarea.xlsx --full    (every value pausesim will use, "
             "with its source)"),
    ]
    styles = {"title": Font(bold=True, size=14), "head": Font(bold=True, size=12)}
    for r, (style, text) in enumerate(lines, start=1):
        cell = _put(ws, r, 1, text)
        if style:
            cell.font = styles[style]
    ws.column_dimensions["A"].width = 120
    _wrap(ws)


def _monitoring_sheet(ws) -> None:
    """The monitoring table (``docs/monitoring.md``): its header, an explanation above nothing
    (the header is row 1, as in the CSV), Excel checks on every cell of the first
    :data:`MONITORING_ROWS` rows: a section from the list, months as numbers, counts as whole
    numbers from 0 to the most a cell may hold. Empty cells stay missing, never 0."""
    from . import monitoring as m

    _header(ws, m.COLUMNS)
    last = MONITORING_ROWS + 1
    letter = {name: openpyxl.utils.get_column_letter(i) for i, name in enumerate(m.COLUMNS, 1)}
    for name in m.COLUMNS:
        ws.column_dimensions[letter[name]].width = 60 if name == "note" else \
            max(11, len(name) + 2)
        for r in range(2, last + 1):
            if name != "note":
                ws[f"{letter[name]}{r}"].fill = INPUT_FILL
    section = DataValidation(type="list", formula1='"' + ",".join(m.SECTIONS) + '"',
                             allow_blank=True, showErrorMessage=True, errorTitle="Section",
                             error="practice or authority")
    months = DataValidation(type="decimal", operator="between", formula1=str(m.EARLIEST_MONTH),
                            formula2="100000", allow_blank=True, showErrorMessage=True,
                            errorTitle="Months since launch",
                            error="Months since launch (month 0 = launch; before it negative).")
    counts = DataValidation(type="whole", operator="between", formula1="0",
                            formula2=str(m.MAX_COUNT), allow_blank=True, showErrorMessage=True,
                            errorTitle="A count", error=f"A whole number from 0 to {m.MAX_COUNT}"
                            "; leave it empty when not known (never 0 for unknown).")
    for v in (section, months, counts):
        ws.add_data_validation(v)
    section.add(f"{letter['section']}2:{letter['section']}{last}")
    for name in ("from_month", "to_month"):
        months.add(f"{letter[name]}2:{letter[name]}{last}")
    for name in m.PRACTICE_SERIES + m.AUTHORITY_SERIES:
        counts.add(f"{letter[name]}2:{letter[name]}{last}")
    ws.freeze_panes = "D2"


def cell_text(value: Any) -> str:
    """A cell as the text a CSV would hold (a whole-number float as '21', a date as its ISO
    text), for tables read with the CSV's own checks."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return _text(value)


def _put(ws, row: int, column: int, value: Any):
    """Write one cell; text is typed as text, so user text that begins ``=`` is never a live
    formula (openpyxl takes any such string for one)."""
    cell = ws.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _header(ws, names) -> None:
    for i, name in enumerate(names, start=1):
        cell = _put(ws, 1, i, name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    ws.freeze_panes = "A2"


def _wrap(ws) -> None:
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _inherited(scenario) -> tuple[dict[str, Any], set[str]]:
    """What each parameter takes when its value cell is blank (the registry default, or the
    calibration's point estimate), and the keys the calibration estimates."""
    values = defaults()
    post = scenario.posterior()
    if post is None:
        return values, set()
    values.update(post.point_estimate)
    return values, set(post.keys)


def _cell_value(p: Param, value: Any) -> Any:
    """A value as the workbook holds it: numbers and TRUE/FALSE as such, lists as text."""
    if p.kind in _LIST_KINDS:
        return LIST_SEPARATOR.join(_number_text(v) for v in value) if value else EMPTY_SERIES
    return value


def _display(p: Param, value: Any) -> str:
    """A value for the explanatory columns (no float noise)."""
    if p.kind == "bool":
        return "TRUE" if value else "FALSE"
    if p.kind in _LIST_KINDS:
        return LIST_SEPARATOR.join(show(float(v)) for v in value) if value else EMPTY_SERIES
    if _is_price_year(p):
        return f"{value} ({deflators.label(int(value))})"
    return show(value)


def _is_price_year(p: Param) -> bool:
    """A price year (``costs.price_year`` or a money parameter's ``costs.X_price_year``), as
    :func:`simulation.core.scenario.validate_value` recognises one."""
    return p.key.endswith("price_year")


def _number_text(v: float) -> str:
    """Shortest text that reads back as the same float."""
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def _allowed(p: Param) -> str:
    if _is_price_year(p):
        lo, hi = deflators.years()[0], deflators.years()[-1]
        return f"a financial year from {lo} ({deflators.label(lo)}) to {hi} ({deflators.label(hi)})"
    if p.kind in _LIST_KINDS:
        return p.allowed().replace("a list of", "a list (separated by '; ') of")
    return p.allowed()


def _row_note(p: Param, calibrated: set[str]) -> str:
    parts = [p.description]
    if p.key in calibrated:
        parts.append("Calibrated: leave blank to draw it from the posterior; a value fixes it.")
    if p.is_money:
        year = BY_KEY[p.price_year_key]
        parts.append(f"GBP at the prices of the year in {year.name} (next row).")
    inherited_from = ("the calibration posterior (docs/calibration/)" if p.key in calibrated
                      else p.source)
    parts.append(f"Inherited value's source: {inherited_from}.")
    return " ".join(parts)


def _validation(p: Param) -> DataValidation:
    """Excel's check on one value cell: the registry's range, or its drop-down list."""
    unit = p.unit or "no unit"
    prompt = f"Unit: {unit}. Allowed: {_allowed(p)}. Blank = inherit."
    error = f"{p.key} must be {_allowed(p)} ({unit})."
    kwargs: dict[str, Any] = {}
    if p.kind == "bool":
        kwargs = {"type": "list", "formula1": '"TRUE,FALSE"'}
    elif p.kind == "choice":
        kwargs = {"type": "list", "formula1": '"' + ",".join(p.labels) + '"'}
    elif _is_price_year(p):
        years = deflators.years()
        kwargs = {"type": "whole", "operator": "between", "formula1": str(years[0]),
                  "formula2": str(years[-1])}
    elif p.kind in ("int", "float", "probability"):
        lo, hi = (0.0, 1.0) if p.kind == "probability" else (p.low, p.high)
        kwargs = {"type": "whole" if p.kind == "int" else "decimal", "operator": "between",
                  "formula1": _number_text(lo), "formula2": _number_text(hi)}
    # list kinds: no Excel type can check '; '-separated numbers: the prompt alone, and
    # pausesim's own check on reading.
    return DataValidation(**kwargs, allow_blank=True, showInputMessage=True,
                          showErrorMessage="type" in kwargs, errorStyle="stop",
                          promptTitle=_clip(p.label, _TITLE_MAX), prompt=_clip(prompt, _PROMPT_MAX),
                          errorTitle="Not allowed", error=_clip(error, _ERROR_MAX))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


# ------------------------------------------------------------------------------ reading
def read(path: str | Path) -> tuple[dict[str, Any], Callable[[str], str]]:
    """An inputs workbook as the mapping TOML parsing gives (``{"scenario": {...}, section:
    {name: value or {"value": v, "source": s}}}``) and ``where(key)``, the sheet and row of a
    key, for error messages. Problems with the file itself, its sheets, headers, rows or cell
    types raise a one-line :class:`ScenarioError`; values are validated by
    :func:`simulation.core.scenario.from_mapping`."""
    origin = str(path)
    scenario_sheet, inputs_sheet = sheets(Path(path), origin, (SCENARIO_SHEET, INPUTS_SHEET))
    meta, meta_rows = _read_scenario(scenario_sheet, origin)
    data, rows = _read_inputs(inputs_sheet, origin)

    def where(key: str) -> str:
        if key.startswith("scenario."):
            row = meta_rows.get(key.split(".", 1)[1])
            return f"sheet '{SCENARIO_SHEET}'" + (f", row {row}" if row else "")
        row = rows.get(key)
        return f"sheet '{INPUTS_SHEET}'" + (f", row {row}" if row else "")

    return ({"scenario": meta, **data} if meta else data), where


#: Most a workbook pausesim reads may unpack to (its XML); an inputs workbook unpacks to ~0.3 MB.
MAX_UNPACKED_BYTES = MAX_INPUT_BYTES


@dataclass(frozen=True)
class Sheet:
    """One sheet's non-blank cells, read in one streaming pass (so a cell far away, such as
    XFD1048576, costs nothing): values, and the formulas of formula cells."""

    title: str
    values: dict[tuple[int, int], Any]
    formulas: dict[tuple[int, int], Any]
    sheetnames: tuple[str, ...]  # of the whole workbook, for messages

    @cached_property
    def _widths(self) -> dict[int, int]:
        """Each non-blank row's last non-blank column."""
        widths: dict[int, int] = {}
        for r, c in (*self.values, *self.formulas):
            widths[r] = max(c, widths.get(r, 0))
        return widths

    def rows(self, first: int = 1) -> list[int]:
        """Numbers of the rows from ``first`` on that hold anything, in order."""
        return sorted(r for r in self._widths if r >= first)

    def value(self, r: int, c: int) -> Any:
        return self.values.get((r, c))

    def row(self, r: int) -> list[Any]:
        """Row ``r``'s values, up to its last non-blank cell."""
        return [self.values.get((r, c)) for c in range(1, self._widths.get(r, 0) + 1)]


def sheets(path: Path, origin: str, names, first_if_missing: str | None = None) -> list[Sheet]:
    """The sheets ``names`` of the workbook at ``path`` (``first_if_missing``: the name of the
    one sheet that may be missing, the first sheet read instead); one line if the file is not a
    workbook, unpacks to more than :data:`MAX_UNPACKED_BYTES` or lacks a sheet."""
    check_regular_file(path, "workbook")
    _check_unpacked_size(path, origin)
    values_wb = _open(path, origin, data_only=True)
    formulas_wb = _open(path, origin, data_only=False)
    try:
        out = []
        for name in names:
            if name == first_if_missing:
                found = {n.strip().lower(): n for n in values_wb.sheetnames}
                name = found.get(name, values_wb.sheetnames[0])
            _check_sheet(values_wb, name, origin)
            out.append(Sheet(name, _cells(values_wb[name], formula=False),
                             _cells(formulas_wb[name], formula=True),
                             tuple(values_wb.sheetnames)))
        return out
    finally:
        values_wb.close()
        formulas_wb.close()


def _cells(ws, formula: bool) -> dict[tuple[int, int], Any]:
    """The non-blank cells of a read-only sheet (only formula cells if ``formula``)."""
    ws.reset_dimensions()  # rows as stored: no padding to a far-away cell's row and column
    return {(cell.row, cell.column): cell.value for row in ws.iter_rows() for cell in row
            if cell.value is not None and (not formula or cell.data_type == "f")}


def _check_unpacked_size(path: Path, origin: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return  # openpyxl names what is wrong with the file (see _open)
    if size > MAX_INPUT_BYTES:
        raise ScenarioError(f"{origin}: the workbook unpacks to {size / 2 ** 20:,.0f} MB, more "
                            f"than the {MAX_INPUT_BYTES // 2 ** 20} MB pausesim reads (allowed: "
                            "an inputs or areas workbook; make one with 'pausesim template')")


def _open(path: Path, origin: str, data_only: bool):
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it drops on reading (extensions, styles):
            # irrelevant here, and the CLI promises one line on stderr.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except FileNotFoundError:
        raise ScenarioError(f"{origin}: no such file") from None
    except OSError as exc:
        raise ScenarioError(f"{origin}: cannot read the workbook ({exc.strerror or exc})") from None
    except Exception:  # noqa: BLE001 - openpyxl raises a zoo of types for files that are not xlsx
        raise ScenarioError(f"{origin}: {_not_xlsx(path)}") from None


def _not_xlsx(path: Path) -> str:
    """Why a file openpyxl cannot read is not an inputs workbook, in the user's terms."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    save = "save it from Excel as 'Excel Workbook (*.xlsx)'"
    if not head:
        what = "the file is empty (0 bytes)"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: Excel 97-2003, or an encrypted xlsx
        what = "it is an old-format Excel file (.xls) or a password-protected workbook"
        save += " without a password"
    elif head.startswith(b"PK"):
        what = "it is a damaged or non-Excel zip file"
        save += ", or make a new one with 'pausesim template'"
    else:
        what = "it looks like a text file (e.g. a CSV renamed .xlsx)"
    return f"not an .xlsx workbook: {what}; {save}"


def _check_sheet(wb, name: str, origin: str) -> None:
    if name not in wb.sheetnames:
        raise ScenarioError(f"{origin}: no sheet {name!r} (the workbook has "
                            f"{', '.join(repr(s) for s in wb.sheetnames)}); an inputs workbook "
                            f"needs sheets {SCENARIO_SHEET!r} and {INPUTS_SHEET!r}: make one with "
                            "'pausesim template'")


def _columns(ws: Sheet, needed, expected, origin: str) -> dict[str, int]:
    """Column numbers of the ``needed`` headers, found by name in row 1 (any order, any case)."""
    found: dict[str, int] = {}
    for i, value in enumerate(ws.row(1), start=1):
        if value is None:
            continue
        name = str(value).strip().lower()
        if name in found and name in needed:
            raise ScenarioError(f"{origin}, sheet {ws.title!r}, row 1: column {name!r} appears "
                                "twice: keep one")
        found.setdefault(name, i)
    for name in needed:
        if name not in found:
            close = difflib.get_close_matches(name, list(found), n=1, cutoff=0.6)
            hint = f" ({close[0]!r} looks like it: rename it {name!r})" if close else ""
            raise ScenarioError(f"{origin}, sheet {ws.title!r}, row 1: no column {name!r}{hint}; "
                                f"the header row must name the columns {', '.join(expected)} "
                                f"(it has: {', '.join(found) or 'nothing'})")
    return {name: found[name] for name in needed}


def _read_scenario(ws: Sheet, origin: str) -> tuple[dict[str, str], dict[str, int]]:
    col = _columns(ws, ("field", "value"), SCENARIO_COLUMNS, origin)
    meta: dict[str, str] = {}
    rows: dict[str, int] = {}
    for r in ws.rows(first=2):
        raw_field = ws.value(r, col["field"])
        value = _cached(ws, r, col["value"], origin, "scenario field")
        if _blank(raw_field):
            if not _blank(value):
                raise ScenarioError(f"{origin}, sheet {ws.title!r}, row {r}: a value with no "
                                    f"field: name the field ({', '.join(SCENARIO_FIELDS)})")
            continue
        field = str(raw_field).strip().lower()
        at = f"{origin}, sheet {ws.title!r}, row {r}"
        if field not in SCENARIO_FIELDS:
            from .scenario import suggest

            raise ScenarioError(f"{at}: unknown field {field!r}{suggest(field, SCENARIO_FIELDS)} "
                                f"(allowed: {', '.join(SCENARIO_FIELDS)})")
        if field in rows:
            raise ScenarioError(f"{at}: field {field!r} is given twice (rows {rows[field]} and "
                                f"{r}): give it once")
        rows[field] = r
        if not _blank(value):
            meta[field] = _text(value)
    return meta, rows


def _read_inputs(ws: Sheet, origin: str) -> tuple[dict[str, dict], dict[str, int]]:
    from .scenario import lookup

    col = _columns(ws, READ_COLUMNS, INPUT_COLUMNS, origin)
    data: dict[str, dict] = {}
    rows: dict[str, int] = {}
    for r in ws.rows(first=2):
        at = f"{origin}, sheet {ws.title!r}, row {r}"
        section, name = (_text(ws.value(r, col[c])) for c in ("section", "name"))
        if not section and "." in name:  # the full key typed in the name column
            section, name = name.split(".", 1)
        value = _cached(ws, r, col["value"], origin, f"{section}.{name}")
        source = _cached(ws, r, col["source"], origin, f"{section}.{name} source")
        if not section and not name:
            if not (_blank(value) and _blank(source)):
                raise ScenarioError(f"{at}: a value or source with no parameter: fill in its "
                                    "section and name")
            continue
        key = f"{section}.{name}"
        param = lookup(key, at)  # the same "did you mean" as TOML, also for blank rows
        if key in rows:
            raise ScenarioError(f"{at}: {key} is given twice (rows {rows[key]} and {r}): give "
                                "each parameter once")
        rows[key] = r
        if _blank(value):
            if not _blank(source):
                raise ScenarioError(f"{at}: {key} has a source but no value: give the value, "
                                    "or clear the source to inherit it")
            continue
        raw = _raw_value(param, value)
        data.setdefault(param.section, {})[param.name] = (
            raw if _blank(source) else {"value": raw, "source": _text(source)})
    return data, rows


def _cached(ws: Sheet, r: int, c: int, origin: str, key: str) -> Any:
    """A cell's value; a formula's saved result (an unsaved formula is an error, not a blank)."""
    value = ws.value(r, c)
    if value is None and (r, c) in ws.formulas:
        formula = ws.formulas[r, c]
        text = getattr(formula, "text", formula)  # array formulas are objects
        raise ScenarioError(f"{origin}, sheet {ws.title!r}, row {r}: {key} is a formula with no "
                            f"saved result ({text}): open and save the workbook in Excel (or "
                            "LibreOffice) so it is calculated, or type the value")
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """A cell as text (a number typed in a text field is meant as text)."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, float):
        return _number_text(value)
    return str(value).strip()


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_MONEY = re.compile(r"^(£|GBP)\s*", re.IGNORECASE)
_FINANCIAL_YEAR = re.compile(r"(\d{4})\s*/\s*(\d{2})")


def _raw_value(p: Param, value: Any) -> Any:
    """A cell as the value TOML would give (numbers, true/false, lists, text); what cannot be
    converted is passed on as it is, for ``validate_value`` to reject with its usual line."""
    if isinstance(value, (datetime, date, time, timedelta)):
        return f"{_text(value)} (a date or time)"
    if p.kind == "bool":
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        return value
    if isinstance(value, str):
        value = value.strip()
    if p.kind == "choice":
        return value
    if p.kind in _LIST_KINDS:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return [value]  # a one-year schedule typed as a number
        return _list(p, value) if isinstance(value, str) else value
    return _number(p, value) if isinstance(value, str) else value


def _number(p: Param, text: str) -> Any:
    """'3' -> 3.0; in money cells '£331,000' -> 331000.0; in price years '2021/22' -> 2021."""
    s = text.strip()
    if p.is_money:
        s = _MONEY.sub("", s)
    year = _FINANCIAL_YEAR.fullmatch(s)
    if _is_price_year(p) and year and (int(year[1]) + 1) % 100 == int(year[2]):
        return int(year[1])
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")
    return float(s) if _NUMBER.fullmatch(s) else text


def _list(p: Param, text: str) -> Any:
    """'0.5; 0.25; 0.25' (or TOML's '[0.5, 0.25, 0.25]') -> a list of floats; 'none' -> []."""
    if text.lower() in (EMPTY_SERIES, "[]"):
        return []
    if text.startswith("[") and text.endswith("]"):
        try:
            return tomllib.loads(f"v = {text}")["v"]
        except (tomllib.TOMLDecodeError, RecursionError, ValueError):  # ValueError: too long
            return text
    parts = text.split(";")
    if len(parts) > 1 and not parts[-1].strip():
        parts = parts[:-1]  # a trailing separator
    items = [_number(p, part) for part in parts]
    return text if any(isinstance(v, str) for v in items) else items

