"""A seed's claims against the simulated range, with a sentence on each difference.

The sentences are generated from the numbers (where the claim falls among the simulated futures,
how far it is from the median, what the council method gives on the same inputs), never written
per claim.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.runner import MonteCarloResult
from simulation.results.summary import _band_stats
from simulation.report import council as council_mod
from simulation.report.claims import LABELS, BusinessCase, Claim
from simulation.report.sentences import FORMATS
from simulation.report.tables import outcomes, percentile_of, period_month, replicate_values


def _fmt(metric: str, value: float, exact: bool = False) -> str:
    """Money as £m/£k (``exact``: to the pound, as documents state it); counts to 0.1."""
    if "cost" in metric:
        return FORMATS["gbp_exact" if exact else "gbp"](value)
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _period_words(metric: str, period: str) -> str:
    kind, _, n = period.partition("_")
    if metric.endswith("_in_year"):
        return f"in year {n}"
    return f"by month {n}" if kind == "month" else f"by the end of year {n}"


def sentence(case: BusinessCase, claim: Claim, row: dict) -> str:
    """One sentence on how the claim compares with the simulation (from the numbers in ``row``)."""
    m = claim.metric
    what = f"{LABELS[m]} {_period_words(m, claim.period)}"
    sim = (f"median {_fmt(m, row['median'])}, {_fmt(m, row['lo'])} to {_fmt(m, row['hi'])} in "
           f"{row['band']:.0%} of simulated futures")
    who = f"Seed {case.seed[:3]}"
    if claim.kind == "positive":
        return (f"{who} expects {what} to be positive; it is positive in "
                f"{row['share_positive']:.0%} of simulated futures ({sim}).")
    if claim.kind == "zero":
        return (f"{who} expects no {what}; {row['share_zero']:.0%} of simulated futures have none "
                f"({sim}).")
    claimed = _fmt(m, claim.value, exact=True)
    if claim.kind == "input":
        diff = row["median"] - claim.value
        if abs(diff) < 0.5:
            return f"{who} states {claimed} for {what}; the scenario charges the same."
        return (f"{who} states {claimed} for {what}; the scenario charges "
                f"{_fmt(m, row['median'], exact=True)}, {_fmt(m, abs(diff), exact=True)} "
                f"{'more' if diff > 0 else 'less'} ({diff / claim.value:+.0%}).")
    prefix = "up to " if claim.kind == "up_to" else ""
    reach = row["share_at_or_above"]
    reach_words = ("no simulated future reaches it" if reach == 0 else
                   f"{FORMATS['pct'](reach)} of futures reach it")
    if claim.value > row["hi"]:
        where = f"above the simulated range: {reach_words}"
    elif claim.value < row["lo"]:
        where = f"below the simulated range: {FORMATS['pct'](1 - reach)} of futures fall short of it"
    else:
        where = f"within the simulated range, with {row['share_below']:.0%} of futures below it"
    if row["median"] > 0:
        scale = f"; it is {claim.value / row['median']:.1f} times the simulated median"
    else:
        scale = "; the simulated median is not above zero"
    council = row.get("council", np.nan)
    council_words = ("" if not np.isfinite(council) else
                     f" The council method on the scenario's inputs gives {_fmt(m, council)}.")
    return (f"{who} claims {prefix}{claimed} {what}; simulated: {sim}. The claim is {where}"
            f"{scale}.{council_words}")


def compare(case: BusinessCase, result: MonteCarloResult, band: float = 0.9,
            council_inputs: council_mod.CouncilInputs | None = None) -> pd.DataFrame:
    """One row per claim: the claim, the simulated figures, where the claim falls, a sentence."""
    data = outcomes(result)
    inputs = council_inputs or council_mod.from_scenario(result.scenario)
    council_table = council_mod.estimate(inputs)
    horizon = result.scenario["practice.horizon_months"]
    rows = []
    for claim in case.claims:
        values = replicate_values(result, claim.metric, claim.period, data)
        row = {"case": case.id, "seed": case.seed, "scenario": result.scenario.name,
               "price_year": result.scenario["costs.price_year"],
               "unit_cost_uplift": result.scenario["costs.unit_cost_uplift"],
               "claim": claim.id, "kind": claim.kind,
               "metric": claim.metric, "period": claim.period, "claimed": claim.value,
               **_band_stats(values, band), "band": band,
               "share_positive": float(np.mean(values > 0)),
               "share_zero": float(np.mean(values == 0)),
               "council": council_mod.value(inputs, council_table, claim.metric,
                                            period_month(claim.period, horizon))}
        if claim.value is not None:
            row["share_below"] = percentile_of(claim.value, values) / 100
            row["share_at_or_above"] = float(np.mean(values >= claim.value))
        row["sentence"] = sentence(case, claim, row)
        row["quote"] = claim.quote
        row["where"] = claim.where
        rows.append(row)
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------- the one-page summary
def overall(frame: pd.DataFrame) -> str:
    """One generated sentence on all cases together."""
    numeric = frame[frame["kind"].isin(["point", "up_to"])]
    above = int((numeric["claimed"] > numeric["hi"]).sum())
    below = int((numeric["claimed"] < numeric["lo"]).sum())
    direction = frame[frame["kind"] == "positive"]
    inputs = frame[frame["kind"] == "input"]
    same = int(((inputs["median"] - inputs["claimed"]).abs() < 0.5).sum())
    band = FORMATS["pct"](frame["band"].iloc[0])
    text = (f"Of {len(numeric)} figures the documents claim for outcomes or money, {above} lie above "
            f"the central {band} of simulated futures, {len(numeric) - above - below} within it "
            f"and {below} below it")
    positive = numeric["median"] > 0
    if positive.any():
        ratio = float(np.median(numeric["claimed"][positive] / numeric["median"][positive]))
        text += (f"; where the simulated median is positive, a claim is typically {ratio:.1f} "
                 f"times it (median of {int(positive.sum())} ratios)")
    text += (f". Of {len(direction)} claims of a direction (fewer infants, pregnancies or a net "
             f"saving), {int((direction['share_positive'] >= 0.5).sum())} hold in at least half of "
             f"the simulated futures. {same} of {len(inputs)} stated costs are reproduced exactly "
             f"by the scenarios.")
    return text


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison table's display columns (plain text, for Markdown and HTML)."""
    def claimed(r):
        if r["kind"] in ("positive", "zero"):
            return "positive" if r["kind"] == "positive" else "none"
        prefix = "up to " if r["kind"] == "up_to" else ""
        return prefix + _fmt(r["metric"], r["claimed"], exact=True)

    def simulated(r):
        m = r["metric"]
        return f"{_fmt(m, r['median'])} ({_fmt(m, r['lo'])} to {_fmt(m, r['hi'])})"

    def share(r):
        if r["kind"] == "input":
            diff = r["median"] - r["claimed"]
            return "same" if abs(diff) < 0.5 else f"{diff / r['claimed']:+.0%} (fixed input)"
        if r["kind"] == "positive":
            return f"{r['share_positive']:.0%} positive"
        if r["kind"] == "zero":
            return f"{r['share_zero']:.0%} none"
        return f"{r['share_below']:.0%} below"

    def council(r):
        return "" if not np.isfinite(r["council"]) else _fmt(r["metric"], r["council"])

    rows = [r for _, r in frame.iterrows()]
    return pd.DataFrame({
        "Claim (the document's words)": [f"\u201c{r['quote']}\u201d ({r['where']})" for r in rows],
        "Compared with": [f"{LABELS[r['metric']]}, {_period_words(r['metric'], r['period'])}"
                          for r in rows],
        "Claimed": [claimed(r) for r in rows],
        "Simulated: median (central range)": [simulated(r) for r in rows],
        "Simulated futures": [share(r) for r in rows],
        "Council method": [council(r) for r in rows],
    })


