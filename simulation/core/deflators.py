"""Price bases: HM Treasury GDP deflators, shipped as package data (``data/gdp_deflators.csv``).

Green Book practice (evidence.md s4.1): convert every cost to one price base with the GDP deflator,
then discount. A price year is the financial year it starts in (2015 = 2015/16). An amount at
price year ``a`` is worth ``amount * index[b] / index[a]`` at price year ``b``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from .errors import ScenarioError

#: Where the table comes from (the first line of the CSV).
SOURCE = ""


@lru_cache(maxsize=1)
def table() -> dict[int, tuple[str, float, str]]:
    """``{fy_start: (financial_year, index, status)}`` (status: outturn or forecast)."""
    global SOURCE
    text = resources.files("simulation").joinpath("data", "gdp_deflators.csv").read_text("utf-8")
    lines = text.splitlines()
    SOURCE = lines[0].lstrip("# ").strip()
    rows = {}
    for line in lines[2:]:
        start, fy, index, status = line.split(",")
        rows[int(start)] = (fy, float(index), status)
    return rows


def years() -> tuple[int, ...]:
    """Price years the table covers (financial years starting)."""
    return tuple(sorted(table()))


def latest_outturn_year() -> int:
    """The most recent price year that is outturn, not forecast: the default reporting base."""
    return max(y for y, (_, _, status) in table().items() if status == "outturn")


def label(year: int) -> str:
    """``2024`` -> ``2024/25``."""
    return f"{year}/{(year + 1) % 100:02d}"


def check_year(year: int, field: str) -> None:
    """One clear line if ``year`` is outside the table."""
    if year not in table():
        lo, hi = years()[0], years()[-1]
        raise ScenarioError(f"{field} = {year} is invalid: must be a price year the HM Treasury "
                            f"GDP deflator table covers, {lo} ({label(lo)}) to {hi} ({label(hi)})")


def factor(from_year: int, to_year: int, field: str = "price year") -> float:
    """Multiplier taking an amount at ``from_year`` prices to ``to_year`` prices."""
    check_year(from_year, field)
    check_year(to_year, field)
    return table()[to_year][1] / table()[from_year][1]
