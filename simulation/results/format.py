"""One way to write numbers, shared by the command line, reports and workbooks.

Counts of infants or women are whole numbers where they are bounds of a range and one decimal
where they are means; money is GBP in thousands or millions with the sign before the pound sign
(``-£0.32m``); probabilities are percentages. In HTML the minus sign is the typographic minus
and never wraps away from its number. CSV files carry no float noise (:func:`tidy_frame`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

MINUS = "\u2212"  # typographic minus sign (HTML, Word)


def _sign(x: float, html: bool) -> str:
    return (MINUS if html else "-") if x < 0 else ""


def count(x: float, decimals: int = 0) -> str:
    """An integer count (``12``), or with ``decimals`` (a mean: ``11.6``); no ``-0``."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    value = round(float(x), decimals) + 0.0
    return f"{value:,.{decimals}f}"


def money(x: float, html: bool = False, scale: str | None = None) -> str:
    """GBP with the sign first: ``£1.28m``, ``-£320k``, ``£4,426`` (``scale``: "m", "k" or
    "" to force one; default by size)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return "not reached" if x > 0 else "-inf"
    a = abs(float(x))
    if scale is None:
        scale = "m" if a >= 999_500 else "k" if a >= 1e4 else ""  # (what rounds to £1.00m)
    if scale == "m":
        body = f"£{a / 1e6:,.2f}m"
    elif scale == "k":
        body = f"£{a / 1e3:,.0f}k"
    else:
        body = f"£{a:,.0f}"
    if body in ("£0.00m", "£0k", "£0"):
        return body
    text = _sign(float(x), html) + body
    return f'<span class="num">{text}</span>' if html else text


def percent(p: float, decimals: int = 0) -> str:
    """A probability as a percentage: ``77%``; ``<1%``/``>99%`` rather than a rounded 0 or 100
    when it is not exactly 0 or 1."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 < p < 1:
        return ">99%"
    return f"{100 * p:.{decimals}f}%"


def share_points(parts) -> np.ndarray:
    """Shares of a whole (fractions summing to 1) rounded to whole percentages that add up to
    100% (largest remainder), as fractions; a positive part that rounds to 0 keeps its value (it
    prints as ``<1%``). Parts that are not shares of a whole are returned as they are."""
    p = np.asarray(list(parts), dtype=float)
    if not np.isfinite(p).all() or not math.isclose(p.sum(), 1, abs_tol=1e-9):
        return p
    raw = 100 * p
    whole = np.floor(raw)
    order = np.argsort(-(raw - whole), kind="stable")
    whole[order[:int(round(100 - whole.sum()))]] += 1
    return np.where((whole == 0) & (raw > 0), p, whole / 100)


def shares(parts) -> list[str]:
    """:func:`share_points` as printed: a table of sources never shows 101%."""
    return [percent(float(x)) for x in share_points(parts)]


def months(x: float) -> str:
    """A month number, or "not within the horizon"."""
    return "not within the horizon" if math.isinf(x) else count(x)


def ratio(x: float) -> str:
    return "n/a" if math.isnan(x) else ("not reached" if math.isinf(x) else f"{x:.2f}")


def interval(lo: float, hi: float, kind: str = "count", html: bool = False) -> str:
    """``3 to 13``, ``-£0.32m to £1.1m``."""
    fmt = {"count": count, "money": lambda v: money(v, html), "percent": percent,
           "months": months}[kind]
    return f"{fmt(lo)} to {fmt(hi)}"


def tidy_frame(frame: pd.DataFrame, significant: int = 10) -> pd.DataFrame:
    """A copy with floats rounded to ``significant`` significant digits (no
    ``1654999.9999999998`` in CSV files); infinities kept."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            values = out[column].to_numpy(dtype=float)
            finite = np.isfinite(values) & (values != 0)
            digits = np.zeros(len(values), dtype=np.int64)
            digits[finite] = significant - 1 - np.floor(np.log10(np.abs(values[finite])))
            rounded = values.copy()
            for d in np.unique(digits[finite]):  # vectorised per number of decimals
                same = finite & (digits == d)
                rounded[same] = np.round(values[same], int(d))
            out[column] = rounded
    return out
