"""Rendering a :class:`~simulation.report.build.Report` as one self-contained HTML page.

The page layout is ``template.html`` (a :class:`string.Template`); this module only turns tables
into escaped HTML fragments. No external resources: figures are ``data:`` URIs and the page's
Content-Security-Policy forbids fetching anything else.
"""

from __future__ import annotations

import math
from html import escape
from importlib import resources
from string import Template
from typing import Callable, Sequence

import pandas as pd

from simulation.results.costs import price_label
from simulation.report.claims import LABELS
from simulation.report.comparison import price_caveat
from simulation.report.sentences import FORMATS, gbp
from simulation.report.tables import RATIO_UNIT

Column = tuple[str, Callable[[pd.Series], str]]  # (header, row -> cell HTML)
#: Columns of words, not numbers (left-aligned).
WORDS = {"Figure", "Period", "Input", "Unit", "Source", "Parameter", "Value", "Meaning", "",
         "The document says", "Compared with", "Claim (the document's words)"}


def template() -> Template:
    return Template(resources.files(__package__).joinpath("template.html").read_text("utf-8"))


def number(value: float, unit: str) -> str:
    """A figure in its unit: GBP as £m/£k, probabilities as %, counts to 1 decimal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if math.isinf(value):
        return "not within the horizon"
    if unit == RATIO_UNIT:
        return FORMATS["ratio"](value)
    if unit.startswith("GBP"):
        return gbp(value)
    if unit == "probability":
        return FORMATS["pct"](value)
    if unit.startswith(("months", "year")):
        return f"{value:.0f}"
    return f"{value + 0:.1f}" if not float(value).is_integer() else f"{value:.0f}"


def banded(row: pd.Series, unit: str | None = None) -> str:
    """Median with the central band below it; a single value where all futures agree."""
    unit = unit or row["unit"]
    if unit == "probability":
        return escape(number(row["mean"], unit))
    if pd.isna(row["lo"]) or row["lo"] == row["hi"]:
        return escape(number(row["median"] if not pd.isna(row["median"]) else row["mean"], unit))
    return (f"{escape(number(row['median'], unit))}<br><span class='range'>"
            f"{escape(number(row['lo'], unit))} to {escape(number(row['hi'], unit))}</span>")


def table(frame: pd.DataFrame, columns: Sequence[Column], css: str = "",
          row_class: Callable[[pd.Series], str] | None = None) -> str:
    """An HTML table of ``frame`` with the given (header, cell) columns."""
    head = "".join(f"<th>{escape(h)}</th>" for h, _ in columns)
    body = []
    for _, row in frame.iterrows():
        cls = f" class='{row_class(row)}'" if row_class and row_class(row) else ""
        cells = "".join(f"<td{'' if header in WORDS else ' class=num'}>{cell(row)}</td>"
                        for header, cell in columns)
        body.append(f"<tr{cls}>{cells}</tr>")
    return (f"<table class='{css}'><thead><tr>{head}</tr></thead><tbody>\n"
            + "\n".join(body) + "\n</tbody></table>")


def text(column: str) -> Callable[[pd.Series], str]:
    return lambda row: escape(str(row[column]))


def year(row: pd.Series) -> str:
    return f"{row['year']:.0f}"


# --------------------------------------------------------------------------- sections
def by_year(frame: pd.DataFrame, discounted: bool) -> str:
    """The by-year table, one row per year, as a readable grid."""
    sfx = "_discounted" if discounted else ""
    wanted = ([] if discounted else
              [("infants_avoided_in_year", "Infants kept out of care"),
               ("infants_avoided_cumulative", "Infants, cumulative")]) + [
        ("programme_cost_in_year" + sfx, "Programme cost"),
        ("cost_avoided_in_year" + sfx, "Care costs avoided"),
        ("net_cost_avoidance_in_year" + sfx, "Net cost avoidance"),
        ("net_cost_avoidance_cumulative" + sfx, "Net, cumulative"),
        ("benefit_cost_ratio" + sfx, "Benefit-cost ratio, cumulative"),
        ("probability_net_saving" + sfx, "P(net saving)"),
    ]
    rows = frame.set_index(["year", "metric"])
    years = sorted(frame.year.unique())
    grid = pd.DataFrame({"year": years})

    def cell(metric):
        return lambda r: banded(rows.loc[(r["year"], metric)])

    return table(grid, [("Year", year)] + [(label, cell(m)) for m, label in wanted])


HEADLINE_LABELS = {
    "infants_avoided_cumulative": "Infants kept out of care",
    "cost_avoided_cumulative": "Care costs avoided, undiscounted",
    "programme_cost_cumulative": "Programme cost, undiscounted",
    "net_cost_avoidance_cumulative": "Net cost avoidance, undiscounted",
    "benefit_cost_ratio": "Benefit-cost ratio, undiscounted",
    "probability_net_saving": "Probability of a net saving, undiscounted",
    "break_even_month": "Break-even month, undiscounted",
    "break_even_year": "Break-even year, undiscounted",
}


def _label(metric: str) -> str:
    if metric.endswith("_discounted"):
        return HEADLINE_LABELS[metric[: -len("_discounted")]].replace("undiscounted", "discounted")
    return HEADLINE_LABELS.get(metric, metric)


def _period(row: pd.Series) -> str:
    return f"first {row['months']:g} months" if row["period"] != "horizon" else \
        f"over {row['years']:g} years"


def headline(frame: pd.DataFrame) -> str:
    return table(frame, [
        ("Figure", lambda r: escape(_label(r["metric"]))),
        ("Period", lambda r: escape(_period(r))),
        ("Median and central range", lambda r: banded(r)),
        ("Mean", lambda r: escape(number(r["mean"], r["unit"]))),
    ])


def council_vs_simulation(frame: pd.DataFrame) -> str:
    return table(frame, [
        ("Figure", lambda r: escape(_label(r["metric"]))),
        ("Period", lambda r: escape(_period(r))),
        ("Council method", lambda r: escape(number(r["council"], r["unit"]))),
        ("Simulated: median and central range", lambda r: banded(r)),
        ("Share of futures below the council figure",
         lambda r: "fixed input" if r["lo"] == r["hi"] == r["council"] else
         escape(FORMATS["pct"](r["share_of_futures_below_council"]))),
    ])


def council_method(frame: pd.DataFrame, unit: str) -> str:
    def money(column):
        return lambda r: escape(number(r[column], unit))

    return table(frame, [
        ("Year", year),
        ("Removals avoided (counted)", lambda r: f"{r['removals_avoided']:.2f}"),
        ("Care costs avoided", money("cost_avoided")),
        ("Programme cost", money("programme_cost")),
        ("Net", money("net_cost_avoidance")),
        ("Discount factor", lambda r: f"{r['discount_factor']:.4f}"),
        ("Net, discounted", money("net_cost_avoidance_discounted")),
        ("Net, cumulative", money("net_cost_avoidance_cumulative")),
        ("Net, cumulative, discounted", money("net_cost_avoidance_cumulative_discounted")),
    ])


def council_inputs(frame: pd.DataFrame) -> str:
    def value(r):
        if r["unit"].startswith("GBP"):
            return f"£{r['value']:,.0f}"
        if r["unit"] == "per year":
            return FORMATS["rate"](r["value"])
        return f"{r['value']:g}" if r["unit"] != "removals" else f"{r['value']:.2f}"

    return table(frame, [("Input", text("input")), ("Amount", lambda r: escape(value(r))),
                         ("Unit", text("unit")), ("Source", text("source"))])


def activity(frame: pd.DataFrame) -> str:
    return table(frame, [("", text("label")), ("Median and central range", lambda r: banded(r)),
                         ("Mean", lambda r: escape(number(r["mean"], r["unit"])))])


def assumptions(frame: pd.DataFrame) -> str:
    return table(frame, [("Parameter", text("parameter")), ("Value", text("value")),
                         ("Unit", text("unit")), ("Meaning", text("meaning")),
                         ("Source", text("source"))], css="assumptions",
                 row_class=lambda r: "changed" if r["changed_from_national"] else "")


def claims(frame: pd.DataFrame, case) -> str:
    """The business case's claims against the simulation."""
    def claimed(r):
        if r["kind"] in ("positive", "zero"):
            return "positive" if r["kind"] == "positive" else "none"
        value = (FORMATS["gbp_exact"](r["claimed"]) if "cost" in r["metric"]
                 else number(r["claimed"], ""))  # as the document states it
        return ("up to " if r["kind"] == "up_to" else "") + value

    def simulated(r):
        return banded(r, "GBP" if "cost" in r["metric"] else "count")

    grid = table(frame, [
        ("The document says", lambda r: f"&ldquo;{escape(r['quote'])}&rdquo;<br>"
                                         f"<span class='range'>{escape(r['where'])}</span>"),
        ("Compared with", lambda r: escape(f"{LABELS[r['metric']]}, {r['period'].replace('_', ' ')}")),
        ("Claimed", lambda r: escape(claimed(r))),
        ("Simulated", simulated),
    ])
    items = "\n".join(f"    <li>{escape(s)}</li>" for s in frame.sentence)
    unquantified = "".join(f"<li>{escape(u)}</li>" for u in case.unquantified)
    extra = f"<p>Not compared:</p><ul>{unquantified}</ul>" if unquantified else ""
    if price_caveat(frame):
        extra += f"<p class='small'>{escape(price_caveat(frame))}</p>"
    return (f"<section id='claims'>\n  <h2>What the business case claimed, against the "
            f"simulation</h2>\n  <p>{escape(case.title)} (shared/seeds/{escape(case.seed)}).</p>\n"
            f"{grid}\n  <ul class='sentences'>\n{items}\n  </ul>\n{extra}\n</section>")


