"""Monitoring data: what a running practice and its authority have observed since launch.

One CSV file (``pausesim monitor SCENARIO DATA``; ``docs/monitoring.md``), one row per period, two
kinds of row told apart by ``section``:

- ``practice`` rows, by month or quarter since launch: the practice's women, **cumulative from
  launch to the end of the period** (``to_month``), except ``on_larc``, the women on LARC *at*
  the end of the period. Columns :data:`PRACTICE_SERIES`.
- ``authority`` rows, one a year: ``infants_starting_care``, the authority's infants under one
  starting to be looked after **in that year** (all of them: the practice's women's and other
  mothers'). Years before launch (``to_month <= 0``) are the baseline, at least
  :data:`MIN_BASELINE_YEARS` of them; years after launch are compared with it.

Months are counted from launch (month 0: the start of funding, the model's month 0), so
pre-launch years have negative months (a financial year ending 5 months before launch:
``from_month = -17, to_month = -5``). Any value may be missing (an empty cell): a missing value
stays missing (NaN), never zero. ``note`` (optional) is free text, kept as it is.

:func:`load` refuses a file that is not this, in one line naming the file, row, column, value and
what is allowed (:class:`simulation.core.errors.PausesimError`: exit 2, before any simulation).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.core.errors import PausesimError

SECTIONS = ("practice", "authority")
#: The practice's women: cumulative counts from launch to ``to_month`` (women, or events), except
#: ``on_larc`` (women on LARC at ``to_month``). Pregnancies, live births and infants entering care
#: are those of the women on the practice's list (everyone it may offer a place to), as the model
#: counts them.
PRACTICE_SERIES = ("offered", "enrolled", "completed", "left_early", "on_larc", "pregnancies",
                   "live_births", "infants_entering_care")
#: Series that are stocks at the end of the period, not cumulative counts.
STOCK_SERIES = ("on_larc",)
#: The authority: infants under one starting to be looked after in the year ``from``-``to``.
AUTHORITY_SERIES = ("infants_starting_care",)
REQUIRED = ("section", "from_month", "to_month")
COLUMNS = REQUIRED + PRACTICE_SERIES + AUTHORITY_SERIES + ("note",)
#: Pre-launch years the baseline needs (level, trend and year-to-year noise).
MIN_BASELINE_YEARS = 3
#: An authority row covers a year (months), within this tolerance (financial and calendar years
#: are both 12 months; the tolerance allows nothing else).
YEAR_MONTHS = 12
#: Largest count a cell may hold (no practice or authority comes near it: a typo).
MAX_COUNT = 100_000
#: Earliest pre-launch month an authority row may start (20 years before launch).
EARLIEST_MONTH = -240
#: The sheet of an inputs workbook (``pausesim template``) that holds the same table.
SHEET = "Monitoring"


@dataclass(frozen=True)
class Monitoring:
    """A monitoring file, validated. ``practice``: ``from_month``, ``to_month`` and
    :data:`PRACTICE_SERIES` (NaN where missing), sorted by ``to_month``; ``authority``:
    ``from_month``, ``to_month``, ``infants_starting_care`` (NaN where missing), sorted."""

    origin: str
    practice: pd.DataFrame
    authority: pd.DataFrame

    def observed(self) -> pd.DataFrame:
        """The practice's observed values, long: ``series, to_month, observed`` (missing values
        left out)."""
        long = self.practice.melt(id_vars=["from_month", "to_month"],
                                  value_vars=list(PRACTICE_SERIES), var_name="series",
                                  value_name="observed").dropna(subset=["observed"])
        return long[["series", "to_month", "observed"]].reset_index(drop=True)

    def baseline(self) -> pd.DataFrame:
        """Authority years before launch (``to_month <= 0``) with a count."""
        a = self.authority.dropna(subset=["infants_starting_care"])
        return a[a["to_month"] <= 0].reset_index(drop=True)

    def since_launch(self) -> pd.DataFrame:
        """Authority years ending after launch with a count."""
        a = self.authority.dropna(subset=["infants_starting_care"])
        return a[a["to_month"] > 0].reset_index(drop=True)


def load(path: Path | str, horizon_months: float | None = None) -> Monitoring:
    """Read and validate a monitoring CSV (``horizon_months``: the scenario's horizon; no row may
    end after it)."""
    path = Path(path)
    where = f"monitoring file {path}"
    if path.is_dir():
        raise PausesimError(f"{where}: is a folder (allowed: a .csv file or an .xlsx workbook)")
    if not path.is_file():
        raise PausesimError(f"{where}: does not exist (allowed: a .csv file or an .xlsx "
                            "workbook)")
    if path.suffix.lower() == ".xlsx":
        return load_workbook(path, horizon_months)
    if path.suffix.lower() != ".csv":
        raise PausesimError(f"{where}: is not a .csv file or an .xlsx workbook (allowed: a CSV "
                            "file, e.g. docs/examples/monitoring-southampton.csv, or a "
                            f"'pausesim template' workbook with its {SHEET!r} sheet filled in)")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PausesimError(f"{where}: is not UTF-8 text (allowed: a CSV file saved as UTF-8)"
                            ) from None
    except OSError as exc:
        raise PausesimError(f"{where}: cannot be read ({exc.strerror})") from None
    return parse(text, where, horizon_months)


def parse(text: str, where: str, horizon_months: float | None = None) -> Monitoring:
    """Validate monitoring data given as CSV text (``where`` names it in messages)."""
    if "\x00" in text:
        raise PausesimError(f"{where}: is not text (allowed: a CSV file)")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise PausesimError(f"{where}: is not valid CSV ({exc})") from None
    return parse_rows(rows, where, horizon_months)


def load_workbook(path: Path, horizon_months: float | None = None) -> Monitoring:
    """Read and validate the :data:`SHEET` sheet of an inputs workbook (``pausesim template``):
    the same columns and checks as the CSV; messages name the sheet, row and column."""
    from .workbook import cell_text, sheets

    where = f"workbook {path}, sheet {SHEET!r}"
    try:
        (ws,) = sheets(path, str(path), (SHEET,))
    except PausesimError as exc:
        if f"no sheet {SHEET!r}" in str(exc):
            raise PausesimError(f"workbook {path}: no sheet {SHEET!r} (allowed: a workbook from "
                                "'pausesim template', which has one, or a monitoring .csv)"
                                ) from None
        raise
    rows = []
    for r in range(1, max(ws.rows(), default=0) + 1):
        cells = []
        for c, value in enumerate(ws.row(r), start=1):
            if value is None and (r, c) in ws.formulas:
                raise PausesimError(f"{where}, row {r}, column {c}: a formula with no saved "
                                    "result (allowed: a value; open and save the workbook in "
                                    "Excel or LibreOffice so it is calculated)")
            cells.append(cell_text(value))
        rows.append(cells)
    return parse_rows(rows, where, horizon_months)


def parse_rows(rows: list[list[str]], where: str, horizon_months: float | None = None
               ) -> Monitoring:
    """Validate monitoring data given as rows of cell texts, the header first (row numbers in
    messages count every row, blank ones included, as a spreadsheet does)."""
    numbered = [(n, r) for n, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise PausesimError(f"{where}: is empty (allowed: a header naming the columns "
                            f"{', '.join(REQUIRED)} and the series, then one row per period)")
    header_row, header = numbered[0][0], [c.strip() for c in numbered[0][1]]
    while header and header[-1] == "":
        header.pop()  # a workbook's row may end in blank cells
    _check_header(header, where, header_row)
    body = numbered[1:]
    if not body:
        raise PausesimError(f"{where}: has a header only (allowed: at least one row)")
    records = {s: [] for s in SECTIONS}
    for n, raw in body:
        while len(raw) > len(header) and raw[-1].strip() == "":
            raw = raw[:-1]
        if len(raw) > len(header):
            raise PausesimError(f"{where}, row {n}: has {len(raw)} cells, more than the "
                                f"{len(header)} columns of the header (allowed: one cell per "
                                "column; quote text holding commas)")
        cells = dict(zip(header, [c.strip() for c in raw] + [""] * (len(header) - len(raw))))
        records_row = _row(cells, n, where, horizon_months)
        records[records_row["section"]].append(records_row)
    practice = _frame(records["practice"], PRACTICE_SERIES)
    authority = _frame(records["authority"], AUTHORITY_SERIES)
    _check_practice(practice, where)
    _check_authority(authority, where)
    return Monitoring(where, practice, authority)


def _check_header(header: list[str], where: str, row: int = 1) -> None:
    for i, name in enumerate(header, start=1):
        if name not in COLUMNS:
            raise PausesimError(f"{where}, row {row}, column {i}: {name!r} is not a monitoring "
                                f"column (allowed: {', '.join(COLUMNS)})")
        if header.count(name) > 1:
            raise PausesimError(f"{where}, row {row}: column {name!r} is given twice (allowed: "
                                "each column once)")
    for name in REQUIRED:
        if name not in header:
            raise PausesimError(f"{where}, row {row}: column {name!r} is missing (allowed: a "
                                f"header with {', '.join(REQUIRED)} and the series)")


def _number(text: str, n: int, column: str, where: str, integer: bool) -> float:
    """A cell as a number (``nan`` when empty); text, NaN, infinity refused."""
    if text == "":
        return math.nan
    allowed = "a whole number" if integer else "a number"
    try:
        value = float(text)
    except ValueError:
        raise PausesimError(f"{where}, row {n}, column {column}: {text!r} is not a number "
                            f"(allowed: {allowed}, or empty for missing)") from None
    if not math.isfinite(value):
        raise PausesimError(f"{where}, row {n}, column {column}: {text!r} is invalid "
                            f"(allowed: {allowed}, or empty for missing)")
    if integer and not value.is_integer():
        raise PausesimError(f"{where}, row {n}, column {column}: {text!r} is invalid "
                            f"(allowed: {allowed}, or empty for missing)")
    return value


def _row(cells: dict, n: int, where: str, horizon: float | None) -> dict:
    section = cells["section"]
    if section not in SECTIONS:
        raise PausesimError(f"{where}, row {n}, column section: {section!r} is invalid "
                            f"(allowed: {' or '.join(SECTIONS)})")
    out = {"row": n, "section": section}
    for column in ("from_month", "to_month"):
        value = _number(cells[column], n, column, where, integer=False)
        if math.isnan(value):
            raise PausesimError(f"{where}, row {n}, column {column}: is empty (allowed: months "
                                "since launch, never missing)")
        out[column] = value
    lo, hi = out["from_month"], out["to_month"]
    if not hi > lo:
        raise PausesimError(f"{where}, row {n}, column to_month: {cells['to_month']!r} is "
                            f"invalid: must be after from_month ({cells['from_month']})")
    if horizon is not None and hi > horizon + 1e-9:
        raise PausesimError(f"{where}, row {n}, column to_month: {cells['to_month']!r} is beyond "
                            f"the scenario's horizon (allowed: at most {horizon:g} months since "
                            "launch)")
    own, other = (PRACTICE_SERIES, AUTHORITY_SERIES) if section == "practice" else \
        (AUTHORITY_SERIES, PRACTICE_SERIES)
    if section == "practice" and not (lo.is_integer() and hi.is_integer()):
        bad, text = ("from_month", cells["from_month"]) if not lo.is_integer() else \
            ("to_month", cells["to_month"])
        raise PausesimError(f"{where}, row {n}, column {bad}: {text!r} is invalid for a "
                            "practice row (allowed: whole months since launch)")
    if section == "practice" and lo < 0:
        raise PausesimError(f"{where}, row {n}, column from_month: {cells['from_month']!r} is "
                            "invalid for a practice row (allowed: 0 or more months since launch)")
    if section == "authority":
        if abs((hi - lo) - YEAR_MONTHS) > 1e-9:
            raise PausesimError(f"{where}, row {n}, column to_month: {cells['to_month']!r} is "
                                f"invalid: an authority row is one year (allowed: to_month = "
                                f"from_month + {YEAR_MONTHS})")
        if lo < EARLIEST_MONTH:
            raise PausesimError(f"{where}, row {n}, column from_month: {cells['from_month']!r} "
                                f"is invalid (allowed: at least {EARLIEST_MONTH})")
        if lo < 0 < hi:
            raise PausesimError(f"{where}, row {n}, column from_month: {cells['from_month']!r} "
                                "is invalid: an authority year may not straddle the launch "
                                "(allowed: a year ending by month 0, the baseline, or starting "
                                "at month 0 or later)")
    for column in other:
        if cells.get(column, "") != "":
            raise PausesimError(f"{where}, row {n}, column {column}: {cells[column]!r} is not "
                                f"allowed on a {section} row (allowed: empty; {section} rows "
                                f"hold {', '.join(own)})")
    for column in own:
        value = _number(cells.get(column, ""), n, column, where, integer=True)
        if value < 0 or value > MAX_COUNT:
            raise PausesimError(f"{where}, row {n}, column {column}: {cells[column]!r} is "
                                f"invalid (allowed: a count from 0 to {MAX_COUNT:,}, or empty "
                                "for missing)")
        out[column] = value
    return out


def _frame(records: list[dict], series: tuple[str, ...]) -> pd.DataFrame:
    columns = ["row", "from_month", "to_month", *series]
    frame = pd.DataFrame(records, columns=["section", *columns])[columns]
    for c in columns:
        frame[c] = frame[c].astype(float)
    return frame.sort_values("to_month", kind="stable").reset_index(drop=True)


def _check_practice(p: pd.DataFrame, where: str) -> None:
    """One row per period end; cumulative series never fall; enrolled <= offered; completed +
    left early <= enrolled; on LARC <= enrolled (where both are given)."""
    dup = p["to_month"].duplicated()
    if dup.any():
        r = p[dup].iloc[0]
        raise PausesimError(f"{where}, row {int(r['row'])}, column to_month: {r['to_month']:g} "
                            "is given on two practice rows (allowed: one row per period)")
    for a, b, words in (("enrolled", "offered", "more women enrolled than offered"),
                        ("on_larc", "enrolled", "more women on LARC than enrolled"),
                        ("live_births", "pregnancies", "more live births than pregnancies")):
        bad = p[a] > p[b]  # NaN compares False: missing values are never checked as 0
        if bad.any():
            r = p[bad].iloc[0]
            raise PausesimError(f"{where}, row {int(r['row'])}, column {a}: {r[a]:g} is "
                                f"invalid: {words} ({b} {r[b]:g}) (allowed: at most {b})")
    ended = p["completed"] + p["left_early"]
    bad = ended > p["enrolled"]
    if bad.any():
        r = p[bad].iloc[0]
        raise PausesimError(f"{where}, row {int(r['row'])}, column completed: {r['completed']:g}"
                            f" is invalid: completed + left_early ({ended[bad].iloc[0]:g}) is "
                            f"more than enrolled ({r['enrolled']:g}) (allowed: at most enrolled)")
    for s in PRACTICE_SERIES:
        if s in STOCK_SERIES:
            continue
        given = p.dropna(subset=[s])
        falls = np.diff(given[s].to_numpy()) < 0
        if falls.any():
            i = int(np.argmax(falls)) + 1
            r = given.iloc[i]
            raise PausesimError(f"{where}, row {int(r['row'])}, column {s}: {r[s]:g} is less "
                                f"than {given[s].iloc[i - 1]:g} at month "
                                f"{given['to_month'].iloc[i - 1]:g} (allowed: a count "
                                "cumulative from launch, which never falls)")


def _check_authority(a: pd.DataFrame, where: str) -> None:
    """Years do not overlap; at least :data:`MIN_BASELINE_YEARS` counted pre-launch years when
    there are post-launch ones."""
    if len(a) > 1:
        overlap = a["from_month"].to_numpy()[1:] < a["to_month"].to_numpy()[:-1] - 1e-9
        if overlap.any():
            r = a.iloc[int(np.argmax(overlap)) + 1]
            raise PausesimError(f"{where}, row {int(r['row'])}, column from_month: "
                                f"{r['from_month']:g} overlaps the year before it (allowed: "
                                "authority years that do not overlap)")
    counted = a.dropna(subset=["infants_starting_care"])
    before = int((counted["to_month"] <= 0).sum())
    after = int((counted["to_month"] > 0).sum())
    if after and before < MIN_BASELINE_YEARS:
        raise PausesimError(f"{where}: {before} pre-launch authority year(s) with a count "
                            f"(allowed: at least {MIN_BASELINE_YEARS}, to estimate the "
                            "baseline's level, trend and year-to-year noise)")
