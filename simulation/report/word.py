"""The report as a Word document (python-docx): page 1 the summary, then tables and figures.

Page 1 holds the same sentences as the HTML summary (the same :class:`Sentence` texts: the base
case's first, then the authority-wide scenario's, then the break-even threshold), the two views
side by side and the structural caveat; the break-even threshold (figure and tables), the
plain-English box on where the effect comes from and the effect by source of each view, money tables
(the base case), the year-by-year table, the council method and the figures follow.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.report.sentences import by_section, typographic
from simulation.results import format as fmt


def _document():
    from docx import Document
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(16))
    section.top_margin, section.bottom_margin = Mm(14), Mm(14)
    style = doc.styles["Normal"]
    style.font.name = "Georgia"
    style.font.size = Pt(9.5)
    style.paragraph_format.space_after = Pt(3)
    return doc


def _table(doc, header: list[str], rows: list[list[str]], size: float = 8.0):
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(size)
    return table


def _money(v) -> str:
    return typographic(fmt.money(v))


def _banded(row: pd.Series) -> str:
    unit = str(row["unit"])
    if unit == "probability":
        return fmt.percent(row["mean"])
    show = _money if unit.startswith("GBP") else (lambda v: typographic(fmt.count(v)))
    if unit == "ratio":
        show = fmt.ratio
    if unit.startswith("months"):
        show = fmt.months
    if pd.isna(row["lo"]):
        return show(row["mean"])
    never = row.get("share_infinite", 0.0)
    if never and never > 0 and not np.isfinite(row["hi"]):  # never broke even in some futures
        median = show(row["median"]) if np.isfinite(row["median"]) else "not reached"
        return f"{median} (not reached in {fmt.percent(never)} of futures)"
    return f"{show(row['median'])} ({show(row['lo'])} to {show(row['hi'])})"


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
    return typographic(fmt.count(v))


def write(report, path: Path) -> None:
    """``report.docx``."""
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm

    from simulation.results import views as views_mod

    t = report.tables
    price = report.results.price_label
    doc = _document()
    doc.add_heading(report.title, level=1)
    doc.add_paragraph(f"Money: {price}, council costs only. Ranges: the central "
                      f"{fmt.percent(report.band)} of {report.results.reps} simulated futures "
                      "of each view. Two views with equal prominence, the base case first.")
    doc.add_heading("Summary", level=2)
    citable = by_section(report.sentences, "citable")
    for heading, view in ((views_mod.LABELS["base"], "base"),
                          (views_mod.LABELS["authority"], "authority"),
                          ("Break-even threshold between them", "both")):
        doc.add_heading(heading, level=3)
        for s in (s for s in citable if s.view == view):
            doc.add_paragraph(s.text, style="List Bullet")
    two = t["two_views"]
    views = list(dict.fromkeys(two.view))
    labels = two.drop_duplicates("view").set_index("view").view_label
    rows = two.set_index(["view", "figure"])
    doc.add_heading("The two views side by side", level=3)
    _table(doc, ["Figure (median, central range)", *[labels[v] for v in views]],
           [[label, *[_banded(rows.loc[(v, figure)]) if (v, figure) in rows.index else ""
                      for v in views]]
            for figure, label in two[two.view == views[0]][["figure", "label"]].itertuples(
                index=False)])
    for s in by_section(report.sentences, "caveat"):
        doc.add_paragraph(s.text)
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    doc.add_heading("The break-even threshold", level=2)
    figs = {f.name: f for f in report.figures}
    if "break_even" in figs:
        doc.add_picture(io.BytesIO(figs["break_even"].png), width=Mm(170))
        doc.add_paragraph(figs["break_even"].caption)
    be = t["break_even"]
    _table(doc, ["Period", "Entries among other mothers to prevent: at the mean NPV (median; "
                 "central range)", "Share of the authority's other infant care entries",
                 f"Care costs avoided per prevented entry ({price})",
                 "Authority-wide scenario prevents (mean)"],
           [[r.period.replace("_", " "), f"{typographic(fmt.count(r.threshold, 1))} "
             f"({_count(r.median)}; {_count(r.lo)} to {_count(r.hi)})",
             fmt.percent(r.share_of_other_entries), _money(r.value_per_entry),
             typographic(fmt.count(r.authority_scenario_prevents_mean, 1))]
            for r in be.itertuples()])
    doc.add_heading("Probability of a net saving by the size of the effect on other mothers",
                    level=3)
    curve = t["net_saving_by_system_effect"]
    shown = curve.iloc[np.unique(np.linspace(0, len(curve) - 1, 9).round().astype(int))]
    _table(doc, ["Other mothers' infant care entries prevented (expected)",
                 "Probability of a net saving (base case plus that effect)"],
           [[_count(r.prevented), fmt.percent(r.probability_net_saving)]
            for r in shown.itertuples()])
    doc.add_heading("Where the effect comes from", level=3)
    for s in by_section(report.sentences, "where"):
        doc.add_paragraph(s.text)
    for view in ("base", "authority"):
        doc.add_heading(f"Where the infants kept out of care come from: "
                        f"{views_mod.LABELS[view]}", level=3)
        _sources(doc, t["sources"][t["sources"].view == view], price)

    doc.add_heading("Money: base case (the practice's own women)", level=2)
    for s in by_section(report.sentences, "money"):
        doc.add_paragraph(s.text, style="List Bullet")
    head = t["headline"]
    if report.scenario["costs.optimism_bias"] == 0:  # shown only when set
        head = head[head.metric != "optimism_bias_cost_cumulative_discounted"]
    _table(doc, ["Figure", "Period", "Median (central range)", "Unit"],
           [[r.label, r.period.replace("_", " "), _banded(r), r.unit]
            for _, r in head.iterrows()])
    doc.add_paragraph("Not counted: costs to the NHS and adult social care; the women's own "
                      "outcomes; wider social outcomes. Later care costs of infants still in care "
                      "at the horizon are reported separately, never in the horizon's figures.")
    doc.add_heading("Money inputs and their price years", level=3)
    _table(doc, ["Input", "As entered", "Price year", "Factor", f"At {price}"],
           [[r.label, typographic(fmt.money(r.value, scale="")), r.price_year, f"{r.factor:.4f}",
             typographic(fmt.money(r.value_at_base, scale=""))]
            for r in t["money_inputs"].itertuples()], size=7.5)
    doc.add_heading("Year by year: base case (the practice's own women)", level=2)
    by_year = t["by_year"]
    shown = ["infants_avoided_in_year", "net_cost_avoidance_cumulative_discounted",
             "probability_net_saving_discounted"]
    grid = by_year.set_index(["year", "metric"])
    _table(doc, ["Year", "Infants kept out of care in the year",
                 f"Net present value, cumulative ({price})", "Probability of a net saving"],
           [[str(y), *[_banded(grid.loc[(y, m)]) for m in shown]]
            for y in sorted(by_year.year.unique())])
    doc.add_heading("The council method", level=2)
    for s in by_section(report.sentences, "council"):
        doc.add_paragraph(s.text)
    cm = t["council_method"]
    _table(doc, ["Year", "Removals avoided", "Care costs avoided", "Programme cost",
                 "Net, discounted", "Net, cumulative, discounted"],
           [[f"{r.year:.0f}", f"{r.removals_avoided:.2f}", _money(r.cost_avoided),
             _money(r.programme_cost), _money(r.net_cost_avoidance_discounted),
             _money(r.net_cost_avoidance_cumulative_discounted)] for r in cm.itertuples()])
    doc.add_heading("Figures", level=2)
    for fig in (f for f in report.figures if f.name != "break_even"):
        doc.add_picture(io.BytesIO(fig.png), width=Mm(170))
        doc.add_paragraph(fig.caption)
    doc.add_heading("How the parameters were chosen", level=2)
    doc.add_paragraph(f"Base case: {report.note}. Authority-wide scenario: "
                      f"{report.record.get('authority_note', '')}.")
    doc.add_paragraph("Every parameter with its value and source: report.xlsx (sheet "
                      "'assumptions') and assumptions.csv.")
    from simulation.report import local_evidence  # the "Local evidence so far" section, if any

    local_evidence.word(doc, getattr(report, "local", None))
    doc.save(str(path))
