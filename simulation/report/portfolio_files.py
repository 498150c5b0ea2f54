"""The portfolio's files: figures (PNG), ``portfolio.html`` (printable, the report's stylesheet),
``portfolio.docx`` and ``portfolio.xlsx``, all from the tables of
:class:`~simulation.report.portfolio.PortfolioReport` (the same numbers as its CSV files)."""

from __future__ import annotations

import re
from html import escape
from importlib import resources
from pathlib import Path
from string import Template

import numpy as np
import pandas as pd

from simulation.report import excel, word
from simulation.report import html as html_mod
from simulation.report.figures import Figure, png
from simulation.report.sentences import typographic
from simulation.results import format as fmt
from simulation.results.figures import plain

#: (metric, short header) of the per-area table, from ``areas_headline``.
AREA_COLUMNS = (
    ("infants_avoided_cumulative", "Infants kept out of care"),
    ("net_cost_avoidance_cumulative_discounted", "Net present value"),
    ("probability_net_saving_discounted", "Probability of a net saving"),
)
XLSX_SHEETS = ("national_two_views", "national_headline", "national_by_year",
               "national_sources", "areas_headline", "areas", "money_inputs")


# ---------------------------------------------------------------------------- figures
def figures(report) -> list[Figure]:
    """Per-area medians with bands beside the national total; the national total by year."""
    t = report.tables
    price = report.portfolio.price_label
    band = fmt.percent(report.portfolio.band)
    return [
        Figure("areas", f"Each area's median (dot) and central {band} range (line), and the "
               "national total (below): infants kept out of care and net present value "
               f"(discounted, {price}) to the end of the last whole year.",
               png(areas_figure(t["areas_headline"], price))),
        Figure("national_by_year", f"The national total, cumulative to the end of each year: "
               f"median and central {band} range of the simulated futures ({price}).",
               png(by_year_figure(t["national_by_year"], price, band))),
    ]


def areas_figure(frame: pd.DataFrame, price: str):
    """Two panels (infants; net present value in £m): a row per area, the total below."""
    import matplotlib.pyplot as plt

    from simulation.report.portfolio import NATIONAL

    labels = list(dict.fromkeys(frame.area[frame.area != NATIONAL]))
    n = len(labels)
    fig, axes = plt.subplots(2, 2, figsize=(9, 1.6 + 0.28 * n), squeeze=False,
                             gridspec_kw={"height_ratios": [max(n, 1), 1.3]})
    panels = (("infants_avoided_cumulative", 1.0, "infants kept out of care"),
              ("net_cost_avoidance_cumulative_discounted", 1e6,
               f"net present value, £ million ({price})"))
    for col, (metric, scale, xlabel) in enumerate(panels):
        rows = frame[frame.metric == metric].set_index("area")
        for ax, names, colour in ((axes[0, col], labels, "tab:blue"),
                                  (axes[1, col], [NATIONAL], "tab:purple")):
            y = np.arange(len(names))[::-1]
            med = rows.loc[names, "median"].to_numpy() / scale
            lo = rows.loc[names, "lo"].to_numpy() / scale
            hi = rows.loc[names, "hi"].to_numpy() / scale
            ax.hlines(y, lo, hi, color=colour, lw=2)
            ax.plot(med, y, "o", color=colour)
            ax.axvline(0, color="grey", lw=0.8)
            ax.set_yticks(y, [plain(s) for s in names], fontsize=8)
            ax.set_ylim(-0.7, len(names) - 0.3)
        axes[1, col].set_xlabel(xlabel)
        axes[0, col].set_title(plain(xlabel.split(",")[0]), fontsize=10)
    fig.tight_layout()
    return fig