def figures(items: Sequence[tuple[str, str, str]]) -> str:
    return "\n".join(f"<figure id='fig-{escape(name)}'><img src='{uri}' alt='{escape(caption)}'>"
                     f"<figcaption>{escape(caption)}</figcaption></figure>"
                     for name, caption, uri in items)


def render(report) -> str:
    """The whole page."""
    sc = report.result.scenario
    rec = report.record
    t = report.tables
    unit = t["headline"].loc[t["headline"].metric == "cost_avoided_cumulative", "unit"].iloc[0]
    council_figs = [f for f in report.figures if f[0].endswith("council")]
    other_figs = [f for f in report.figures if not f[0].endswith("council")]
    cite = (f"pausesim {rec['pausesim_version']}, scenario '{sc.name}' (digest "
            f"{rec['scenario_digest']}), seed {rec['seed']}, {rec['reps']} paired replications "
            f"({rec['engine']} engine), run {rec['created_utc']}.")
    meta = (f"Scenario {sc.name} ({sc.origin}); {report.result.reps} paired replications, seed "
            f"{report.result.seed}; practice capacity {sc.capacity} women; horizon "
            f"{sc['practice.horizon_months']:g} months; money {price_label(sc)}.")
    csv_files = ", ".join(f"{name}.csv" for name in t)
    provenance = (f"pausesim {rec['pausesim_version']} | Python {rec['python']} | numpy "
                  f"{rec['numpy']} | simpy {rec['simpy']} | scenario digest "
                  f"{rec['scenario_digest']} | engine {rec['engine']} | seed {rec['seed']} | "
                  f"{rec['reps']} replications "
                  f"on {rec['workers']} worker(s) | created {rec['created_utc']}")
    has_claims = "claims" in t
    return template().substitute(
        title=escape(f"Business-case report: {sc.name}"),
        description=escape(sc.description),
        note=escape(report.note),
        meta=escape(meta),
        band=escape(FORMATS["pct"](report.band)),
        reps=report.result.reps,
        prices=escape(price_label(sc)),
        rate=escape(FORMATS["rate"](sc["costs.discount_rate_per_year"])),
        sentences="\n".join(f"    <li id='s-{escape(s.key)}'>{escape(s.text)}</li>"
                            for s in report.sentences),
        cite=escape(cite),
        claims_link="<a href='#claims'>Claims</a>" if has_claims else "",
        claims=claims(t["claims"], report.case) if has_claims else "",
        council_vs_simulation=council_vs_simulation(t["council_vs_simulation"]),
        council_figures=figures(council_figs),
        council_method=council_method(t["council_method"], unit),
        council_inputs=council_inputs(t["council_inputs"]),
        by_year_undiscounted=by_year(t["by_year"], discounted=False),
        by_year_discounted=by_year(t["by_year"], discounted=True),
        headline=headline(t["headline"]),
        figures=figures(other_figs),
        activity=activity(t["activity"]),
        assumptions=assumptions(t["assumptions"]),
        csv_files=escape(csv_files),
        provenance=escape(provenance),
    )
