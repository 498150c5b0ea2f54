"""Tables as files a spreadsheet opens safely: no float noise, no formula injection.

Numbers go through :func:`simulation.results.format.tidy_frame` (``1654999.9999999998`` is
written ``1655000.0``). Text cells that start with ``=``, ``+``, ``-`` or ``@`` would be read as
formulas by Excel or LibreOffice (a scenario's description or source is user text), so they are
prefixed with an apostrophe, as OWASP advises for CSV files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulation.results.format import tidy_frame

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(text: object) -> object:
    """A text cell that cannot be read as a formula (other values unchanged)."""
    if isinstance(text, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with floats tidied and text cells neutralised."""
    out = tidy_frame(frame)
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and \
                not pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map(neutral)
    return out


def write_csv(frame: pd.DataFrame, folder: Path, name: str) -> Path:
    path = Path(folder) / f"{name}.csv"
    safe_frame(frame).to_csv(path, index=False)
    return path
