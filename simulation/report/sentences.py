"""Short citable sentences generated from the report's tables.

Every number in a sentence is read from one cell of a table the report also writes as CSV, and
the sentence records which (``Sentence.refs``, in the order the numbers appear), so a test - or
a sceptical reader - can trace each figure back. Sentences therefore contain no other digits (no
years of publication, no scenario names); a price base is quoted from a ``unit`` cell (a text
reference). Numbers are written by :mod:`simulation.results.format`, the one formatter of the
command line, reports and workbooks, with the typographic minus sign (U+2212) for negatives.

Every sentence names its view in words (:data:`PREFIX`): the **base case** (the practice's own
women, calibrated to the micro-evidence, no system effect) or the **authority-wide scenario** (if
the fall in all infant care entries measured in five long-running Pause areas also happens
here), or both (``Sentence.view``: "base", "authority", "both"), so none can be quoted without
it; the base case's come first.

Sections: ``citable`` (the summary's figures: the base case's, then the authority-wide
scenario's, then the break-even threshold between them), ``where`` (where the effect comes from,
in plain words), ``caveat`` (the structural caveat), ``money`` (the base case), ``council``.
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
    view: str = "both"  # "base", "authority" or "both": the view(s) its text names


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

    def done(self, key: str, section: str, text: str, view: str = "both") -> Sentence:
        return Sentence(key, section, text, tuple(self.refs), view)


def _years_word(s: _Writer, table: str, **row) -> str:
    n = s.num("int", table, "years", **row)
    return f"{n} year" if n == "1" else f"{n} years"


def _span_words(s: _Writer, table: str, **row) -> str:
    """"N years" where the figure runs to a whole year, "N months" otherwise."""
    years = s.value(table, "years", **row)
    if abs(years - round(years)) < 1e-9:
        return _years_word(s, table, **row)
    return f"{s.num('int', table, 'months', **row)} months"


#: What opens every sentence of a view, so that none can be quoted without its view (no digits).
PREFIX = {"base": "Base case (the practice's own women): ",
          "authority": "Authority-wide scenario (if the fall in all infant care entries measured "
                       "in five long-running Pause areas also happens here): "}
#: Which view each sentence belongs to: "base", "authority" or "both" (it names both).
VIEWS = ("base", "authority", "both")


def _view_sentences(tables, view: str) -> list[Sentence]:
    """A view's citable figures from ``two_views``: infants to the horizon, in the first 21
    months and in the last year, the net present value band and P(net saving)."""
    two = tables["two_views"]
    have = set(two[two.view == view].figure)
    p = PREFIX[view]
    out = []

    def w():
        return _Writer(tables)

    def f(s, form, figure, column):
        return s.num(form, "two_views", column, view=view, figure=figure)

    s = w()
    m = "infants_to_horizon"
    lo = s.value("two_views", "lo", view=view, figure=m)
    text = (f"{p}in {f(s, 'pct', m, 'band')} of simulated futures, between "
            f"{f(s, 'count', m, 'lo')} and {f(s, 'count', m, 'hi')} fewer infants enter care in "
            f"the authority over "
            f"{_span_words(s, 'two_views', view=view, figure=m)} than without the practice "
            f"(median {f(s, 'count', m, 'median')})")
    out.append(s.done(f"{view}_infants_horizon", "citable", text + (
        "; a negative number means more infants enter care." if round(lo) < 0 else "."), view))

    m = "infants_first_21_months"
    if m in have:
        s = w()
        out.append(s.done(f"{view}_infants_month_21", "citable", (
            f"{p}in the first {f(s, 'int', m, 'months')} months, between "
            f"{f(s, 'count', m, 'lo')} and {f(s, 'count', m, 'hi')} fewer infants enter care "
            f"(median {f(s, 'count', m, 'median')})."), view))

    m = "infants_last_year"
    if m in have:
        s = w()
        out.append(s.done(f"{view}_infants_last_year", "citable", (
            f"{p}in year {f(s, 'int', m, 'years')} alone, between {f(s, 'count', m, 'lo')} and "
            f"{f(s, 'count', m, 'hi')} fewer infants enter care "
            f"(median {f(s, 'count', m, 'median')})."), view))

    s = w()
    m = "net_to_horizon"
    out.append(s.done(f"{view}_net_discounted", "citable", (
        f"{p}net present value over {_span_words(s, 'two_views', view=view, figure=m)} (care "
        f"costs avoided minus programme cost, discounted at "
        f"{s.num('rate', 'assumptions', 'value_number', parameter='costs.discount_rate_per_year')}"
        f" a year, council costs only, {s.text('two_views', 'unit', view=view, figure=m)}): "
        f"{f(s, 'gbp', m, 'lo')} to {f(s, 'gbp', m, 'hi')} in {f(s, 'pct', m, 'band')} of "
        f"simulated futures (median {f(s, 'gbp', m, 'median')})."), view))

    s = w()
    m = "probability_net_saving"
    out.append(s.done(f"{view}_probability_net_saving", "citable", (
        f"{p}a net saving (care costs avoided above programme cost, both discounted) over "
        f"{_span_words(s, 'two_views', view=view, figure=m)} in "
        f"{f(s, 'pct', m, 'mean')} of simulated futures."), view))
    return out


def _threshold(s: _Writer, tables) -> Sentence:
    """The break-even threshold to the horizon: how many infant care entries among other
    mothers the practice must also prevent for the base case's mean net present value to reach
    zero."""
    be = tables["break_even"]
    period = be.period.iloc[-1]

    def b(form, column):
        return s.num(form, "break_even", column, period=period)

    start = "Break-even threshold (beyond the base case, the practice's own women): "
    need = s.value("break_even", "threshold", period=period)
    if not math.isfinite(need):
        return s.done("break_even_threshold", "citable", (
            start + "not computable here: neither view puts a cost on an infant care entry "
                    "among other mothers."), "both")
    years = _span_words(s, "break_even", period=period)
    if need <= 0:
        text = (f"{start}on average the practice pays for itself over {years} without any "
                f"effect on mothers it never works with (in {b('pct', 'band')} of the base "
                f"case's futures it needs at most {b('count', 'hi')} infant care entries among "
                f"them prevented); the authority-wide scenario assumes "
                f"{b('count', 'authority_scenario_prevents_mean')}.")
    else:
        text = (f"{start}for the practice to pay for itself over {years}, it must also prevent "
                f"about {b('count', 'threshold')} ({b('count', 'lo')} to {b('count', 'hi')} in "
                f"{b('pct', 'band')} of the base case's futures) infant care entries among "
                f"mothers it never works with \u2013 {b('pct', 'share_of_other_entries')} of the "
                f"authority's other infant care entries in those years; the authority-wide "
                f"scenario assumes {b('count', 'authority_scenario_prevents_mean')}.")
    return s.done("break_even_threshold", "citable", text, "both")


def citable(tables: dict[str, pd.DataFrame]) -> list[Sentence]:
    """Every sentence of the report, the base case's first: from the tables ``two_views``,
    ``break_even``, ``headline``, ``by_year``, ``sources``, ``assumptions``, ``council_inputs``
    and ``council_vs_simulation`` (all but ``two_views``, ``break_even`` and ``sources``: the
    base case)."""
    head = tables["headline"]
    last = head.loc[head.metric == "infants_avoided_cumulative", "period"].iloc[-1]
    p = PREFIX["base"]
    out = _view_sentences(tables, "base") + _view_sentences(tables, "authority")
    out.append(_threshold(_Writer(tables), tables))

    def w():
        return _Writer(tables)

    def h(s, form, metric, column, period=last):
        return s.num(form, "headline", column, metric=metric, period=period)

    # -------------------------------------------------------------------- money (base case)
    s = w()
    m = "cost_avoided_cumulative_discounted"
    out.append(s.done("cost_avoided", "money", (
        f"{p}care costs avoided over {_years_word(s, 'headline', metric=m, period=last)}: "
        f"{h(s, 'gbp', m, 'lo')} to {h(s, 'gbp', m, 'hi')} discounted (median "
        f"{h(s, 'gbp', m, 'median')}), against a discounted programme cost of "
        f"{h(s, 'gbp', 'programme_cost_cumulative_discounted', 'median')} (median)."), "base"))

    out.append(_probability(w(), tables, last))
    out.append(_break_even(w(), tables))

    s = w()
    m = "benefit_cost_ratio_discounted"
    if all(math.isfinite(s.value("headline", c, metric=m, period=last))
           for c in ("lo", "hi", "median")):
        out.append(s.done("benefit_cost_ratio", "money", (
            f"{p}the discounted benefit-cost ratio (care costs avoided per pound of programme "
            f"cost) over {_years_word(s, 'headline', metric=m, period=last)} is between "
            f"{h(s, 'ratio', m, 'lo')} and {h(s, 'ratio', m, 'hi')} (median "
            f"{h(s, 'ratio', m, 'median')})."), "base"))

    out.append(_cost_per_infant(w(), tables, last))

    s = w()
    m = "cost_avoided_after_horizon_discounted"
    out.append(s.done("after_horizon", "money", (
        f"{p}not in these figures: infants still in care at the end of the horizon go on "
        f"costing; the later care costs avoided for them are {h(s, 'gbp', m, 'lo', 'horizon')} "
        f"to {h(s, 'gbp', m, 'hi', 'horizon')} discounted (median "
        f"{h(s, 'gbp', m, 'median', 'horizon')}), reported separately."), "base"))

    s = w()
    m = "optimism_bias_cost_cumulative_discounted"
    bias = s.value("assumptions", "value_number", parameter="costs.optimism_bias")
    if bias > 0:
        out.append(s.done("optimism_bias", "money", (
            f"{p}the programme cost includes an optimism-bias uplift of "
            f"{s.num('pct', 'assumptions', 'value_number', parameter='costs.optimism_bias')} "
            f"(HM Treasury Green Book), {h(s, 'gbp', m, 'median')} of the discounted programme "
            f"cost over {_years_word(s, 'headline', metric=m, period=last)}."), "base"))

    out += _where(tables, last)
    out.append(_Writer(tables).done("structural_caveat", "caveat", (
        "Which of the two views \u2013 the base case (the practice's own women) or the "
        "authority-wide scenario \u2013 is nearer the truth cannot be settled by the evidence "
        "available: each range covers chance and the parameter uncertainty its view's note "
        "lists (what is drawn, what is held fixed), within its view, not the choice between the "
        "views."), "both"))
    out.append(_council(w(), last))
    return out


def _probability(s: _Writer, tables, last: str) -> Sentence:
    m = "probability_net_saving_discounted"
    by_year = tables["by_year"]
    parts = [f"{s.num('pct', 'by_year', 'mean', metric=m, year=int(y))} by the end of year "
             f"{s.num('int', 'by_year', 'year', metric=m, year=int(y))}"
             for y in by_year[by_year.metric == m].year]
    return s.done("probability_net_saving_by_year", "money", (
        PREFIX["base"] + "share of simulated futures in which the programme has saved more than "
        "it cost by then (cumulative, discounted): " + "; ".join(parts) + "."), "base")


def _break_even(s: _Writer, tables) -> Sentence:
    """Break-even in words that cannot contradict the probability by year: the share of futures
    without it is the share without a net saving at the horizon."""
    m = "break_even_month_discounted"

    def h(form, column):
        return s.num(form, "headline", column, metric=m, period="horizon")

    median = s.value("headline", "median", metric=m, period="horizon")
    never = s.value("headline", "share_infinite", metric=m, period="horizon")
    if not math.isfinite(median):
        return s.done("break_even", "money", (
            f"{PREFIX['base']}in most simulated futures ({h('pct', 'share_infinite')}) the "
            f"programme does not break even (discounted) within the {h('int', 'months')}-month "
            "horizon."), "base")
    text = (f"{PREFIX['base']}break-even (discounted; the month from which cumulative care "
            f"costs avoided stay above cumulative programme cost): month {h('int', 'median')} in "
            f"the median future")
    if never > 0:
        text += (f"; in {h('pct', 'share_infinite')} of futures it does not come within the "
                 f"{h('int', 'months')}-month horizon.")
    else:
        text += f", and within month {h('int', 'hi')} in {h('pct', 'band')} of futures."
    return s.done("break_even", "money", text, "base")


def _cost_per_infant(s: _Writer, tables, last: str) -> Sentence:
    m = "cost_per_infant_avoided_discounted"

    def h(form, column):
        return s.num(form, "headline", column, metric=m, period=last)

    if not math.isfinite(s.value("headline", "median", metric=m, period=last)):
        return s.done("cost_per_infant", "money", (
            f"{PREFIX['base']}in most simulated futures ({h('pct', 'share_infinite')}) no infant "
            f"is kept out of care, so there is no programme cost per infant kept out of care."),
            "base")
    text = (f"{PREFIX['base']}programme cost per infant kept out of care (discounted): median "
            f"{h('gbp', 'median')}")
    if math.isfinite(s.value("headline", "hi", metric=m, period=last)):
        text += f", {h('gbp', 'lo')} to {h('gbp', 'hi')} in {h('pct', 'band')} of futures."
    else:
        text += (f"; in {h('pct', 'share_infinite')} of futures no infant is kept out of care "
                 "(no cost per infant).")
    return s.done("cost_per_infant", "money", text, "base")


def _where(tables, last: str) -> list[Sentence]:
    """The plain-English box: where the effect comes from in each view (no jargon)."""
    out = [_where_split(tables, view) for view in ("base", "authority")]
    out.append(_Writer(tables).done("where_national", "where", (
        "The national evaluation's figures are changes in all of an authority's infant care "
        "entries, not only those of the women a practice works with. The base case counts only "
        "the practice's own women, as the evidence on them supports (direct effects only). The "
        "authority-wide scenario adds a system-wide effect on other mothers, sized so that the "
        "national figures are reproduced: no study has measured that effect directly."), "both"))
    return out


def _where_split(tables, view: str) -> Sentence:
    """Where a view's infants kept out of care come from, in shares of its mean total."""
    s = _Writer(tables)

    def src(form, source, column="share_shown"):  # as the sources table prints it
        return s.num(form, "sources", column, quantity="infants_avoided", source=source,
                     view=view)

    authority = s.value("sources", "share", quantity="infants_avoided", source="authority",
                        view=view)
    text = (f"{PREFIX[view]}of the {src('mean', 'total', 'mean')} infants kept out of care "
            f"on average over "
            f"{_span_words(s, 'sources', quantity='infants_avoided', source='total', view=view)}"
            ", ")
    if abs(authority) > 0.0 or view != "base":
        text += (f"{src('pct', 'authority')} come from other mothers in the authority (a "
                 "system-wide effect of the practice's presence), ")
    text += (f"{src('pct', 'enrolled')} from mothers while enrolled, "
             f"{src('pct', 'after_programme')} from mothers after the programme and "
             f"{src('pct', 'declined')} from mothers offered a place who did not enrol")
    text += "." if abs(authority) > 0.0 or view != "base" else \
        " (none from other mothers: this view has no system-wide effect)."
    return s.done(f"{view}_where_split", "where", text, view)


