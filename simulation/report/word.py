"""The report as a Word document (python-docx): page 1 the summary, then tables and figures.

Page 1 holds the same sentences as the HTML summary (the same :class:`Sentence` texts: the base
case's first, then the authority-wide scenario's, then the break-even threshold), the two views
side by side and the structural caveat; the break-even threshold (figure and tables), the
plain-English box on where the effect comes from and the effect by source of each view, money tables
(the base case), the year-by-year table, the council method and the figures follow.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simulation.report import word_blocks as blocks
from simulation.report.sentences import by_section, typographic
from simulation.results import format as fmt

# the building blocks under their former names (the portfolio's Word file uses them)
_table = blocks.add_table
_banded = blocks.banded
_money = blocks.money


def _document(template: Path | None = None):
    return blocks.new_document(template)


def summary_paragraphs(report) -> list[str]:
    """The summary sentences in the order page 1 shows them (citable: the base case's, the
    authority-wide scenario's, the break-even threshold; caveat)."""
    said = report.sentences
    return [s.text for s in by_section(said, "citable")] + \
        [s.text for s in by_section(said, "caveat")]


def _sources(doc, src: pd.DataFrame, price: str) -> None:
    infants = src[src.quantity == "infants_avoided"].set_index("source")
    cost = src[src.quantity == "cost_avoided"].set_index("source")
    _table(doc, ["Mothers of the infants", "Infants (mean)", "Share",
                 f"Care costs avoided, discounted (mean, {price})", "Share"],
           [[infants.loc[k, "label"], typographic(fmt.count(infants.loc[k, "mean"], 1)),
             fmt.percent(infants.loc[k, "share_shown"]), _money(cost.loc[k, "mean"]),
             fmt.percent(cost.loc[k, "share_shown"])] for k in infants.index])


def _count(v) -> str:
    return blocks.count(v)


def calibrations(report) -> str:
    """Both views' calibrations, as the provenance names them."""
    from simulation.results.views import calibration_words

    return (f"base case {calibration_words(report.results.scenario.calibration)}, "
            f"authority-wide scenario "
            f"{calibration_words(report.authority.scenario.calibration)}")


def write(report, path: Path, template: Path | None = None) -> None:
    """``report.docx`` (``template``: the council's .docx, whose styles, headers and footers it
    takes)."""
    from docx.enum.text import WD_BREAK

    from simulation.results import views as views_mod

    t = report.tables
    price = report.results.price_label
    doc = blocks.new_document(template)
    blocks.set_provenance(doc, report.title, report.record, calibrations(report),
                          subject="Business case: the base case and the authority-wide scenario")
    blocks.add_heading(doc, report.title, level=1)
    blocks.add_provenance(doc, report.record, calibrations(report))
    blocks.add_paragraph(doc, f"Money: {price}, council costs only. Ranges: the central "
                         f"{fmt.percent(report.band)} of {report.results.reps} simulated futures "
                         "of each view. Two views with equal prominence, the base case first.")
    blocks.add_heading(doc, "Summary", level=2)
    citable = by_section(report.sentences, "citable")
    for heading, view in ((views_mod.LABELS["base"], "base"),
                          (views_mod.LABELS["authority"], "authority"),
                          ("Break-even threshold between them", "both")):
        blocks.add_heading(doc, heading, level=3)
        for s in (s for s in citable if s.view == view):
            blocks.add_paragraph(doc, s.text, bullet=True)
    two = t["two_views"]
    views = list(dict.fromkeys(two.view))
    labels = two.drop_duplicates("view").set_index("view").view_label
    rows = two.set_index(["view", "figure"])
    blocks.add_heading(doc, "The two views side by side", level=3)
    _table(doc, ["Figure (median, central range)", *[labels[v] for v in views]],
           [[label, *[_banded(rows.loc[(v, figure)]) if (v, figure) in rows.index else ""
                      for v in views]]
            for figure, label in two[two.view == views[0]][["figure", "label"]].itertuples(
                index=False)])
    for s in by_section(report.sentences, "caveat"):
        blocks.add_paragraph(doc, s.text)
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    blocks.add_heading(doc, "The break-even threshold", level=2)
    figs = {f.name: f for f in report.figures}
    if "break_even" in figs:
        blocks.add_figure(doc, figs["break_even"].png, figs["break_even"].caption)
    be = t["break_even"]
    _table(doc, ["Period", "Entries among other mothers to prevent: at the mean NPV (median; "
                 "central range)", "Share of the authority's other infant care entries",
                 f"Care costs avoided per prevented entry ({price})",
                 "Authority-wide scenario prevents (mean)"],
           [[r.period.replace("_", " "), f"{blocks.count(r.threshold, 1)} "
             f"({_count(r.median)}; {_count(r.lo)} to {_count(r.hi)})",
             fmt.percent(r.share_of_other_entries), _money(r.value_per_entry),
             blocks.count(r.authority_scenario_prevents_mean, 1)]
            for r in be.itertuples()])
    blocks.add_heading(doc, "Probability of a net saving by the size of the effect on other "
                       "mothers", level=3)
    curve = t["net_saving_by_system_effect"]
    shown = curve.iloc[np.unique(np.linspace(0, len(curve) - 1, 9).round().astype(int))]
    _table(doc, ["Other mothers' infant care entries prevented (expected)",
                 "Probability of a net saving (base case plus that effect)"],
           [[_count(r.prevented), fmt.percent(r.probability_net_saving)]
            for r in shown.itertuples()])
    blocks.add_heading(doc, "Where the effect comes from", level=3)
    for s in by_section(report.sentences, "where"):
        blocks.add_paragraph(doc, s.text)
    for view in ("base", "authority"):
        blocks.add_heading(doc, f"Where the infants kept out of care come from: "
                           f"{views_mod.LABELS[view]}", level=3)
        _sources(doc, t["sources"][t["sources"].view == view], price)

    blocks.add_heading(doc, "Money: base case (the practice's own women)", level=2)
    for s in by_section(report.sentences, "money"):
        blocks.add_paragraph(doc, s.text, bullet=True)
    head = t["headline"]
    if report.scenario["costs.optimism_bias"] == 0:  # shown only when set
        head = head[head.metric != "optimism_bias_cost_cumulative_discounted"]
    _table(doc, ["Figure", "Period", "Median (central range)", "Unit"],
           [[r.label, r.period.replace("_", " "), _banded(r), blocks.unit_words(r.unit)]
            for _, r in head.iterrows()])
    blocks.add_paragraph(doc, "Not counted: costs to the NHS and adult social care; the women's "
                         "own outcomes; wider social outcomes. Later care costs of infants "
                         "still in care at the horizon are reported separately, never in the "
                         "horizon's figures.")
    blocks.add_heading(doc, "Money inputs and their price years", level=3)
    _table(doc, ["Input", "As entered", "Price year", "Factor", f"At {price}"],
           [[r.label, typographic(fmt.money(r.value, scale="")), r.price_year, f"{r.factor:.4f}",
             typographic(fmt.money(r.value_at_base, scale=""))]
            for r in t["money_inputs"].itertuples()], size=7.5)
    blocks.add_heading(doc, "Year by year: base case (the practice's own women)", level=2)
    by_year = t["by_year"]
    shown = ["infants_avoided_in_year", "net_cost_avoidance_cumulative_discounted",
             "probability_net_saving_discounted"]
    grid = by_year.set_index(["year", "metric"])
    _table(doc, ["Year", "Infants kept out of care in the year",
                 f"Net present value, cumulative ({price})", "Probability of a net saving"],
           [[str(y), *[_banded(grid.loc[(y, m)]) for m in shown]]
            for y in sorted(by_year.year.unique())])
    blocks.add_heading(doc, "The council method", level=2)
    for s in by_section(report.sentences, "council"):
        blocks.add_paragraph(doc, s.text)
    cm = t["council_method"]
    _table(doc, ["Year", "Removals avoided", "Care costs avoided", "Programme cost",
                 "Net, discounted", "Net, cumulative, discounted"],
           [[f"{r.year:.0f}", f"{r.removals_avoided:.2f}", _money(r.cost_avoided),
             _money(r.programme_cost), _money(r.net_cost_avoidance_discounted),
             _money(r.net_cost_avoidance_cumulative_discounted)] for r in cm.itertuples()])
    blocks.add_heading(doc, "Figures", level=2)
    for fig in (f for f in report.figures if f.name != "break_even"):
        blocks.add_figure(doc, fig.png, fig.caption)
    blocks.add_heading(doc, "How the parameters were chosen", level=2)
    blocks.add_paragraph(doc, f"Base case: {report.note}. Authority-wide scenario: "
                         f"{report.record.get('authority_note', '')}.")
    blocks.add_paragraph(doc, "Every parameter with its value and source: report.xlsx (sheet "
                         "'Assumptions') and assumptions.csv.")
    from simulation.report import local_evidence  # the "Local evidence so far" section, if any

    local_evidence.word(doc, getattr(report, "local", None))
    doc.save(str(path))
