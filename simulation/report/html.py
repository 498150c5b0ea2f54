"""Rendering a :class:`~simulation.report.build.Report` as one self-contained, printable page.

The layout and the print stylesheet (A4, navigation hidden, the summary on its own first page,
rows and figures never split) are ``template.html`` (a :class:`string.Template`); this module
only turns tables into escaped HTML fragments. Numbers are written by
:mod:`simulation.results.format` (money with a typographic minus that never wraps). No external
resources: figures are ``data:`` URIs and the page's Content-Security-Policy forbids the rest.
"""

from __future__ import annotations

import math
import re
from html import escape
from importlib import resources
from string import Template
from typing import Callable, Sequence

import pandas as pd

from simulation.core import deflators
from simulation.report import sentences as sentences_mod
from simulation.results import format as fmt
from simulation.results import views as views_mod

Column = tuple[str, Callable[[pd.Series], str], bool]  # (header, row -> cell HTML, numeric?)
#: A money figure or a number in a sentence: kept on one line with its sign.
_NUMBER = re.compile(r"([\u2212-]?[<>]?£?\d[\d,]*(?:\.\d+)?[mk%]?)")


def template() -> Template:
    return Template(resources.files(__package__).joinpath("template.html").read_text("utf-8"))


def is_money_unit(unit: str) -> bool:
    return str(unit).startswith("GBP")


