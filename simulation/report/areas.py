"""The areas file of a national portfolio: one row per practice, read and checked before any
simulation.

A CSV file or an Excel workbook (its sheet ``areas``, else its first sheet) with a header row:

- ``area``: a unique label (e.g. the authority), required;
- ``scenario``: a built-in scenario name or a ``.toml``/``.xlsx`` scenario file (a relative path
  is read from the areas file's folder), required;
- ``notes``: optional, not read;
- any other column is a parameter key (``practice.practitioners``,
  ``authority.other_infant_care_entries_per_year``...): that area's value, overriding its
  scenario's; a blank cell is no override. Cells are read as in an inputs workbook (numbers,
  TRUE/FALSE, lists separated by ``"; "``, ``£331,000``).

:func:`read` returns :class:`AreaRow` values (cells only); :func:`resolve` turns them into
scenarios at one price base and one horizon. Every problem is one
:class:`~simulation.core.errors.ScenarioError` line naming the file, sheet, row and column.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from simulation.core import deflators, inputs, workbook
from simulation.core import scenario as scenario_mod
from simulation.core.errors import ScenarioError
from simulation.core.parameters import BY_KEY, show
from simulation.core.scenario import Scenario, lookup

AREA, SCENARIO, NOTES = "area", "scenario", "notes"
REQUIRED = (AREA, SCENARIO)
SHEET = "areas"
SUFFIXES = (".csv", ".xlsx")
#: Set for every area by the portfolio itself (one price base), never per area.
PRICE_YEAR = "costs.price_year"
HORIZON = "practice.horizon_months"


@dataclass(frozen=True)
class AreaRow:
    """One row of the areas file, as written (overrides converted as TOML would give them)."""

    label: str
    reference: str  # the scenario cell
    row: int  # row number as a spreadsheet shows it (the header is row 1)
    where: str  # "areas.csv, row 3 (area 'Leeds')": names the row in messages and sources
    overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Area:
    """One practice of the portfolio: its row and its resolved scenario (overrides, calibration,
    the portfolio's price base and horizon applied)."""

    row: AreaRow
    scenario: Scenario
    own_price_year: int  # the scenario's price base before the portfolio's
    own_horizon_months: float  # the scenario's horizon before the areas file and the portfolio

    @property
    def label(self) -> str:
        return self.row.label


# ------------------------------------------------------------------------------ reading
def read(path: str | Path) -> list[AreaRow]:
    """The rows of an areas file (CSV or XLSX), each checked: labels unique, scenario given,
    every column a known parameter, every cell readable."""
    inputs.check_path("areas file", path)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = " (save it from Excel as 'Excel Workbook (*.xlsx)')" if suffix == ".xls" else ""
        raise ScenarioError(f"{path}: an areas file must be a .csv or .xlsx file, not "
                            f"{suffix or 'a file without an extension'!r}{hint}")
    if not path.exists():
        raise ScenarioError(f"{path}: no such file (allowed: an areas file, .csv or .xlsx)")
    if path.is_dir():
        raise ScenarioError(f"{path}: is a folder, not an areas file (.csv or .xlsx)")
    table, place = _csv(path) if suffix == ".csv" else _xlsx(path)
    return _rows(table, place, str(path))


def _csv(path: Path) -> tuple[list[tuple[int, list[Any]]], str]:
    text = inputs.read_text(path, what="areas file")
    if not text.strip():
        raise ScenarioError(f"{path}: the file is empty: give a header row ({AREA}, {SCENARIO}, "
                            "parameter keys) and one row per area")
    try:
        # Excel writes ';'-separated CSV in locales with a decimal comma; only the separator is
        # sniffed (from the header), quoting is Excel's ("" inside quotes, quoted separators)
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)
    try:
        rows = [(i, row) for i, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise ScenarioError(f"{path}, row {reader.line_num}: not readable as CSV ({exc})") from None
    return rows, str(path)


def _xlsx(path: Path) -> tuple[list[tuple[int, list[Any]]], str]:
    origin = str(path)
    ws, = workbook.sheets(path, origin, [SHEET], first_if_missing=SHEET)
    place = f"{origin}, sheet {ws.title!r}"
    names = {name.strip().lower() for name in ws.sheetnames}
    if SHEET not in names and AREA not in {str(h).strip().lower() for h in ws.row(1) if h}:
        kind = " (an inputs workbook: name it in the scenario column of an areas file)" \
            if {workbook.SCENARIO_SHEET, workbook.INPUTS_SHEET} <= set(ws.sheetnames) else ""
        raise ScenarioError(f"{origin}: no sheet {SHEET!r}, and the first sheet {ws.title!r} has "
                            f"no column {AREA!r}{kind}; the workbook has sheets "
                            f"{', '.join(repr(s) for s in ws.sheetnames)}")
    rows = [(r, [workbook._cached(ws, r, c, place, f"column {c}")
                 for c in range(1, len(ws.row(r)) + 1)]) for r in ws.rows()]
    return rows, place


def _rows(table: list[tuple[int, list[Any]]], place: str, origin: str) -> list[AreaRow]:
    """Header and rows into :class:`AreaRow` values."""
    filled = [(r, cells) for r, cells in table if any(not workbook._blank(c) for c in cells)]
    if not filled:
        raise ScenarioError(f"{place}: the file is empty: give a header row ({AREA}, "
                            f"{SCENARIO}, parameter keys) and one row per area")
    header_row, header = filled[0]
    columns = _columns(header, header_row, place)
    body = filled[1:]
    if not body:
        raise ScenarioError(f"{place}: no areas: the header row is there but no row below it "
                            "names an area")
    out: list[AreaRow] = []
    seen: dict[str, int] = {}
    for r, cells in body:
        cells = list(cells) + [None] * (len(header) - len(cells))
        at = f"{place}, row {r}"
        extra = [c for c in cells[len(header):] if not workbook._blank(c)]
        if extra:
            raise ScenarioError(f"{at}: a value ({workbook._text(extra[0])!r}) beyond the last "
                                "named column: give every column a header")
        for i in columns.get("", []):
            if not workbook._blank(cells[i]):
                raise ScenarioError(f"{at}, column {i + 1}: a value "
                                    f"({workbook._text(cells[i])!r}) under a blank header: "
                                    f"name the column ({AREA}, {SCENARIO}, {NOTES} or a "
                                    "parameter key)")
        label = workbook._text(cells[columns[AREA]])
        if not label:
            raise ScenarioError(f"{at}, column {AREA!r}: blank: give each area a label")
        inputs.check_text(label, f"{at}, column {AREA!r}: area")
        key = label.casefold()
        if key in seen:
            raise ScenarioError(f"{at}, column {AREA!r}: area {label!r} is given twice (rows "
                                f"{seen[key]} and {r}): give each area once, with a unique "
                                "label")
        seen[key] = r
        where = f"{at} (area {label!r})"
        reference = workbook._text(cells[columns[SCENARIO]])
        if not reference:
            raise ScenarioError(f"{where}, column {SCENARIO!r}: blank: give a built-in "
                                f"scenario ({', '.join(scenario_mod.builtin_names())}) or a "
                                ".toml or .xlsx scenario file")
        overrides = {}
        for key_, i in columns.items():
            if key_ in (AREA, SCENARIO, NOTES, ""):
                continue
            value = cells[i]
            if workbook._blank(value):
                continue
            param = BY_KEY[key_]
            overrides[key_] = scenario_mod.validate_value(
                param, workbook._raw_value(param, value), f"{where}, column {key_!r}")
        out.append(AreaRow(label, reference, r, where, overrides))
    return out


def _columns(header: list[Any], r: int, place: str) -> dict:
    """Column index of ``area``, ``scenario``, ``notes`` and each parameter key; ``""``: the
    indices of blank headers."""
    at = f"{place}, row {r}"
    names = [workbook._text(c) for c in header if not workbook._blank(c)]
    found: dict = {"": []}
    for i, cell in enumerate(header):
        if workbook._blank(cell):
            found[""].append(i)
            continue
        name = workbook._text(cell)
        key = name.lower() if name.lower() in (AREA, SCENARIO, NOTES) else name
        if key in found:
            raise ScenarioError(f"{at}: column {name!r} appears twice: keep one")
        found[key] = i
    for name in REQUIRED:  # first: a misspelt 'scenario' is not an unknown parameter
        if name not in found:
            others = [n for n in names if n.lower() not in (AREA, SCENARIO, NOTES)]
            close = difflib.get_close_matches(name, [n.lower() for n in others], n=1,
                                              cutoff=0.6)
            hint = f" ({close[0]!r} looks like it: rename it {name!r})" if close else ""
            raise ScenarioError(f"{at}: no column {name!r}{hint}; the header row must name the "
                                f"columns {AREA}, {SCENARIO} and optionally {NOTES} and "
                                f"parameter keys (it has: {', '.join(names) or 'nothing'})")
    for key in found:
        if key in (AREA, SCENARIO, NOTES, ""):
            continue
        lookup(key, f"{at}, column {key!r}")  # unknown parameter: did you mean
        if key == PRICE_YEAR:
            raise ScenarioError(f"{at}, column {key!r}: the portfolio puts every area at one "
                                "price base (pausesim portfolio --price-year YEAR): remove the "
                                "column")
    return found


# ---------------------------------------------------------------------------- resolving
def resolve(rows: list[AreaRow], origin: str | Path, calibration: str | None = None,
            price_year: int | None = None, horizon_months: float | None = None) -> list[Area]:
    """Each row's scenario: loaded (relative to ``origin``'s folder), under ``calibration`` if
    given, with the row's overrides, then at the portfolio's price base (default: the latest
    outturn year) and horizon (default: the areas' common horizon; areas that differ are an
    error unless ``horizon_months`` is given)."""
    from simulation.results import study

    base = deflators.latest_outturn_year() if price_year is None else price_year
    deflators.check_year(base, "--price-year")
    folder = Path(origin).parent
    if horizon_months is not None:
        lookup(HORIZON, "--horizon-months")
        scenario_mod.validate_value(BY_KEY[HORIZON], horizon_months, "--horizon-months")
        given = [r for r in rows if HORIZON in r.overrides]
        if given:
            raise ScenarioError(f"{given[0].where}, column {HORIZON!r}: --horizon-months is "
                                "given too: give the horizon once (the option for every area, "
                                "or the column)")
    areas = []
    for row in rows:
        reference = row.reference
        if reference not in scenario_mod.builtin_names() and \
                Path(reference).suffix.lower() in (".toml", ".xlsx") and \
                not Path(reference).is_absolute():
            reference = str(folder / reference)
        try:
            sc = study.load(reference, calibration)
        except ScenarioError as exc:
            text = str(exc).removeprefix("scenario: ")
            raise ScenarioError(f"{row.where}, column {SCENARIO!r}: {text}") from None
        own_year, own_horizon = int(sc[PRICE_YEAR]), float(sc[HORIZON])
        try:
            if row.overrides:
                sc = sc.with_overrides(dict(row.overrides), source=row.where)
            fixed = {PRICE_YEAR: base}
            if horizon_months is not None:
                fixed[HORIZON] = horizon_months
            what = "price base and horizon" if len(fixed) > 1 else "price base"
            sc = sc.with_overrides(fixed, source=f"{row.where}: the portfolio's {what}")
        except ScenarioError as exc:
            text = str(exc)
            raise ScenarioError(text if text.startswith(row.where) else
                                f"{row.where}: {text}") from None
        areas.append(Area(row, sc, own_year, own_horizon))
    _check_common(areas, origin)
    return areas


#: The built-in scenario that describes no particular place (a typical practice): any number of
#: areas may use it.
GENERIC = "national"


def place(area: Area) -> str | None:
    """The place an area's scenario describes, where one can tell: a built-in local scenario's
    place (``southampton-2019-pilot`` and ``southampton-2021`` are both ``southampton``) or a
    scenario file's path; None for the generic national scenario."""
    reference = area.row.reference
    if reference in scenario_mod.builtin_names():
        return None if reference == GENERIC else reference.split("-", 1)[0]
    origin = Path(area.scenario.origin)
    return str(origin.resolve()) if origin.exists() else None


def repeated_places(areas: list[Area]) -> list[str]:
    """One line for each place that more than one area describes: a total counts each practice
    once, so two rows of one place (two periods of one practice, or a practice and its variant)
    make the total of no real set of practices. Variants of one practice belong in ``pausesim
    compare``."""
    groups: dict[str, list[Area]] = {}
    for a in areas:
        key = place(a)
        if key is not None:
            groups.setdefault(key, []).append(a)
    return [f"areas {', '.join(repr(a.label) for a in group)} (rows "
            f"{', '.join(str(a.row.row) for a in group)}) describe one place "
            f"({Path(key).name if Path(key).suffix else key}): the total counts it "
            f"{len(group)} times; keep one row per practice (compare variants with pausesim "
            "compare)"
            for key, group in groups.items() if len(group) > 1]


def _check_common(areas: list[Area], origin) -> None:
    """One horizon and one calibration: a national total adds replications year by year under
    the same parameter draws."""
    for what, value, fix in (
            ("horizons (practice.horizon_months)", lambda a: a.scenario[HORIZON],
             "give --horizon-months MONTHS, or a practice.horizon_months column"),
            ("calibrations", lambda a: a.scenario.calibration or "none",
             "give --calibration NAME (e.g. national) to use one for every area")):
        groups: dict = {}
        for a in areas:
            groups.setdefault(value(a), []).append(a)
        if len(groups) > 1:
            shown = "; ".join(f"{show(v)} in " + ", ".join(f"row {a.row.row} ({a.label!r})"
                                                          for a in group[:3])
                              + (f" and {len(group) - 3} more" if len(group) > 3 else "")
                              for v, group in groups.items())
            raise ScenarioError(f"{origin}: the areas have different {what} ({shown}): a "
                                f"national total needs one; {fix}")
