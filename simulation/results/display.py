"""Tables for people: a tidy table with its numbers written as pausesim prints them.

``formatted(results.summary())`` keeps the rows and columns of the tidy table but writes each
number with :mod:`simulation.results.format` by the row's unit: money as ``£1.28m`` / ``-£320k``
(GBP at the run's price base, stated in the ``unit`` column), probabilities as percentages,
months, ratios, and counts of infants or women (means with one decimal). For notebooks and
reports; keep the tidy table for calculations.
"""

from __future__ import annotations

import pandas as pd

from . import format as fmt

#: Columns written as numbers of the row's unit.
VALUE_COLUMNS = ("mean", "median", "lo", "hi", "mean_se", "difference_mean", "difference_se",
                 "difference_ci_lo", "difference_ci_hi", "difference_lo", "difference_hi")


def _writer(unit: str, column: str):
    unit = str(unit)
    if unit.startswith("GBP"):
        return fmt.money
    if unit == "probability":
        return lambda x: fmt.percent(x, 1 if column.endswith("se") else 0)
    if unit.startswith("months"):
        return fmt.months
    if unit == "ratio":
        return fmt.ratio
    decimals = 0 if column in ("lo", "hi", "difference_lo", "difference_hi") else 1
    return lambda x: fmt.count(x, decimals)


def formatted(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of a tidy table (with a ``unit`` column) whose value columns are text."""
    if "unit" not in table.columns:
        raise ValueError("formatted() needs a table with a 'unit' column (e.g. Results.summary())")
    out = table.copy()
    for column in VALUE_COLUMNS:
        if column in out.columns:
            out[column] = [_writer(u, column)(x) for u, x in zip(out["unit"], out[column])]
    if "band" in out.columns:
        out["band"] = [fmt.percent(b) for b in out["band"]]
    return out