def price_caveat(frame: pd.DataFrame) -> str:
    """A warning where care unit costs (2015/16 prices) are not uplifted to the money's year."""
    row = frame.iloc[0]
    if row["unit_cost_uplift"] != 1.0 or row["price_year"] == 2015:
        return ""
    return (f"Care unit costs are at 2015/16 prices (costs.unit_cost_uplift = 1) while the "
            f"programme cost is {row['price_year']}/{(row['price_year'] + 1) % 100:02d} money, "
            f"so simulated care costs avoided are understated by the inflation between them.")


def _md_cell(text: str) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def page_markdown(frame: pd.DataFrame, cases, meta: dict) -> str:
    """The one-page comparison in Markdown."""
    lines = ["# Seed business cases: what they claimed, against the simulated range", "",
             f"> Note on the parameters: {meta['note']}.", "", _intro(meta), "",
             f"**Overall.** {overall(frame)}", ""]
    for case in cases:
        part = frame[frame["case"] == case.id]
        cells = _cells(part)
        lines += [f"## {case.title}", "",
                  f"Document: `shared/seeds/{case.seed}`. "
                  f"Scenario: `{meta['scenarios'][case.id]}`.", "",
                  "| " + " | ".join(cells.columns) + " |",
                  "|" + "---|" * len(cells.columns)]
        lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |"
                  for row in cells.itertuples(index=False)]
        lines += [""] + [f"- {s}" for s in part["sentence"]] + [""]
        if price_caveat(part):
            lines += [price_caveat(part), ""]
        if case.unquantified:
            lines += ["Not compared: " + " ".join(case.unquantified), ""]
    return "\n".join(lines)


