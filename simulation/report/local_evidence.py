"""The report's "Local evidence so far" section (``pausesim report --monitoring DATA``): the four
answers of ``pausesim monitor`` (:mod:`simulation.results.monitor`; the Plan's value of
information from :mod:`simulation.sensitivity.evsi`) as paragraphs, tables and the fan chart
with the observed points, rendered for HTML, Word and Excel from one :class:`LocalEvidence`."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import pandas as pd

from simulation.report.figures import Figure, png
from simulation.results import conditioned, monitor, ontrack, women_update
from simulation.sensitivity import evsi

TITLE = "Local evidence so far"
#: Column widths of the workbook's sheet (characters): the series or parameter, then the rest.
FIRST_COLUMN_WIDTH, COLUMN_WIDTH = 34, 20
FIGURE = "local_evidence_fan_chart"


@dataclass
class LocalEvidence:
    origin: str
    blocks: list[tuple[str, str, pd.DataFrame | None]]  # (heading, paragraph, table or None)
    figure: Figure | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # written as CSV / sheets


def build(views, data, seed: int, p_no_effect: float | None = None,
          plan_sims: int = 100) -> LocalEvidence:
    """The section's content from the report's two views and the validated monitoring data."""
    a = monitor.answers(views, data, seed, p_no_effect, plan_sims)
    a.evsi = evsi.table(views, data, a.update, plan_sims, seed, p_no_effect)
    blocks, tables = [], {}
    observed = data.observed()
    figure = None
    if len(observed):
        figure = Figure(FIGURE, "Local evidence: each observed series (black points) against "
                        "the forecast's band by month, base case and authority-wide scenario.",
                        png(ontrack.fan_chart(views, observed)))
    t = a.on_track
    if t.empty:
        blocks.append(("On track?", "No practice values observed yet.", None))
    else:
        wide = t.pivot_table(index=["label", "month", "observed"], columns="view",
                             values=["lo", "hi", "percentile"], aggfunc="first")
        verdict = t[t["view"] == "base"].set_index(["label", "month"])["verdict"]
        rows = [[lab, f"{m:g}", f"{o:g}", f"{wide.loc[(lab, m, o), ('lo', 'base')]:g}-"
                 f"{wide.loc[(lab, m, o), ('hi', 'base')]:g}",
                 f"{wide.loc[(lab, m, o), ('percentile', 'base')]:.0f}",
                 f"{wide.loc[(lab, m, o), ('percentile', 'authority')]:.0f}",
                 verdict.loc[(lab, m)]] for lab, m, o in wide.index]
        frame = pd.DataFrame(rows, columns=["series", "month", "observed",
                                            f"base case {t['band'].iloc[0]:.0%} band",
                                            "percentile (base case)",
                                            "percentile (authority-wide)",
                                            "verdict (base case)"])
        blocks.append(("On track?", f"Each observed value against the forecast at the same "
                       f"month (percentile among simulated futures). With {len(frame)} observed "
                       f"values about 1 in {1 / (1 - t['band'].iloc[0]):.0f} falls outside its "
                       "band by chance alone.", frame))
        tables["local_on_track"] = t
    w = a.women
    if w is not None and not w[w["view"] == "base"].empty:
        b = w[w["view"] == "base"]
        frame = pd.DataFrame({
            "parameter": b["label"],
            "before: median [90%]": [f"{r.median_prior:.3g} [{r.lo_90_prior:.3g}-"
                                     f"{r.hi_90_prior:.3g}]" for r in b.itertuples()],
            "after: median [90%]": [f"{r.median_updated:.3g} [{r.lo_90_updated:.3g}-"
                                    f"{r.hi_90_updated:.3g}]" for r in b.itertuples()]})
        blocks.append(("Update: the women's parameters", "The practice's own series update the "
                       "base case's parameters (each parameter set weighted by how well its "
                       f"simulated futures reproduce them): {women_update.ess_words(b.iloc[0])}"
                       + (": few, so read the intervals as rough (more --draws and --reps "
                          "give more)." if b["effective_sets"].iloc[0] < women_update.MIN_SETS_ESS
                          else "."), frame))
        tables["local_women_update"] = w
    if a.update is None:
        why = a.update_note.removeprefix("no update yet: ").removeprefix("no update: ")
        blocks.append(("Update: the system effect", f"The authority-wide system effect is not "
                       f"updated: {why}.", None))
    else:
        u = a.update
        rows = pd.DataFrame(u.table())
        frame = pd.DataFrame({
            "": rows["posterior"], "P(no effect)": rows["p_no_effect"].map("{:.2f}".format),
            "median [90%], entries a year at full size": [
                f"{r.median:.1f} [{r.lo_90:.1f} to {r.hi_90:.1f}]" for r in rows.itertuples()],
            "effective sample size": rows["effective_sample_size"].map("{:.0f}".format)})
        lo, med, hi = u.baseline_at_launch
        notes = " ".join(u.notes)
        blocks.append(("Update: the system effect", f"From the authority's own infants under "
                       f"one starting care against its pre-launch baseline ({a.update_note}). "
                       f"Baseline at launch {med:.1f} a year (90% {lo:.1f}-{hi:.1f}), trend "
                       f"{u.trend[1]:+.1%} a year. {notes}".strip(), frame))
        tables["local_system_effect"] = rows
    f = a.forecast
    if f is not None and not f.empty:
        def show(r, v):
            return f"£{v / 1e6:.2f}m" if r["figure"].startswith("net") else f"{v:.1f}"
        frame = pd.DataFrame({
            "view": f["view"].map({"base": "base case", "authority": "authority-wide"}),
            "figure": f["label"],
            "forecast": [f"{show(r, r['median_forecast'])} [{show(r, r['lo_forecast'])} to "
                         f"{show(r, r['hi_forecast'])}]" for _, r in f.iterrows()],
            "from here": [f"{show(r, r['median_from_here'])} [{show(r, r['lo_from_here'])} to "
                          f"{show(r, r['hi_from_here'])}]" for _, r in f.iterrows()],
            "band left": f["band_width_ratio"].map("{:.0%}".format),
            "on local evidence": f["local_share"].map(_share)})
        blocks.append(("Forecast from here", "The horizon's figures with the simulated futures "
                       "weighted by how well they reproduce the observed series (and, "
                       "authority-wide, by the update); band left is the band's width from "
                       "here as a share of the forecast's. " + _headline_share(f) + "How much of "
                       "a figure rests on local evidence is the local data's weight in it: one "
                       "minus its variance from here over its forecast variance (0%: the national "
                       "evidence alone; docs/monitoring.md); read it to the nearest ten per "
                       "cent. " + _ess_sentence(f), frame))
        tables["local_forecast_from_here"] = f
    p = a.plan
    if p is not None and not p.empty:
        frame = pd.DataFrame({
            "years of counts since launch": p["years_after_launch"].astype(int),
            "power": p["power"].map("{:.0%}".format),
            "false alarm": p["false_alarm"].map("{:.0%}".format),
            "median 90% width": p["median_width_90"].map("{:.1f}".format)})
        if a.evsi is not None and not a.evsi.empty:
            e = a.evsi.set_index("years_after_launch")
            frame["EVSI (SE), budget view"] = [
                f"£{e.loc[k, 'evsi_gbp'] / 1e3:,.1f}k (£{e.loc[k, 'evsi_se_gbp'] / 1e3:,.1f}k)"
                if k in e.index else "" for k in p["years_after_launch"]]
            tables["local_evsi"] = a.evsi
        evpi = (f" Knowing the effect exactly (EVPI) would be worth "
                f"£{a.evsi['evpi_system_effect_gbp'].iloc[0] / 1e3:,.0f}k per decision."
                if a.evsi is not None and not a.evsi.empty else "")
        blocks.append(("Plan", f"How many years of this authority's own counts would tell no "
                       f"system effect from the national-size one "
                       f"({p['national_effect_per_year'].iloc[0]:.1f} entries a year at full "
                       f"size), in {int(p['sims'].iloc[0])} simulated authorities per figure, "
                       "and what those years are worth to the commissioning decision (expected "
                       f"value of sample information, {evpi_unit(a)}).{evpi} "
                       f"{monitor.plan_caveat(p)}".strip(), frame))
        tables["local_plan"] = p
    return LocalEvidence(data.origin, blocks, figure, tables)


def _share(v: float) -> str:
    return "n/a" if pd.isna(v) else f"{v:.0%}"


def _headline_share(f: pd.DataFrame) -> str:
    """The sentence on how much of the headline rests on local evidence, per view."""
    share = conditioned.headline_shares(f)
    if not share:
        return ""
    said = [f"{_share(x)} in the {'base case' if v == 'base' else 'authority-wide scenario'}"
            for v, x in share.items()]
    return ("The headline, infants kept out of care to the horizon, now rests on local rather "
            f"than national evidence for about {' and '.join(said)}. ")


def _ess_sentence(f: pd.DataFrame) -> str:
    """The weights' effective sample size per view, and a warning below MIN_ESS."""
    ess = f.groupby("view", sort=False)[["effective_sample_size", "replications"]].first()
    said = "; ".join(f"{'base case' if v == 'base' else 'authority-wide'} {r.iloc[0]:.0f} of "
                     f"{int(r.iloc[1])}" for v, r in ess.iterrows())
    rough = ((f" Fewer than {conditioned.MIN_ESS} futures carry the weight: run more "
              "replications before relying on the figures from here.")
             if (ess["effective_sample_size"] < conditioned.MIN_ESS).any() else "")
    return f"Effective simulated futures behind the figures from here: {said}.{rough}"