def number(value: float, unit: str, mean: bool = False) -> str:
    """A figure in its unit, as HTML: money as £m/£k (sign first, never wrapped), probabilities
    as %, months, ratios to 2 decimals, counts whole (``mean``: one decimal)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    unit = str(unit)
    if is_money_unit(unit):
        return fmt.money(value, html=True)
    if unit == "probability":
        return escape(fmt.percent(value))
    if unit.startswith("months"):
        return escape(fmt.months(value))
    if unit == "ratio":
        return escape(fmt.ratio(value))
    text = sentences_mod.typographic(fmt.count(value, 1 if mean else 0))
    return f'<span class="num">{escape(text)}</span>'


def banded(row: pd.Series, unit: str | None = None, inline: bool = False) -> str:
    """Median with the central band below it (``inline``: after it, in brackets); a single value
    where all futures agree; the mean alone for a probability."""
    unit = unit or row["unit"]
    if unit == "probability":
        return number(row["mean"], unit)
    if pd.isna(row["lo"]) or _same(row["lo"], row["hi"]):
        return number(row["median"] if not pd.isna(row["median"]) else row["mean"], unit)
    band = f"{number(row['lo'], unit)} to {number(row['hi'], unit)}"
    if inline:
        return f"{number(row['median'], unit)} <span class='range'>({band})</span>"
    return f"{number(row['median'], unit)}<br><span class='range'>{band}</span>"


def _same(a: float, b: float) -> bool:
    return a == b or (math.isfinite(a) and math.isfinite(b) and
                      abs(a - b) <= 1e-9 * max(1.0, abs(a)))


def table(frame: pd.DataFrame, columns: Sequence[Column], css: str = "",
          row_class: Callable[[pd.Series], str] | None = None) -> str:
    """An HTML table of ``frame`` with the given (header, cell, numeric) columns."""
    head = "".join(f"<th>{escape(h)}</th>" for h, _, _ in columns)
    body = []
    for _, row in frame.iterrows():
        cls = row_class(row) if row_class else ""
        cells = "".join(f"<td{' class=num' if numeric else ''}>{cell(row)}</td>"
                        for _, cell, numeric in columns)
        body.append(f"<tr{f' class={cls!r}' if cls else ''}>{cells}</tr>")
    css = f" class='{css}'" if css else ""
    return (f"<table{css}><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body)
            + "\n</tbody></table>")


def text(column: str) -> Callable[[pd.Series], str]:
    return lambda row: escape(str(row[column]))


def sentence_html(text_: str) -> str:
    """A sentence, escaped, with each number kept on one line with its sign."""
    return _NUMBER.sub(r"<span class=\"num\">\1</span>", escape(text_, quote=False))


def sentence_items(items) -> str:
    return "\n".join(f"    <li id='s-{escape(s.key)}'>{sentence_html(s.text)}</li>" for s in items)


# --------------------------------------------------------------------------- sections
def sources(frame: pd.DataFrame, price: str, view: str | None = None) -> str:
    if view is not None and "view" in frame.columns:
        frame = frame[frame.view == view]
    infants = frame[frame.quantity == "infants_avoided"].set_index("source")
    cost = frame[frame.quantity == "cost_avoided"].set_index("source")
    grid = infants.reset_index()[["source", "label"]]
    return table(grid, [
        ("Mothers of the infants", text("label"), False),
        ("Infants kept out of care (mean)",
         lambda r: number(infants.loc[r["source"], "mean"], "infants", mean=True), True),
        ("Share", lambda r: escape(fmt.percent(infants.loc[r["source"], "share_shown"])), True),
        (f"Care costs avoided, discounted (mean, {price})",
         lambda r: number(cost.loc[r["source"], "mean"], "GBP"), True),
        ("Share", lambda r: escape(fmt.percent(cost.loc[r["source"], "share_shown"])), True),
    ], row_class=lambda r: "total" if r["source"] == "total" else "")


def two_views(frame: pd.DataFrame) -> str:
    """The headline figures of both views side by side (the base case's column first)."""
    views = list(dict.fromkeys(frame.view))
    labels = frame.drop_duplicates("view").set_index("view").view_label
    grid = frame[frame.view == views[0]][["figure", "label"]]
    rows = frame.set_index(["view", "figure"])

    def cell(view):
        return lambda r: banded(rows.loc[(view, r["figure"])], inline=True) \
            if (view, r["figure"]) in rows.index else ""

    return table(grid, [("Figure (median, central range)", text("label"), False)] + [
        (labels[v], cell(v), True) for v in views], css="views")


def break_even(frame: pd.DataFrame) -> str:
    """The break-even threshold by period."""
    def period(r):
        return f"to the end of year {r['period'][5:]}" if r["period"].startswith("year_") \
            else f"to month {r['months']:g}"

    return table(frame, [
        ("Period", lambda r: escape(period(r)), False),
        ("Entries among other mothers to prevent: at the mean NPV (median, central range of "
         "the base case's futures)", lambda r: f"{number(r['threshold'], 'entries', mean=True)} "
         f"<span class='range'>({number(r['median'], 'entries')}; {number(r['lo'], 'entries')} "
         f"to {number(r['hi'], 'entries')})</span>", True),
        ("Share of the authority's other infant care entries",
         lambda r: escape(fmt.percent(r["share_of_other_entries"])), True),
        ("Care costs avoided per prevented entry (discounted)",
         lambda r: number(r["value_per_entry"], "GBP"), True),
        ("What the authority-wide scenario prevents (mean)",
         lambda r: number(r["authority_scenario_prevents_mean"], "entries", mean=True), True)])


def net_saving_curve(frame: pd.DataFrame, rows: int = 9) -> str:
    """P(net saving) over the size of the system effect: ``rows`` evenly spaced rows of the
    curve (all of them in net_saving_by_system_effect.csv)."""
    import numpy as np

    shown = frame.iloc[np.unique(np.linspace(0, len(frame) - 1, rows).round().astype(int))]
    return table(shown, [
        ("Other mothers' infant care entries prevented (expected)",
         lambda r: number(r["prevented"], "entries"), True),
        ("Probability of a net saving (base case plus that effect)",
         lambda r: escape(fmt.percent(r["probability_net_saving"])), True)])


def headline(frame: pd.DataFrame, optimism_bias: bool) -> str:
    shown = frame if optimism_bias else frame[frame.metric != "optimism_bias_cost_cumulative"
                                                               "_discounted"]

    def period(r):
        if r["period"] == "horizon":
            return f"at the {r['months']:g}-month horizon"
        if r["period"] == "month_21":
            return "first 21 months"
        return f"{'in' if r['metric'].endswith('_in_year') else 'to the end of'} year " \
               f"{r['period'][5:]}"

    def cell(r):
        if r["share_infinite"] > 0 and not math.isfinite(r["hi"]):
            never = "never broke even" if r["metric"].startswith("break_even") else \
                "no infant kept out of care"
            median = number(r["median"], r["unit"]) if math.isfinite(r["median"]) else \
                "not reached"
            return f"{median}<br><span class='range'>{escape(fmt.percent(r['share_infinite']))} "\
                   f"of futures: {never}</span>"
        return banded(r)

    return table(shown, [
        ("Figure", text("label"), False), ("Period", lambda r: escape(period(r)), False),
        ("Median and central range", cell, True),
        ("Mean", lambda r: number(r["mean"], r["unit"], mean=True), True),
        ("Unit", text("unit"), False)])


def money_inputs(frame: pd.DataFrame, price: str) -> str:
    return table(frame, [
        ("Input", lambda r: f"{escape(r['label'])}<br><code>{escape(r['parameter'])}</code>",
         False),
        ("Amount as entered", lambda r: fmt.money(r["value"], html=True, scale=""), True),
        ("Its price year", text("price_year"), False),
        ("GDP-deflator factor", lambda r: f"{r['factor']:.4f}", True),
        (f"At the price base ({price})", lambda r: fmt.money(r["value_at_base"], html=True,
                                                            scale=""), True),
    ])


def by_year(frame: pd.DataFrame, metrics: Sequence[str]) -> str:
    rows = frame.set_index(["year", "metric"])
    labels = frame.drop_duplicates("metric").set_index("metric").label
    words = {"in_year": "in the year", "cumulative": "cumulative"}
    years = pd.DataFrame({"year": sorted(frame.year.unique())})

    def header(metric):
        base = labels.get(metric, metric)
        if metric in ("benefit_cost_ratio_discounted", "probability_net_saving_discounted"):
            return base.replace(" (discounted)", "").replace(", discounted", "") + \
                ", cumulative"
        kind = "in_year" if "_in_year" in metric else "cumulative"
        return f"{_plain_metric(metric)}, {words[kind]}"

    return table(years, [("Year", lambda r: f"{r['year']:.0f}", True)] + [
        (header(m), (lambda m: lambda r: banded(rows.loc[(r["year"], m)]))(m), True)  # noqa: B023
        for m in metrics])


def _plain_metric(metric: str) -> str:
    from simulation.results.metrics import parse

    name = parse(metric)[0].name
    return {"infants_avoided": "Infants kept out of care", "programme_cost": "Programme cost",
            "cost_avoided": "Care costs avoided",
            "net_cost_avoidance": "Net cost avoidance"}.get(name, name)


def activity(frame: pd.DataFrame) -> str:
    return table(frame, [("", text("label"), False),
                         ("Median and central range", banded, True),
                         ("Mean", lambda r: number(r["mean"], r["unit"], mean=True), True),
                         ("Unit", text("unit"), False)])


def council_vs_simulation(frame: pd.DataFrame) -> str:
    def period(r):
        return "first 21 months" if r["period"] == "month_21" else \
            f"to the end of year {r['period'][5:]}"

    def share(r):
        if r["share_equal_to_council"] >= 1:
            return "fixed input: the same in every future"
        return escape(fmt.percent(r["share_of_futures_below_council"]))

    return table(frame, [
        ("Figure", text("label"), False), ("Period", lambda r: escape(period(r)), False),
        ("Council method", lambda r: number(r["council"], r["unit"]), True),
        ("Simulated: median and central range", banded, True),
        ("Share of futures below the council figure", share, True)])


def council_method(frame: pd.DataFrame) -> str:
    def money(column):
        return lambda r: fmt.money(r[column], html=True, scale="")

    return table(frame, [
        ("Year", lambda r: f"{r['year']:.0f}", True),
        ("Removals avoided (counted)", lambda r: f"{r['removals_avoided']:.2f}", True),
        ("Care costs avoided", money("cost_avoided"), True),
        ("Programme cost", money("programme_cost"), True),
        ("Net", money("net_cost_avoidance"), True),
        ("Discount factor", lambda r: f"{r['discount_factor']:.4f}", True),
        ("Net, discounted", money("net_cost_avoidance_discounted"), True),
        ("Net, cumulative", money("net_cost_avoidance_cumulative"), True),
        ("Net, cumulative, discounted", money("net_cost_avoidance_cumulative_discounted"), True),
    ])


def council_inputs(frame: pd.DataFrame) -> str:
    def value(r):
        if str(r["unit"]).startswith("GBP"):
            return fmt.money(r["value"], html=True, scale="")
        if r["unit"] == "per year":
            return escape(fmt.percent(r["value"], 1))
        return escape(f"{r['value']:.2f}" if r["unit"] == "removals" else f"{r['value']:g}")

    return table(frame, [("Input", text("input"), False), ("Amount", value, True),
                         ("Unit", text("unit"), False), ("Source", text("source"), False)])


def assumptions(frame: pd.DataFrame) -> str:
    return table(frame, [
        ("Parameter", lambda r: f"{escape(r['label'])}<br><code>{escape(r['parameter'])}</code>",
         False),
        ("Value", text("value"), False), ("Unit", text("unit"), False),
        ("How", text("how"), False), ("Source", text("source"), False)],
        css="assumptions", row_class=lambda r: "changed" if r["changed_from_national"] else "")


def claims(frame: pd.DataFrame, case) -> str:
    """The business case's claims against the simulation."""
    from simulation.report import claims_check

    cells = claims_check.cells(frame)  # with a View column where the frame has both views
    columns = [(c, (lambda c: lambda r: escape(str(r[c])))(c), False)  # noqa: B023 (bound)
               for c in cells.columns]
    items = "\n".join(f"    <li>{sentence_html(s)}</li>" for s in frame.sentence)
    extra = ""
    if case.unquantified:
        extra = "<p class='small'>Not compared: " + escape(" ".join(case.unquantified)) + "</p>"
    return (f"<section id='claims' class='page'>\n  <h2>What the business case claimed, against "
            f"the simulation</h2>\n  <p>{escape(case.title)} "
            f"(docs/sources/seeds/{escape(case.seed)}). "
            f"{escape(claims_check.INTRO)}</p>\n{table(cells, columns)}\n  <ul class='sentences'>\n"
            f"{items}\n  </ul>\n{extra}\n</section>")


def figures_html(items) -> str:
    return "\n".join(f"<figure id='fig-{escape(f.name)}'><img src='{f.data_uri}' "
                     f"alt='{escape(f.caption)}'><figcaption>{escape(f.caption)}</figcaption>"
                     "</figure>" for f in items)


CE_READING = (
    "How to read these: each point on the plane is one set of the model's parameters (its "
    "average over its simulated futures); points to the right of the vertical line keep infants "
    "out of care, points below the horizontal line save the council money, so points in the "
    "lower right do both. The curve gives, for each amount a council is willing to pay to keep "
    "one infant out of care (on top of the money saved), the share of parameter sets under which "
    "funding the practice is the better choice.")


def render(report) -> str:
    """The whole page."""
    from simulation.report import local_evidence
    from simulation.report.sentences import by_section

    sc = report.scenario
    rec = report.record
    t = report.tables
    results = report.results
    price = results.price_label
    last = t["headline"].loc[t["headline"].metric == "infants_avoided_cumulative",
                             "period"].iloc[-1]
    period_words = f"over {int(last[5:])} years" if last != "year_1" else "over 1 year"
    cite = (f"pausesim {rec['pausesim_version']}, scenario '{sc.name}' (digest "
            f"{rec['scenario_digest']}), seed {rec['seed']}, {rec['reps']} paired replications "
            f"({rec['engine']} engine), run {rec['created_utc']}.")
    meta = (f"Scenario {sc.name} ({sc.origin}); {results.reps} paired replications, seed "
            f"{results.simulated.seed}; practice capacity {sc.capacity} women; horizon "
            f"{sc['practice.horizon_months']:g} months; money {price}; discount rate "
            f"{fmt.percent(sc['costs.discount_rate_per_year'], 1)} a year.")
    provenance = (f"pausesim {rec['pausesim_version']} | Python {rec.get('python', '')} | "
                  f"scenario digest {rec['scenario_digest']} | engine {rec['engine']} | seed "
                  f"{rec['seed']} | {rec['reps']} replications on {rec['workers']} worker(s) | "
                  f"{rec['parameters_from']} | deflators: {deflators.SOURCE or 'HM Treasury'} | "
                  f"created {rec['created_utc']}")
    said = report.sentences
    caveat = " ".join(s.text for s in by_section(said, "caveat"))
    citable = by_section(said, "citable")
    figs = {f.name: f for f in report.figures}
    ce_names = ("ce_plane", "ce_acceptability")
    has_claims = "claims" in t
    undiscounted = ["infants_avoided_in_year", "infants_avoided_cumulative",
                    "programme_cost_in_year", "cost_avoided_in_year",
                    "net_cost_avoidance_in_year", "net_cost_avoidance_cumulative"]
    discounted = ["programme_cost_in_year_discounted", "cost_avoided_in_year_discounted",
                  "net_cost_avoidance_in_year_discounted",
                  "net_cost_avoidance_cumulative_discounted", "benefit_cost_ratio_discounted",
                  "probability_net_saving_discounted"]
    return template().substitute(
        title=escape(report.title),
        description=escape(sc.description or sc.name),
        meta=escape(meta),
        band=escape(fmt.percent(report.band)),
        reps=results.reps,
        prices=escape(price),
        rate=escape(fmt.percent(sc["costs.discount_rate_per_year"], 1)),
        period_words=escape(period_words),
        base_sentences=sentence_items([s for s in citable if s.view == "base"]),
        authority_sentences=sentence_items([s for s in citable if s.view == "authority"]),
        threshold_sentences=sentence_items([s for s in citable if s.view == "both"]),
        two_views=two_views(t["two_views"]),
        base_label=escape(views_mod.LABELS["base"]),
        authority_label=escape(views_mod.LABELS["authority"]),
        base_calibration=escape(views_mod.calibration_words(report.results.scenario.calibration)),
        authority_calibration=escape(views_mod.calibration_words(
            report.authority.scenario.calibration)),
        break_even_figure=figures_html([figs[n] for n in ("break_even",) if n in figs]),
        break_even=break_even(t["break_even"]),
        net_saving_curve=net_saving_curve(t["net_saving_by_system_effect"]),
        sources_base=sources(t["sources"], price, "base"),
        sources_authority=sources(t["sources"], price, "authority"),
        where="\n".join(f"    <p>{sentence_html(s.text)}</p>" for s in by_section(said, "where")),
        caveat=sentence_html(caveat),
        cite=escape(cite),
        money_sentences=sentence_items(by_section(said, "money")),
        headline=headline(t["headline"], sc["costs.optimism_bias"] > 0),
        money_inputs=money_inputs(t["money_inputs"], price),
        claims_link="<a href='#claims'>Claims</a>" if has_claims else "",
        claims=claims(t["claims"], report.case) if has_claims else "",
        ce_reading=escape(CE_READING),
        ce_figures=figures_html([figs[n] for n in ce_names if n in figs]),
        by_year_undiscounted=by_year(t["by_year"], undiscounted),
        by_year_discounted=by_year(t["by_year"], discounted),
        activity=activity(t["activity"]),
        council_sentences=sentence_items(by_section(said, "council")),
        council_vs_simulation=council_vs_simulation(t["council_vs_simulation"]),
        council_method=council_method(t["council_method"]),
        council_inputs=council_inputs(t["council_inputs"]),
        figures=figures_html([f for f in report.figures
                              if f.name not in (*ce_names, "break_even",
                                                local_evidence.FIGURE)]),
        note=escape(report.note),
        authority_note=escape(rec.get("authority_note", "")),
        assumptions=assumptions(t["assumptions"]),
        csv_files=escape(", ".join(f"{name}.csv" for name in t)),
        provenance=escape(provenance),
        local_evidence=local_evidence.html(getattr(report, "local", None)),
        local_link="<a href='#local-evidence'>Local evidence</a>"
        if getattr(report, "local", None) is not None else "",
    )
