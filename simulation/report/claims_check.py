"""A seed's claims against the simulated range, with a sentence on each difference.

The sentences are generated from the numbers (where the claim falls among the simulated futures,
how far it is from the median, what the council method gives on the same inputs), never written
per claim.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.report import council as council_mod
from simulation.report import tables
from simulation.report.claims import AUTHORITY_WIDE, LABELS, BusinessCase, Claim
from simulation.report.sentences import FORMATS
from simulation.results import band_stats
from simulation.results.metrics import PROGRAMME

INTRO = ("Each claim is compared with both views: the base case (the practice's own women, as "
         "the evidence on them supports) and the authority-wide scenario (if the fall in all "
         "infant care entries measured in five long-running Pause areas also happens here). "
         "Money claims are compared undiscounted (no seed says it discounts), in the document's "
         "own price year; claims derived from the national evaluation's figures are changes in "
         "all of an authority's infant care entries, which only the authority-wide scenario "
         "models.")


def month_of(period: str) -> float:
    """``month_18`` -> 18, ``year_2`` -> 24."""
    kind, _, number = period.partition("_")
    if kind not in ("month", "year") or not number.isdigit():
        raise ValueError(f"unknown period {period!r} (month_N or year_N)")
    return float(number) * (12 if kind == "year" else 1)


def _pregnancies_on_programme(results, end: float) -> np.ndarray:
    """Pregnancies that ended a woman's programme (she left it pregnant), cumulative."""
    cum = np.cumsum(results.row("exited_pregnant", PROGRAMME), axis=-1)
    return cum[:, results.end_bin(end)]


def _removal_after_completion(results, end: float) -> np.ndarray:
    """Per replication: the chance that an infant born to a woman who has just completed the
    programme enters care, from its parameter set (removal probability x completers' ratio)."""
    per_set = np.array([min(1.0, sc["care.removal_probability"]
                            * sc["post_programme.removal_rate_ratio_completed"])
                        for sc in results.simulated.scenarios])
    return per_set[results.simulated.set_index]


#: Figures claims are compared on that are not metrics of the registry: name -> (results, end
#: month) -> one value per replication.
EXTRA = {"pregnancies_on_programme_cumulative": _pregnancies_on_programme,
         "removal_probability_after_completion": _removal_after_completion}


def claim_values(results, claim: Claim) -> np.ndarray:
    end = min(month_of(claim.period), results.horizon)
    if claim.metric in EXTRA:
        return EXTRA[claim.metric](results, end)
    return results.value(claim.metric, end)


def _fmt(metric: str, value: float, exact: bool = False, bound: bool = False) -> str:
    """Money as £m/£k (``exact``: to the pound, as documents state it); shares as %; counts
    whole where they bound a range (``bound``), else to 0.1 unless whole."""
    if "cost" in metric:
        return FORMATS["gbp_exact" if exact else "gbp"](value)
    if metric == "removal_probability_after_completion":
        return FORMATS["pct"](value)
    if bound or float(value).is_integer():
        return FORMATS["count"](value)
    return FORMATS["mean"](value)


def _period_words(metric: str, period: str) -> str:
    kind, _, n = period.partition("_")
    if metric == "removal_probability_after_completion":
        return "(model input)"
    if metric.endswith("_in_year"):
        return f"in year {n}"
    return f"by month {n}" if kind == "month" else f"by the end of year {n}"


def sentence(case: BusinessCase, claim: Claim, row: dict) -> str:
    """One sentence on how the claim compares with the simulation (from the numbers in ``row``)."""
    m = claim.metric
    what = f"{LABELS[m]} {_period_words(m, claim.period)}"
    sim = (f"median {_fmt(m, row['median'])}, {_fmt(m, row['lo'], bound=True)} to "
           f"{_fmt(m, row['hi'], bound=True)} in {FORMATS['pct'](row['band'])} of simulated "
           "futures")
    who = f"Seed {case.seed[:3]}"
    if claim.kind == "positive":
        return (f"{who} expects {what} to be positive; it is positive in "
                f"{FORMATS['pct'](row['share_positive'])} of simulated futures ({sim}).")
    note = f" ({claim.note})" if claim.note else ""
    if claim.kind == "zero":
        return (f"{who} expects no {what}{note}; {FORMATS['pct'](row['share_zero'])} of simulated "
                f"futures have none ({sim}).")
    if claim.kind == "below":
        held = row["share_below"]
        return (f"{who} expects the {what} to be below {_fmt(m, claim.value)}{note}; it is below "
                f"in {FORMATS['pct'](held)} of simulated futures ({sim}).")
    claimed = _fmt(m, claim.value, exact=True)
    if claim.kind == "input":
        diff = row["median"] - claim.value
        if abs(diff) < 0.5:
            return f"{who} states {claimed} for {what}; the scenario charges the same{note}."
        return (f"{who} states {claimed} for {what}; the scenario charges "
                f"{_fmt(m, row['median'], exact=True)}, {_fmt(m, abs(diff), exact=True)} "
                f"{'more' if diff > 0 else 'less'} ({diff / claim.value:+.0%}){note}.")
    prefix = "up to " if claim.kind == "up_to" else ""
    reach = row["share_at_or_above"]
    reach_words = ("no simulated future reaches it" if reach == 0 else
                   f"{FORMATS['pct'](reach)} of futures reach it")
    if claim.value > row["hi"]:
        where = f"above the simulated range: {reach_words}"
    elif claim.value < row["lo"]:
        where = (f"below the simulated range: {FORMATS['pct'](1 - reach)} of futures fall short "
                 "of it")
    else:
        below = FORMATS['pct'](row['share_below'])
        where = f"within the simulated range, with {below} of futures below it"
    if row["median"] > 0:
        scale = f"; it is {claim.value / row['median']:.1f} times the simulated median"
    else:
        scale = "; the simulated median is not above zero"
    council = row.get("council", np.nan)
    council_words = ("" if not np.isfinite(council) else
                     f" The council method on the scenario's inputs gives {_fmt(m, council)}.")
    return (f"{who} claims {prefix}{claimed} {what}{note}; simulated: {sim}. The claim is "
            f"{where}{scale}.{council_words}")