def by_year_figure(frame: pd.DataFrame, price: str, band: str = "90%"):
    """Cumulative infants kept out of care and net present value by year (national)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for ax, (metric, scale, ylabel) in zip(axes, (
            ("infants_avoided_cumulative", 1.0, "infants kept out of care (cumulative)"),
            ("net_cost_avoidance_cumulative_discounted", 1e6,
             f"net present value, £ million\n({price}, cumulative)"))):
        rows = frame[frame.metric == metric].sort_values("year")
        x = np.concatenate([[0], rows.year.to_numpy()])
        zero = np.zeros(1)
        ax.fill_between(x, np.concatenate([zero, rows.lo / scale]),
                        np.concatenate([zero, rows.hi / scale]), color="tab:purple", alpha=0.2,
                        lw=0, label=f"central {band} of futures")
        ax.plot(x, np.concatenate([zero, rows["median"] / scale]), color="tab:purple",
                marker="o", label="median")
        ax.axhline(0, color="grey", lw=0.8)
        ax.set(xlabel="year", ylabel=ylabel, xticks=x)
        ax.legend(loc="upper left", fontsize=8)
    fig.suptitle("National total", fontsize=11)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------- HTML
def _style() -> str:
    """The business-case report's stylesheet (screen and A4 print), from its template."""
    text = html_mod.template().template
    return re.search(r"<style>.*?</style>", text, re.S).group(0)


def _template() -> Template:
    return Template(resources.files(__package__).joinpath("portfolio_template.html")
                    .read_text("utf-8"))


def _period_words(report) -> str:
    from simulation.report.tables import last_year

    years = int(last_year(report.portfolio.national)[5:])
    return f"over {years} year{'s' if years > 1 else ''}"


def _areas_html(frame: pd.DataFrame) -> str:
    rows = frame.set_index(["area", "metric"])
    areas = frame.drop_duplicates("area")[["area", "scenario"]]
    columns = [("Area", html_mod.text("area"), False), ("Scenario", html_mod.text("scenario"),
                                                          False)]
    for metric, header in AREA_COLUMNS:
        columns.append((header, (lambda m: lambda r: html_mod.banded(
            rows.loc[(r["area"], m)]))(metric), True))
    columns.append(("Share of the national infants", lambda r: escape(fmt.percent(rows.loc[
        (r["area"], "infants_avoided_cumulative"), "share_of_national"])), True))
    from simulation.report.portfolio import NATIONAL

    return html_mod.table(areas, columns,
                          row_class=lambda r: "total" if r["area"] == NATIONAL else "")


def _by_year_html(frame: pd.DataFrame) -> str:
    rows = frame.set_index(["year", "metric"])
    metrics = list(dict.fromkeys(frame.metric))
    labels = frame.drop_duplicates("metric").set_index("metric").label
    grid = pd.DataFrame({"metric": metrics})
    def cell(year):
        return lambda r: html_mod.banded(rows.loc[(year, r["metric"])])

    years = sorted(frame.year.unique())
    return html_mod.table(grid, [("Figure", lambda r: escape(labels[r["metric"]]), False)] +
                          [(f"Year {y}", cell(y), True) for y in years])


def _inputs_html(frame: pd.DataFrame) -> str:
    return html_mod.table(frame, [
        ("Area", html_mod.text("area"), False),
        ("Scenario", lambda r: f"{escape(str(r['title']))}<br><code>{escape(str(r['scenario']))}"
                               f"</code>", False),
        ("Digest", lambda r: f"<code>{escape(r['digest'])}</code>", False),
        ("Capacity (women)", lambda r: f"{r['capacity_women']:.0f}", True),
        ("Written at", html_mod.text("own_price_base"), False),
        ("Horizon (months)", lambda r: f"{r['horizon_months']:g}", True),
        ("Overrides in the areas file", html_mod.text("overrides"), False),
    ], css="assumptions")