def _council(s: _Writer, last: str) -> Sentence:
    m = "net_cost_avoidance_cumulative_discounted"

    def c(form, column):
        return s.num(form, "council_vs_simulation", column, metric=m, period=last)

    saving = s.num("gbp_exact", "council_inputs", "value",
                   input="saving per avoided removal per year")
    rate = s.num("rate", "council_inputs", "value", input="discount rate")
    return s.done("council_method", "council", (
        f"{PREFIX['base']}the council method business cases use today (avoided removals x "
        f"{saving} a year per removal x years remaining, minus programme cost, discounted at "
        f"{rate}) puts the net cost avoidance over {c('int', 'years')} years at "
        f"{c('gbp', 'council')}; "
        f"{c('pct', 'share_of_futures_below_council')} of the base case's simulated futures fall "
        f"below that figure."), "base")


def to_frame(sentences: list[Sentence]) -> pd.DataFrame:
    """Sentences with their references (JSON), for ``sentences.csv``."""
    return pd.DataFrame({"view": [s.view for s in sentences],
                         "key": [s.key for s in sentences],
                         "section": [s.section for s in sentences],
                         "text": [s.text for s in sentences],
                         "refs": [json.dumps([r.as_dict() for r in s.refs]) for s in sentences]})


def by_section(sentences: list[Sentence], *sections: str) -> list[Sentence]:
    return [s for s in sentences if s.section in sections]