def compare(case: BusinessCase, results, band: float = 0.9,
            council_inputs: council_mod.CouncilInputs | None = None) -> pd.DataFrame:
    """One row per claim: the claim, the simulated figures, where the claim falls, a sentence."""
    sc = results.scenario
    inputs = council_inputs or council_mod.from_scenario(sc)
    council_table = council_mod.estimate(inputs)
    rows = []
    for claim in case.claims:
        values = claim_values(results, claim)
        stats = band_stats(values, band)
        row = {"case": case.id, "seed": case.seed, "scenario": sc.name,
               "price_base": results.price_label, "claim": claim.id, "kind": claim.kind,
               "metric": claim.metric, "period": claim.period, "claimed": claim.value,
               **{k: stats[k] for k in ("mean", "median", "lo", "hi")}, "band": band,
               "share_positive": float(np.mean(values > 0)),
               "share_zero": float(np.mean(values == 0)),
               "council": council_mod.value(inputs, council_table, claim.metric,
                                            min(month_of(claim.period), results.horizon))
               if claim.metric not in EXTRA else np.nan,
               "authority_wide": claim.note.startswith(AUTHORITY_WIDE)}
        if claim.value is not None:
            below, equal = tables.share_below(claim.value, values)
            row["share_below"] = below + equal / 2
            row["share_at_or_above"] = float(np.mean(values >= claim.value))
        row["sentence"] = sentence(case, claim, row)
        row["quote"] = claim.quote
        row["where"] = claim.where
        rows.append(row)
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------- the one-page summary
def compare_cases(cases, reps: int, seed: int, draws: int, **run_options):
    """Every business case's claims against its scenario's simulated futures in both views:
    (one row per claim and view, the scenario's parameter note by case id, the scenario's name,
    origin and digest by case id). ``run_options``: engine, workers, progress."""
    from simulation.report.sentences import PREFIX
    from simulation.results import views
    from simulation.results.text import parameter_note

    frames, scenarios, notes = [], {}, {}
    for case in cases:
        scenario = case.scenario()
        both = views.simulate(scenario, reps, seed, draws=draws, **run_options)
        for view, results in both.items():
            frame = compare(case, results)
            frames.append(frame.assign(view=view, sentence=PREFIX[view] + frame.sentence.map(
                lambda s: s[0].lower() + s[1:])))
        notes[case.id] = "; ".join(f"{views.SHORT[v]}: {parameter_note(r.meta, r.scenario)}"
                                   for v, r in both.items())
        scenarios[case.id] = f"{scenario.name} ({scenario.origin}, digest {scenario.digest()})"
    return pd.concat(frames, ignore_index=True), notes, scenarios


def overall(frame: pd.DataFrame) -> str:
    """Generated sentences on all cases together (one per view, the base case first, where the
    frame has a ``view`` column)."""
    if "view" not in frame:
        return _overall(frame)
    from simulation.results.views import SHORT

    return " ".join(f"**{SHORT[v].capitalize()}:** {_overall(part)}"
                    for v, part in frame.groupby("view", sort=False))


def _overall(frame: pd.DataFrame) -> str:
    numeric = frame[frame["kind"].isin(["point", "up_to"])]
    above = int((numeric["claimed"] > numeric["hi"]).sum())
    below = int((numeric["claimed"] < numeric["lo"]).sum())
    direction = frame[frame["kind"] == "positive"]
    inputs = frame[frame["kind"] == "input"]
    same = int(((inputs["median"] - inputs["claimed"]).abs() < 0.5).sum())
    band = FORMATS["pct"](frame["band"].iloc[0])
    text = (f"Of {len(numeric)} figures the documents claim for outcomes or money, {above} lie "
            f"above the central {band} of simulated futures, {len(numeric) - above - below} "
            f"within it and {below} below it")
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


def cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison table's display columns (plain text, for Markdown and HTML)."""
    def claimed(r):
        if r["kind"] in ("positive", "zero"):
            return "positive" if r["kind"] == "positive" else "none"
        prefix = {"up_to": "up to ", "below": "below "}.get(r["kind"], "")
        return prefix + _fmt(r["metric"], r["claimed"], exact=True)

    def simulated(r):
        m = r["metric"]
        return (f"{_fmt(m, r['median'])} ({_fmt(m, r['lo'], bound=True)} to "
                f"{_fmt(m, r['hi'], bound=True)})")

    def share(r):
        if r["kind"] == "input":
            diff = r["median"] - r["claimed"]
            return "same" if abs(diff) < 0.5 else f"{diff / r['claimed']:+.0%} (fixed input)"
        if r["kind"] == "positive":
            return f"{FORMATS['pct'](r['share_positive'])} positive"
        if r["kind"] == "zero":
            return f"{FORMATS['pct'](r['share_zero'])} none"
        return f"{FORMATS['pct'](r['share_below'])} below"

    def council(r):
        return "" if not np.isfinite(r["council"]) else _fmt(r["metric"], r["council"])

    rows = [r for _, r in frame.iterrows()]
    shown = {}
    if "view" in frame:
        from simulation.results import views

        shown["View"] = [views.LABELS[r["view"]] for r in rows]
    return pd.DataFrame({
        **shown,
        "Claim (the document's words)": [f"\u201c{r['quote']}\u201d ({r['where']})" for r in rows],
        "Compared with": [f"{LABELS[r['metric']]}, {_period_words(r['metric'], r['period'])}"
                          for r in rows],
        "Claimed": [claimed(r) for r in rows],
        "Simulated: median (central range)": [simulated(r) for r in rows],
        "Simulated futures": [share(r) for r in rows],
        "Council method": [council(r) for r in rows],
    })


def price_statement(frame: pd.DataFrame) -> str:
    """The price base of a case's money figures (the document's own price year)."""
    return f"Money: {frame['price_base'].iloc[0]}, the document's own price year."


def _md_cell(text: str) -> str:
    return str(text).replace("|", "/").replace("\n", " ")


def page_markdown(frame: pd.DataFrame, cases, meta: dict) -> str:
    """The one-page comparison in Markdown."""
    lines = ["# Seed business cases: what they claimed, against the simulated range", "",
             _intro(meta), "",
             f"**Overall.** {overall(frame)}", ""]
    for case in cases:
        part = _by_claim(frame[frame["case"] == case.id])
        grid = cells(part)
        lines += [f"## {case.title}", "",
                  f"Document: `docs/sources/seeds/{case.seed}`. "
                  f"Scenario: `{meta['scenarios'][case.id]}`.", "",
                  f"> Parameters: {meta['notes'][case.id]}.", "",
                  "| " + " | ".join(grid.columns) + " |",
                  "|" + "---|" * len(grid.columns)]
        lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |"
                  for row in grid.itertuples(index=False)]
        lines += [""] + [f"- {s}" for s in part["sentence"]] + [""]
        lines += [price_statement(part), ""]
        if case.unquantified:
            lines += ["Not compared: " + " ".join(case.unquantified), ""]
    return "\n".join(lines)


def _by_claim(part: pd.DataFrame) -> pd.DataFrame:
    """A case's rows claim by claim, each claim's views together (the base case first)."""
    if "view" not in part:
        return part
    order = {c: i for i, c in enumerate(dict.fromkeys(part["claim"]))}
    return part.assign(_o=part["claim"].map(order)).sort_values("_o", kind="stable").drop(
        columns="_o")


def _intro(meta: dict) -> str:
    return (f"pausesim {meta['version']}, seed {meta['seed']}, {meta['reps']} paired replications "
            f"per case; ranges are the central {meta['band']:.0%} of simulated futures. "
            f"{INTRO} The council method column applies today's business-case arithmetic "
            f"(simulation/report/council.py) to the same scenario's inputs. Claims and their "
            f"sources: simulation/report/claims.py. Created {meta['created_utc']}.")


def page_html(frame: pd.DataFrame, cases, meta: dict) -> str:
    """The same page as self-contained HTML."""
    from html import escape

    from simulation.report.html import table

    body = ["<h1>Seed business cases: what they claimed, against the simulated range</h1>",
            f"<p class='meta'>{escape(_intro(meta))}</p>",
            f"<p><strong>Overall.</strong> {escape(overall(frame))}</p>"]
    for case in cases:
        part = _by_claim(frame[frame["case"] == case.id])
        grid = cells(part)
        columns = [(c, (lambda c: lambda r: escape(str(r[c])))(c), False)  # noqa: B023 (bound)
                   for c in grid.columns]
        body += [f"<h2>{escape(case.title)}</h2>",
                 f"<p class='meta'>Document: docs/sources/seeds/{escape(case.seed)}. Scenario: "
                 f"{escape(meta['scenarios'][case.id])}.</p>",
                 f"<p class='note'><strong>Parameters:</strong> "
                 f"{escape(meta['notes'][case.id])}.</p>", table(grid, columns),
                 "<ul>" + "".join(f"<li>{escape(s)}</li>" for s in part["sentence"]) + "</ul>"]
        body.append(f"<p class='meta'>{escape(price_statement(part))}</p>")
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