def html(report) -> str:
    """``portfolio.html``: self-contained, prints on A4 with the national summary first."""
    p = report.portfolio
    rec = report.record
    t = report.tables
    price = p.price_label
    optimism = "optimism_bias_cost_cumulative_discounted" in set(t["national_headline"].metric)
    cite = (f"pausesim {rec['pausesim_version']}, portfolio of {len(p.areas)} practices "
            f"({Path(report.origin).name}), seed {rec['seed']}, {p.reps} replications per area "
            f"({rec['engine']} engine), run {rec['created_utc']}.")
    meta = (f"{len(p.areas)} practices from {Path(report.origin).name}; {p.reps} replications "
            f"per area, seed {rec['seed']}; horizon {p.national.horizon:g} months; money {price}.")
    digests = ", ".join(f"{a['area']} {a['scenario_digest']}" for a in rec["areas"])
    provenance = (f"pausesim {rec['pausesim_version']} | Python {rec.get('python', '')} | "
                  f"engine {rec['engine']} | seed {rec['seed']} | {p.reps} replications per area "
                  f"on {rec['workers']} worker(s) | random numbers of area i: replication "
                  f"numbers + i x {rec['random_number_offset_per_area']:,} | scenario digests: "
                  f"{digests} | created {rec['created_utc']}")
    method = ("Every area is simulated with its own scenario and overrides; the parameter sets "
              "drawn from the calibration are the same in every area and the random numbers "
              "differ between areas, so the national total of each simulated future adds the "
              "areas' futures under one shared view of the evidence. " + " ".join(report.notes))
    return _template().substitute(
        style=_style(), title=escape(report.title),
        description=escape("The total across the practices of a national programme, with the "
                           "uncertainty of the total."),
        meta=escape(meta), band=escape(fmt.percent(p.band)), reps=p.reps, prices=escape(price),
        period_words=escape(_period_words(report)),
        sentences="\n".join(f"    <li>{html_mod.sentence_html(s)}</li>"
                            for s in report.sentences),
        two_views=_two_views_html(t),
        sources=html_mod.sources(t["national_sources"], price),
        notes="\n".join(f"    <p>{html_mod.sentence_html(n)}</p>" for n in report.notes),
        cite=escape(cite),
        headline=html_mod.headline(t["national_headline"], optimism),
        areas=_areas_html(t["areas_headline"]),
        by_year=_by_year_html(t["national_by_year"]),
        figures=html_mod.figures_html(report.figures),
        inputs=_inputs_html(t["areas"]),
        method=html_mod.sentence_html(method),
        csv_files=escape(", ".join(f"{name}.csv" for name in t) + "; every area's replications "
                         "(exact values): " + ", ".join(f"{n}.parquet" for n in report.parquet)),
        provenance=escape(provenance),
    )


def _two_views_html(t) -> str:
    if "national_two_views" not in t:  # a report built in one view only
        return ""
    return html_mod.two_views(t["national_two_views"])


def _two_views_docx(doc, frame: pd.DataFrame) -> None:
    """The national total's headline in both views side by side (as the report's page 1)."""
    views = list(dict.fromkeys(frame.view))
    labels = frame.drop_duplicates("view").set_index("view").view_label
    rows = frame.set_index(["view", "figure"])
    blocks = word.blocks
    body = [[label, *[blocks.banded(rows.loc[(v, figure)]) if (v, figure) in rows.index else ""
                      for v in views]]
            for figure, label in frame[frame.view == views[0]][["figure", "label"]]
            .itertuples(index=False)]
    blocks.add_table(doc, ["Figure (median, central range)", *[labels[v] for v in views]], body)