def _intro(meta: dict) -> str:
    return (f"pausesim {meta['version']}, seed {meta['seed']}, {meta['reps']} paired replications "
            f"per case; ranges are the central {meta['band']:.0%} of simulated futures. Money "
            f"claims are compared undiscounted (no seed says it discounts), in each scenario's "
            f"prices. The council method column applies today's business-case arithmetic "
            f"(simulation/report/council.py) to the same scenario's inputs. Claims and their "
            f"sources: simulation/report/claims.py. Created {meta['created_utc']}.")


def page_html(frame: pd.DataFrame, cases, meta: dict) -> str:
    """The same page as self-contained HTML."""
    from html import escape

    from simulation.report.html import table

    body = ["<h1>Seed business cases: what they claimed, against the simulated range</h1>",
            f"<p class='note'><strong>Note on the parameters:</strong> {escape(meta['note'])}.</p>",
            f"<p class='meta'>{escape(_intro(meta))}</p>",
            f"<p><strong>Overall.</strong> {escape(overall(frame))}</p>"]
    for case in cases:
        part = frame[frame["case"] == case.id]
        cells = _cells(part)
        columns = [(c, (lambda c: lambda r: escape(str(r[c])))(c)) for c in cells.columns]
        body += [f"<h2>{escape(case.title)}</h2>",
                 f"<p class='meta'>Document: shared/seeds/{escape(case.seed)}. Scenario: "
                 f"{escape(meta['scenarios'][case.id])}.</p>", table(cells, columns),
                 "<ul>" + "".join(f"<li>{escape(s)}</li>" for s in part["sentence"]) + "</ul>"]
        if price_caveat(part):
            body.append(f"<p class='meta'>{escape(price_caveat(part))}</p>")
        if case.unquantified:
            body.append(f"<p class='meta'>Not compared: {escape(' '.join(case.unquantified))}</p>")
    style = ("body{font-family:Georgia,serif;max-width:75rem;margin:2rem auto;padding:0 1rem;"
             "line-height:1.4}table{border-collapse:collapse;font-size:.85rem}th,td{border:1px "
             "solid #ccc;padding:.25rem .5rem;vertical-align:top}th{background:#f0ecf6;"
             "text-align:left}.note{background:#fff4d6;border-left:4px solid #d89b00;padding:"
             ".5rem .8rem}.meta{color:#555;font-size:.9rem}")
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\"><title>Seed business cases against the simulation</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