def evpi_unit(a) -> str:
    return a.evsi["unit"].iloc[0] if a.evsi is not None and not a.evsi.empty else "GBP"


def html(local: LocalEvidence | None) -> str:
    """The section's HTML (empty without monitoring data)."""
    if local is None:
        return ""
    out = [f'<section id="local-evidence" class="page">\n  <h2>{TITLE}</h2>',
           f'  <p class="small">From {escape(local.origin)} (<code>pausesim report '
           '--monitoring</code>; docs/monitoring.md).</p>']
    for i, (heading, text, frame) in enumerate(local.blocks):
        out.append(f"  <h3>{escape(heading)}</h3>\n  <p>{escape(text)}</p>")
        if frame is not None:
            head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
            body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
                           for row in frame.itertuples(index=False))
            out.append(f"  <table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if i == 0 and local.figure is not None:
            out.append(f'  <figure><img src="{local.figure.data_uri}" alt="fan chart"><figcaption>'
                       f"{escape(local.figure.caption)}</figcaption></figure>")
    out.append("</section>")
    return "\n".join(out)


def word(doc, local: LocalEvidence | None) -> None:
    """The section appended to a Word document (nothing without monitoring data)."""
    if local is None:
        return
    from simulation.report import word_blocks as blocks

    blocks.add_heading(doc, TITLE, level=2)
    blocks.add_paragraph(doc, f"From {local.origin} (pausesim report --monitoring; "
                              "docs/monitoring.md).")
    for i, (heading, text, frame) in enumerate(local.blocks):
        blocks.add_heading(doc, heading, level=3)
        blocks.add_paragraph(doc, text)
        if frame is not None:
            header = [str(c) for c in frame.columns]
            rows = [[str(v) for v in row] for row in frame.itertuples(index=False)]
            # an interval ("7.0 [1.0 to 15.0]") may wrap at its spaces: held to its full
            # width like a number, it squeezed the table's short percentages letter by letter
            numeric = [n and not any(" to " in r[c] for r in rows)
                       for c, n in enumerate(blocks.numeric_columns(header, rows))]
            blocks.add_table(doc, header, rows, numeric=numeric)
        if i == 0 and local.figure is not None:
            blocks.add_figure(doc, local.figure.png, local.figure.caption)


def excel(wb, local: LocalEvidence | None) -> None:
    """One print-ready sheet, "Local evidence": each block's heading and paragraph as notes, then
    its table (numbers stored as numbers where the cell reads as one)."""
    if local is None:
        return
    from simulation.report import excel_blocks as xb

    notes, header, rows = [f"From {local.origin}."], None, []
    for heading, text, frame in local.blocks:
        notes.append(f"{heading}: {text}")
        if frame is None:
            continue
        columns = [str(c) for c in frame.columns]
        if header is None:  # the first table's header is the sheet's (repeated on print)
            header = columns
            rows.append([heading])
        else:
            rows.extend([[], [heading], columns])
        rows.extend([_number(v) for v in row] for row in frame.itertuples(index=False))
    # the tables stack in the same columns: sized by their longest cells, the columns added up
    # to ~300 characters and the printed page shrank to an unreadable scale; capped, text wraps
    n = max([len(header or [""])] + [len(r) for r in rows])
    widths = [FIRST_COLUMN_WIDTH] + [COLUMN_WIDTH] * (n - 1)
    xb.add_sheet(wb, "Local evidence", TITLE, notes, header or [""], rows, widths=widths,
                 orientation="landscape")


def _number(value):
    """A table cell as a number when it reads as one ("12", "0.4"), else its text."""
    if isinstance(value, (int, float)):
        return value
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return str(value)