# ------------------------------------------------------------------------------- Word
def docx(report, path: Path, template: Path | None = None) -> None:
    """``portfolio.docx``: page 1 the national summary, then each area, year by year, figures,
    the areas' inputs (``template``: the council's .docx, whose styles, headers and footers it
    takes)."""
    from docx.enum.text import WD_BREAK

    from simulation.report.portfolio import NATIONAL

    p = report.portfolio
    t = report.tables
    price = p.price_label
    doc = word._document(template)
    blocks = word.blocks
    blocks.set_provenance(doc, report.title, report.record,
                          subject="Portfolio of Pause practices")
    blocks.add_heading(doc, report.title, level=1)
    blocks.add_provenance(doc, report.record)
    blocks.add_paragraph(doc, f"Money: {price}, council costs only. Ranges: the central "
                         f"{fmt.percent(p.band)} of {p.reps} simulated futures of the "
                         "portfolio.")
    blocks.add_heading(doc, "Summary: the national total", level=2)
    for s in report.sentences:
        blocks.add_paragraph(doc, s, bullet=True)
    if "national_two_views" in t:
        blocks.add_heading(doc, "The national total in both views", level=3)
        _two_views_docx(doc, t["national_two_views"])
    blocks.add_heading(doc, "How the national total is made", level=3)
    for n in report.notes:
        blocks.add_paragraph(doc, n)
    head = t["national_headline"]
    blocks.add_heading(doc, f"Key figures ({price})", level=3)
    word._table(doc, ["Figure", "Period", "Median (central range)", "Unit"],
                [[r.label, r.period.replace("_", " "), word._banded(r),
                  blocks.unit_words(r.unit)]
                 for _, r in head.iterrows()])
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    blocks.add_heading(doc, f"Each area ({_period_words(report)})", level=2)
    rows = t["areas_headline"].set_index(["area", "metric"])
    areas = list(dict.fromkeys(t["areas_headline"].area))
    word._table(doc, ["Area", *[h for _, h in AREA_COLUMNS], "Share of the national infants"],
                [[a, *[word._banded(rows.loc[(a, m)]) for m, _ in AREA_COLUMNS],
                  fmt.percent(rows.loc[(a, "infants_avoided_cumulative"), "share_of_national"])]
                 for a in areas])
    blocks.add_paragraph(doc, f"'{NATIONAL}' is the total of each simulated future, not the sum "
                         "of the areas' ranges.")
    blocks.add_heading(doc, "The national total, year by year", level=2)
    by_year = t["national_by_year"]
    grid = by_year.set_index(["year", "metric"])
    years = sorted(by_year.year.unique())
    labels = by_year.drop_duplicates("metric").set_index("metric").label
    word._table(doc, ["Figure", *[f"Year {y}" for y in years]],
                [[labels[m], *[word._banded(grid.loc[(y, m)]) for y in years]]
                 for m in labels.index], size=7.0)
    blocks.add_heading(doc, "Figures", level=2)
    for fig in report.figures:
        blocks.add_figure(doc, fig.png, fig.caption)
    blocks.add_heading(doc, "The areas and their inputs", level=2)
    word._table(doc, ["Area", "Scenario", "Digest", "Written at", "Overrides"],
                [[r.area, f"{r.title} ({r.scenario})", r.digest, r.own_price_base,
                  r.overrides or "-"] for r in t["areas"].itertuples()], size=7.0)
    blocks.add_paragraph(doc, "Every money input with its price year and its value at the price "
                         "base: portfolio.xlsx (sheet 'money_inputs') and money_inputs.csv.")
    doc.save(str(path))


# ------------------------------------------------------------------------------ Excel
def xlsx(report, path: Path) -> None:
    """``portfolio.xlsx``: the national and per-area tables (numbers as numbers, formats by
    unit, as ``report.xlsx``) and a notes sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name in (n for n in XLSX_SHEETS if n in report.tables):
        frame = report.tables[name].drop(columns=["share_infinite"], errors="ignore")
        excel._sheet(wb, name, fmt.tidy_frame(frame))
    notes = wb.create_sheet("notes")
    rec = report.record
    lines = [("Portfolio", report.title), ("Areas file", report.origin),
             ("Money", f"{report.portfolio.price_label}; council costs only"),
             ("Ranges", f"lo to hi: the central {report.portfolio.band:.0%} of "
                        f"{report.portfolio.reps} simulated futures; mean and median across "
                        "them"),
             *[("Summary", s) for s in report.sentences],
             *[("Note", n) for n in report.notes],
             ("Provenance", f"pausesim {rec['pausesim_version']}, seed {rec['seed']}, "
                            f"{rec['reps_per_area']} replications per area, engine "
                            f"{rec['engine']}, created {rec['created_utc']}"),
             ("Files", "every sheet is also a CSV file beside this workbook, with the same "
                       "numbers")]
    for key, text in lines:
        notes.append([key, typographic(text) if text.startswith("-") else text])
        notes.cell(notes.max_row, 2).data_type = "s"
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 120
    from openpyxl.styles import Alignment

    for cell in notes["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    excel.xb.print_ready(notes, None, [14, 120], orientation="portrait")
    wb.save(str(path))
