"""Short citable sentences generated from the report's tables.

Every number in a sentence is read from one cell of a table the report also writes as CSV, and the
sentence records which (``Sentence.refs``, in the order the numbers appear), so a test - or a
sceptical reader - can trace each figure back. Sentences therefore contain no other digits
(no years of publication, no scenario names).

Formats: infants as whole numbers; GBP as ``£1.23m`` (or ``£456k`` under a million; unit costs
to the pound, ``£57,102``);
probabilities and shares as whole percentages; the discount rate to 0.1%; ratios to 2 decimals.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd


@dataclass(frozen=True)
class Ref:
    """One table cell: the CSV ``table``, the row where ``row`` columns have these values, and
    the ``column``."""

    table: str
    row: tuple[tuple[str, object], ...]
    column: str

    def as_dict(self) -> dict:
        return {"table": self.table, "row": dict(self.row), "column": self.column}


@dataclass(frozen=True)
class Sentence:
    key: str
    text: str
    refs: tuple[Ref, ...]


def half_up(value: float, places: int = 0) -> str:
    """``value`` rounded half away from zero (not to even: 2.5 -> 3) and shown with ``places``
    decimals; no ``-0``."""
    q = Decimal(1).scaleb(-places)
    shown = Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP)
    return f"{shown + 0:f}" if shown != 0 else f"{abs(shown):f}"


def gbp(value: float) -> str:
    """``£1.23m``, ``£456k``, ``-£0.32m``: the amount to the nearest pound, then rounded half
    up (so float noise cannot show one amount two ways); sign from the rounded figure."""
    pounds = round(value)
    millions = abs(pounds) >= 999_500
    shown = half_up(abs(pounds) / (1e6 if millions else 1e3), 2 if millions else 0)
    sign = "-" if pounds < 0 and float(shown) != 0 else ""
    return f"{sign}£{shown}{'m' if millions else 'k'}"


FORMATS = {
    "count": lambda v: half_up(v),
    "int": lambda v: f"{v:.0f}",
    "gbp": gbp,
    "gbp_exact": lambda v: f"£{v:,.0f}",
    "pct": lambda v: half_up(v * 100) + "%",
    "rate": lambda v: half_up(v * 100, 1) + "%",
    "ratio": lambda v: half_up(v, 2),
}


def lookup(tables: dict[str, pd.DataFrame], ref: Ref):
    """The value of the cell ``ref`` points to (exactly one row must match)."""
    table = tables[ref.table]
    mask = pd.Series(True, index=table.index)
    for column, value in ref.row:
        mask &= table[column] == value
    rows = table[mask]
    if len(rows) != 1:
        raise KeyError(f"{ref}: {len(rows)} rows match")
    return rows[ref.column].iloc[0]


class _Writer:
    """Builds one sentence: each :meth:`num` formats a cell and records its reference."""

    def __init__(self, tables: dict[str, pd.DataFrame]):
        self.tables = tables
        self.refs: list[Ref] = []

    def value(self, table: str, column: str, **row) -> float:
        return float(lookup(self.tables, Ref(table, tuple(row.items()), column)))

    def num(self, fmt: str, table: str, column: str, **row) -> str:
        ref = Ref(table, tuple(row.items()), column)
        value = float(lookup(self.tables, ref))
        if not math.isfinite(value):
            raise ValueError(f"{ref}: not a finite number; the sentence must word it")
        self.refs.append(ref)
        return FORMATS[fmt](value)

    def done(self, key: str, text: str) -> Sentence:
        return Sentence(key, text, tuple(self.refs))


def citable(tables: dict[str, pd.DataFrame]) -> list[Sentence]:
    """The report's sentences, from ``headline``, ``by_year``, ``assumptions``,
    ``council_inputs`` and ``council_vs_simulation``."""
    head = tables["headline"]
    horizon = "horizon"
    out = []

    def w():
        return _Writer(tables)

    def h(s, fmt, metric, column, period=horizon):
        return s.num(fmt, "headline", column, metric=metric, period=period)

    s = w()
    band = h(s, "pct", "infants_avoided_cumulative", "band")
    lo = s.value("headline", "lo", metric="infants_avoided_cumulative", period=horizon)
    text = (f"In {band} of simulated futures, between "
            f"{h(s, 'count', 'infants_avoided_cumulative', 'lo')} and "
            f"{h(s, 'count', 'infants_avoided_cumulative', 'hi')} fewer infants enter care over "
            f"{h(s, 'int', 'infants_avoided_cumulative', 'years')} years than without the "
            f"programme (median {h(s, 'count', 'infants_avoided_cumulative', 'median')})")
    out.append(s.done("infants_horizon", text + (
        "; a negative number means more infants enter care."
        if float(FORMATS["count"](lo)) < 0 else ".")))

    if ((head.metric == "infants_avoided_cumulative") & (head.period == "month_21")).any():
        s = w()
        m = "infants_avoided_cumulative"
        out.append(s.done("infants_month_21", (
            f"In the first {h(s, 'int', m, 'months', 'month_21')} months, between "
            f"{h(s, 'count', m, 'lo', 'month_21')} and {h(s, 'count', m, 'hi', 'month_21')} fewer "
            f"infants enter care (median {h(s, 'count', m, 'median', 'month_21')}).")))

    s = w()
    m = "net_cost_avoidance_cumulative_discounted"
    # numbers are recorded in the order the f-string evaluates them, i.e. as they read
    out.append(s.done("net_discounted", (
        f"Net cost avoidance over {h(s, 'int', m, 'years')} years (care costs avoided minus "
        f"programme cost, discounted at "
        f"{s.num('rate', 'assumptions', 'value', parameter='costs.discount_rate_per_year')} "
        f"a year): {h(s, 'gbp', m, 'lo')} to "
        f"{h(s, 'gbp', m, 'hi')} in {h(s, 'pct', m, 'band')} of simulated futures "
        f"(median {h(s, 'gbp', m, 'median')}).")))

    s = w()
    m = "net_cost_avoidance_cumulative"
    out.append(s.done("net_undiscounted", (
        f"Undiscounted, the net cost avoidance over {h(s, 'int', m, 'years')} years is "
        f"{h(s, 'gbp', m, 'lo')} to {h(s, 'gbp', m, 'hi')} (median {h(s, 'gbp', m, 'median')}).")))

    s = w()
    m = "cost_avoided_cumulative_discounted"
    out.append(s.done("cost_avoided", (
        f"Care costs avoided over {h(s, 'int', m, 'years')} years: {h(s, 'gbp', m, 'lo')} to "
        f"{h(s, 'gbp', m, 'hi')} discounted (median {h(s, 'gbp', m, 'median')}), against a "
        f"discounted programme cost of "
        f"{h(s, 'gbp', 'programme_cost_cumulative_discounted', 'median')}.")))

    s = w()
    m = "benefit_cost_ratio_discounted"
    if math.isfinite(s.value("headline", "median", metric=m, period=horizon)):
        out.append(s.done("benefit_cost_ratio", (
            f"The discounted benefit-cost ratio (care costs avoided per pound of programme cost) "
            f"over {h(s, 'int', m, 'years')} years is between {h(s, 'ratio', m, 'lo')} and "
            f"{h(s, 'ratio', m, 'hi')} (median {h(s, 'ratio', m, 'median')}).")))

    out.append(_break_even(w()))
    out.append(_probability_by_year(w(), tables["by_year"]))
    out.append(_council(w()))
    return out


def _break_even(s: _Writer) -> Sentence:
    m = "break_even_year_discounted"

    def h(fmt, column):
        return s.num(fmt, "headline", column, metric=m, period="horizon")

    median = s.value("headline", "median", metric=m, period="horizon")
    hi = s.value("headline", "hi", metric=m, period="horizon")
    if not math.isfinite(median):
        years = s.num("int", "headline", "years", metric="probability_net_saving_discounted",
                      period="horizon")
        p = s.num("pct", "headline", "mean", metric="probability_net_saving_discounted",
                  period="horizon")
        return s.done("break_even", (
            f"Fewer than half of simulated futures break even (discounted) within the horizon: "
            f"the probability of a net saving by the end of its {years} years is {p}."))
    text = (f"In half of simulated futures the programme has paid for itself (discounted) by the "
            f"end of year {h('int', 'median')}; in {h('pct', 'band')} of futures break-even comes "
            f"between year {h('int', 'lo')} and ")
    if math.isfinite(hi):
        text += f"year {h('int', 'hi')}."
    else:
        text += "beyond the horizon."
    return s.done("break_even", text)


def _probability_by_year(s: _Writer, by_year: pd.DataFrame) -> Sentence:
    m = "probability_net_saving_discounted"
    parts = []
    for year in by_year[by_year.metric == m].year:
        parts.append(f"{s.num('pct', 'by_year', 'mean', metric=m, year=int(year))} by the end of "
                     f"year {s.num('int', 'by_year', 'year', metric=m, year=int(year))}")
    return s.done("probability_net_saving", (
        "Probability that the programme has saved more than it cost (cumulative, discounted): "
        + "; ".join(parts) + "."))


def _council(s: _Writer) -> Sentence:
    m = "net_cost_avoidance_cumulative_discounted"

    def c(fmt, column):
        return s.num(fmt, "council_vs_simulation", column, metric=m, period="horizon")

    saving = s.num("gbp_exact", "council_inputs", "value", input="saving per avoided removal per year")
    rate = s.num("rate", "council_inputs", "value", input="discount rate")
    return s.done("council_method", (
        f"The council method business cases use today (avoided removals x {saving} a year per "
        f"removal x years remaining, minus programme cost, discounted at {rate}) puts the net "
        f"cost avoidance over {c('int', 'years')} years at {c('gbp', 'council')}; "
        f"{c('pct', 'share_of_futures_below_council')} of simulated futures fall below that "
        f"figure."))


def to_frame(sentences: list[Sentence]) -> pd.DataFrame:
    """Sentences with their references (JSON), for ``sentences.csv``."""
    return pd.DataFrame({"key": [s.key for s in sentences], "text": [s.text for s in sentences],
                         "refs": [json.dumps([r.as_dict() for r in s.refs]) for s in sentences]})
