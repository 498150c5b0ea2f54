"""Short citable sentences generated from the report's tables.

Every number in a sentence is read from one cell of a table the report also writes as CSV, and
the sentence records which (``Sentence.refs``, in the order the numbers appear), so a test - or
a sceptical reader - can trace each figure back. Sentences therefore contain no other digits (no
years of publication, no scenario names); a price base is quoted from a ``unit`` cell (a text
reference). Numbers are written by :mod:`simulation.results.format`, the one formatter of the
command line, reports and workbooks, with the typographic minus sign (U+2212) for negatives.

Sections: ``citable`` (the summary's figures), ``where`` (where the effect comes from, in plain
words), ``caveat`` (the structural caveat), ``money``, ``council``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import pandas as pd

from simulation.results import format as fmt

MINUS = fmt.MINUS


def typographic(text: str) -> str:
    """A formatted number with the typographic minus sign (``-£0.32m`` -> ``−£0.32m``)."""
    return MINUS + text[1:] if text.startswith("-") else text


FORMATS = {
    "count": lambda v: typographic(fmt.count(v)),
    "mean": lambda v: typographic(fmt.count(v, 1)),
    "int": lambda v: f"{v:.0f}",
    "gbp": lambda v: typographic(fmt.money(v)),
    "gbp_exact": lambda v: typographic(fmt.money(v, scale="")),
    "pct": lambda v: fmt.percent(v),
    "rate": lambda v: fmt.percent(v, 1),
    "ratio": lambda v: fmt.ratio(v),
}


@dataclass(frozen=True)
class Ref:
    """One table cell: the CSV ``table``, the row where ``row`` columns have these values, the
    ``column``, and how it is written (a :data:`FORMATS` key, or "text": quoted as it is)."""

    table: str
    row: tuple[tuple[str, object], ...]
    column: str
    format: str

    def as_dict(self) -> dict:
        return {"table": self.table, "row": dict(self.row), "column": self.column,
                "format": self.format}


@dataclass(frozen=True)
class Sentence:
    key: str
    section: str
    text: str
    refs: tuple[Ref, ...]


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
        return float(lookup(self.tables, Ref(table, tuple(row.items()), column, "")))

    def num(self, form: str, table: str, column: str, **row) -> str:
        ref = Ref(table, tuple(row.items()), column, form)
        value = float(lookup(self.tables, ref))
        if not math.isfinite(value):
            raise ValueError(f"{ref}: not a finite number; the sentence must word it")
        self.refs.append(ref)
        return FORMATS[form](value)

    def text(self, table: str, column: str, **row) -> str:
        ref = Ref(table, tuple(row.items()), column, "text")
        self.refs.append(ref)
        return str(lookup(self.tables, ref))

    def done(self, key: str, section: str, text: str) -> Sentence:
        return Sentence(key, section, text, tuple(self.refs))


def _years_word(s: _Writer, table: str, **row) -> str:
    n = s.num("int", table, "years", **row)
    return f"{n} year" if n == "1" else f"{n} years"


def citable(tables: dict[str, pd.DataFrame]) -> list[Sentence]:
    """Every sentence of the report, from the tables ``headline``, ``by_year``, ``sources``,
    ``structural``, ``assumptions``, ``council_inputs`` and ``council_vs_simulation``."""
    head = tables["headline"]
    last = head.loc[head.metric == "infants_avoided_cumulative", "period"].iloc[-1]
    out = []

    def w():
        return _Writer(tables)

    def h(s, form, metric, column, period=last):
        return s.num(form, "headline", column, metric=metric, period=period)

    # ------------------------------------------------------------------ infants
    s = w()
    m = "infants_avoided_cumulative"
    lo = s.value("headline", "lo", metric=m, period=last)
    text = (f"In {h(s, 'pct', m, 'band')} of simulated futures, between {h(s, 'count', m, 'lo')} "
            f"and {h(s, 'count', m, 'hi')} fewer infants enter care in the authority over "
            f"{_years_word(s, 'headline', metric=m, period=last)} than without the practice "
            f"(median {h(s, 'count', m, 'median')})")
    out.append(s.done("infants_horizon", "citable", text + (
        "; a negative number means more infants enter care." if round(lo) < 0 else ".")))

    if ((head.metric == m) & (head.period == "month_21")).any():
        s = w()
        out.append(s.done("infants_month_21", "citable", (
            f"In the first {h(s, 'int', m, 'months', 'month_21')} months, between "
            f"{h(s, 'count', m, 'lo', 'month_21')} and {h(s, 'count', m, 'hi', 'month_21')} fewer "
            f"infants enter care (median {h(s, 'count', m, 'median', 'month_21')}).")))

    s = w()
    m = "infants_avoided_in_year"
    out.append(s.done("infants_last_year", "citable", (
        f"In year {h(s, 'int', m, 'years')} alone, between {h(s, 'count', m, 'lo')} and "
        f"{h(s, 'count', m, 'hi')} fewer infants enter care "
        f"(median {h(s, 'count', m, 'median')}).")))

    # -------------------------------------------------------------------- money
    s = w()
    m = "net_cost_avoidance_cumulative_discounted"
    out.append(s.done("net_discounted", "citable", (
        f"Net cost avoidance over {_years_word(s, 'headline', metric=m, period=last)} (care costs "
        f"avoided minus programme cost, discounted at "
        f"{s.num('rate', 'assumptions', 'value_number', parameter='costs.discount_rate_per_year')}"
        f" a year: the net present value, council costs only, "
        f"{s.text('headline', 'unit', metric=m, period=last)}): {h(s, 'gbp', m, 'lo')} to "
        f"{h(s, 'gbp', m, 'hi')} in {h(s, 'pct', m, 'band')} of simulated futures (median "
        f"{h(s, 'gbp', m, 'median')}).")))

    s = w()
    m = "cost_avoided_cumulative_discounted"
    out.append(s.done("cost_avoided", "citable", (
        f"Care costs avoided over {_years_word(s, 'headline', metric=m, period=last)}: "
        f"{h(s, 'gbp', m, 'lo')} to {h(s, 'gbp', m, 'hi')} discounted (median "
        f"{h(s, 'gbp', m, 'median')}), against a discounted programme cost of "
        f"{h(s, 'gbp', 'programme_cost_cumulative_discounted', 'median')} (median).")))

    out.append(_probability(w(), tables, last))
    out.append(_break_even(w(), tables))

    s = w()
    m = "benefit_cost_ratio_discounted"
    if all(math.isfinite(s.value("headline", c, metric=m, period=last))
           for c in ("lo", "hi", "median")):
        out.append(s.done("benefit_cost_ratio", "money", (
            f"The discounted benefit-cost ratio (care costs avoided per pound of programme cost) "
            f"over {_years_word(s, 'headline', metric=m, period=last)} is between "
            f"{h(s, 'ratio', m, 'lo')} and {h(s, 'ratio', m, 'hi')} (median "
            f"{h(s, 'ratio', m, 'median')}).")))

    out.append(_cost_per_infant(w(), tables, last))

    s = w()
    m = "cost_avoided_after_horizon_discounted"
    out.append(s.done("after_horizon", "money", (
        f"Not in these figures: infants still in care at the end of the horizon go on costing; "
        f"the later care costs avoided for them are {h(s, 'gbp', m, 'lo', 'horizon')} to "
        f"{h(s, 'gbp', m, 'hi', 'horizon')} discounted (median "
        f"{h(s, 'gbp', m, 'median', 'horizon')}), reported separately.")))

    s = w()
    m = "optimism_bias_cost_cumulative_discounted"
    bias = s.value("assumptions", "value_number", parameter="costs.optimism_bias")
    if bias > 0:
        out.append(s.done("optimism_bias", "money", (
            f"The programme cost includes an optimism-bias uplift of "
            f"{s.num('pct', 'assumptions', 'value_number', parameter='costs.optimism_bias')} "
            f"(HM Treasury Green Book), {h(s, 'gbp', m, 'median')} of the discounted programme "
            f"cost over {_years_word(s, 'headline', metric=m, period=last)}.")))

    out += _where(tables, last)
    out.append(_Writer(tables).done("structural_caveat", "caveat", (
        "Which of the two views is nearer the truth cannot be settled by the evidence available: "
        "each range covers chance and the uncertainty in the model's parameters within its view, "
        "not the choice between the views.")))
    out.append(_council(w(), last))
    return out


def _probability(s: _Writer, tables, last: str) -> Sentence:
    m = "probability_net_saving_discounted"
    by_year = tables["by_year"]
    parts = [f"{s.num('pct', 'by_year', 'mean', metric=m, year=int(y))} by the end of year "
             f"{s.num('int', 'by_year', 'year', metric=m, year=int(y))}"
             for y in by_year[by_year.metric == m].year]
    return s.done("probability_net_saving", "citable", (
        "Share of simulated futures in which the programme has saved more than it cost by then "
        "(cumulative, discounted): " + "; ".join(parts) + "."))


def _break_even(s: _Writer, tables) -> Sentence:
    """Break-even in words that cannot contradict the probability by year: the share of futures
    without it is the share without a net saving at the horizon."""
    m = "break_even_month_discounted"

    def h(form, column):
        return s.num(form, "headline", column, metric=m, period="horizon")

    median = s.value("headline", "median", metric=m, period="horizon")
    never = s.value("headline", "share_infinite", metric=m, period="horizon")
    if not math.isfinite(median):
        return s.done("break_even", "citable", (
            f"In most simulated futures ({h('pct', 'share_infinite')}) the programme does not "
            f"break even (discounted) within the {h('int', 'months')}-month horizon."))
    text = (f"Break-even (discounted; the month from which cumulative care costs avoided stay "
            f"above cumulative programme cost): month {h('int', 'median')} in the median future")
    if never > 0:
        text += (f"; in {h('pct', 'share_infinite')} of futures it does not come within the "
                 f"{h('int', 'months')}-month horizon.")
    else:
        text += f", and within month {h('int', 'hi')} in {h('pct', 'band')} of futures."
    return s.done("break_even", "citable", text)


def _cost_per_infant(s: _Writer, tables, last: str) -> Sentence:
    m = "cost_per_infant_avoided_discounted"

    def h(form, column):
        return s.num(form, "headline", column, metric=m, period=last)

    if not math.isfinite(s.value("headline", "median", metric=m, period=last)):
        return s.done("cost_per_infant", "money", (
            f"In most simulated futures ({h('pct', 'share_infinite')}) no infant is kept out of "
            f"care, so there is no programme cost per infant kept out of care."))
    text = f"Programme cost per infant kept out of care (discounted): median {h('gbp', 'median')}"
    if math.isfinite(s.value("headline", "hi", metric=m, period=last)):
        text += f", {h('gbp', 'lo')} to {h('gbp', 'hi')} in {h('pct', 'band')} of futures."
    else:
        text += (f"; in {h('pct', 'share_infinite')} of futures no infant is kept out of care "
                 "(no cost per infant).")
    return s.done("cost_per_infant", "money", text)


def _where(tables, last: str) -> list[Sentence]:
    """The plain-English box: where the effect comes from (no jargon)."""
    out = []
    s = _Writer(tables)

    def src(form, source, column="share_shown"):  # as the sources table prints it
        return s.num(form, "sources", column, quantity="infants_avoided", source=source)

    authority = s.value("sources", "share", quantity="infants_avoided", source="authority")
    out.append(s.done("where_split", "where", (
        f"Of the {src('mean', 'total', 'mean')} infants kept out of care on average over "
        f"{_years_word(s, 'sources', quantity='infants_avoided', source='total')}, "
        f"{src('pct', 'authority')} come from other mothers in the authority (a system-wide "
        f"effect of the practice's presence), {src('pct', 'enrolled')} from mothers while "
        f"enrolled, {src('pct', 'after_programme')} from mothers after the programme and "
        f"{src('pct', 'declined')} from mothers offered a place who did not enrol.")))
    national = ("The national evaluation's figures, which this model is fitted to, are changes "
                "in all of an authority's infant care entries, not only those of the women a "
                "practice works with. ")
    if abs(authority) < 0.005:
        national += ("In this view none of the effect comes from a system-wide effect on other "
                     "mothers: only those national figures could inform its size, and no study "
                     "has measured it directly.")
    else:
        national += (f"In this model {'most' if authority > 0.5 else 'part'} of the effect comes "
                     "from the system-wide effect on other mothers, and only those national "
                     "figures inform its size: no study has measured it directly.")
    out.append(_Writer(tables).done("where_national", "where", national))
    s = _Writer(tables)
    view = tables["structural"].view.iloc[-1]

    def st(form, metric, column):
        return s.num(form, "structural", column, view=view, metric=metric)

    m = "infants_avoided_cumulative"
    n = "net_cost_avoidance_cumulative_discounted"
    out.append(s.done("where_direct", "where", (
        f"Counting only the practice's direct effects on its own women (no system-wide effect), "
        f"the median is {st('count', m, 'median')} infants kept out of care over "
        f"{s.num('int', 'structural', 'years', view=view, metric=m)} years ({st('count', m, 'lo')} "
        f"to {st('count', m, 'hi')}) and the net present value is {st('gbp', n, 'lo')} to "
        f"{st('gbp', n, 'hi')}, with a net saving in "
        f"{st('pct', 'probability_net_saving_discounted', 'mean')} of futures.")))
    return out


def _council(s: _Writer, last: str) -> Sentence:
    m = "net_cost_avoidance_cumulative_discounted"

    def c(form, column):
        return s.num(form, "council_vs_simulation", column, metric=m, period=last)

    saving = s.num("gbp_exact", "council_inputs", "value",
                   input="saving per avoided removal per year")
    rate = s.num("rate", "council_inputs", "value", input="discount rate")
    return s.done("council_method", "council", (
        f"The council method business cases use today (avoided removals x {saving} a year per "
        f"removal x years remaining, minus programme cost, discounted at {rate}) puts the net "
        f"cost avoidance over {c('int', 'years')} years at {c('gbp', 'council')}; "
        f"{c('pct', 'share_of_futures_below_council')} of simulated futures fall below that "
        f"figure."))


def to_frame(sentences: list[Sentence]) -> pd.DataFrame:
    """Sentences with their references (JSON), for ``sentences.csv``."""
    return pd.DataFrame({"key": [s.key for s in sentences],
                         "section": [s.section for s in sentences],
                         "text": [s.text for s in sentences],
                         "refs": [json.dumps([r.as_dict() for r in s.refs]) for s in sentences]})


def by_section(sentences: list[Sentence], *sections: str) -> list[Sentence]:
    return [s for s in sentences if s.section in sections]
