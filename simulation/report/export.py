"""Tables as files a spreadsheet opens safely: no float noise, no formula injection.

Numbers go through :func:`simulation.results.format.tidy_frame` (``1654999.9999999998`` is
written ``1655000.0``); text cells through :func:`simulation.core.output.spreadsheet_safe` (a
scenario's description or source is user text that Excel could read as a formula).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from simulation.core import output
from simulation.results.format import tidy_frame


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with floats tidied and text cells neutralised (as every pausesim CSV is)."""
    return output.spreadsheet_safe(tidy_frame(frame))


def write_csv(frame: pd.DataFrame, folder: Path, name: str) -> Path:
    output.write_table(tidy_frame(frame), folder, name, parquet=False)
    return Path(folder) / f"{name}.csv"
