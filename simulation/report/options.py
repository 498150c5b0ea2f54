"""The options appraisal of ``pausesim compare``: HTML, Word and Excel a finance officer can use.

One table per view (the base case first, then the authority-wide scenario: see
:mod:`simulation.results.views`) in Green Book form: each option's present value of programme
costs and of care costs avoided, infants kept out of care, net present value (NPV), benefit-cost
ratio (BCR) and probability of a net saving, to the last period the options share; and the paired
differences from the reference option (the first), with the confidence interval of the mean
difference (Monte Carlo error, common random numbers) and the central band of the paired
differences. :func:`appraisal` holds the numbers, :func:`cells` the printed text: the printed
table, the HTML and the Word tables are the same strings, the Excel sheet the same numbers.
"""

from __future__ import annotations

import base64
import re
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.core import output
from simulation.report import html as html_mod
from simulation.results import format as fmt
from simulation.results import views as views_mod
from simulation.sensitivity import option_comparison
from simulation.sensitivity.option_comparison_text import _banded, _difference

INFANTS, NPV = option_comparison.HEADLINE
COST = option_comparison.cumulative_name("programme_cost", True)
BENEFIT = option_comparison.cumulative_name("cost_avoided", True)
REFERENCE = "reference"

#: Headers of the options table and of the paired differences (the printed and documents' ones).
OPTION_HEADERS = ("Option", "Programme cost (PV)", "Care costs avoided (PV)",
                  "Infants kept out of care", "Net present value (NPV)", "Benefit-cost ratio",
                  "P(net saving)")
DIFFERENCE_HEADERS = ("Option", "Infants kept out of care: difference", "NPV: difference",
                      "Programme cost (PV): difference", "Futures with a higher NPV")


def appraisal(results: dict[str, option_comparison.ComparisonResult]) -> pd.DataFrame:
    """One row per view and option, at the last period the options share: present values
    (discounted, at the options' price base), infants, NPV with its band, BCR (PV care costs
    avoided / PV programme cost, the ratio of the means; NaN without a programme cost), P(net
    saving), and the paired differences from the reference option."""
    rows = []
    for view, result in results.items():
        period = result.periods[-1]
        table = result.table()
        at = table[table.period == period].set_index(["option", "metric"])
        for k, label in enumerate(result.labels):
            inf, npv = at.loc[(label, INFANTS)], at.loc[(label, NPV)]
            cost, benefit = at.loc[(label, COST), "mean"], at.loc[(label, BENEFIT), "mean"]
            rows.append({
                "view": view, "view_label": views_mod.LABELS[view], "option": label,
                "reference": result.labels[0], "is_reference": k == 0, "period": period,
                "price_base": result.unit(NPV),
                "programme_cost_pv": cost, "care_costs_avoided_pv": benefit,
                "infants_median": inf["median"], "infants_mean": inf["mean"],
                "infants_lo": inf["lo"], "infants_hi": inf["hi"],
                "npv_median": npv["median"], "npv_mean": npv["mean"], "npv_lo": npv["lo"],
                "npv_hi": npv["hi"],
                "benefit_cost_ratio": benefit / cost if cost > 0 else np.nan,
                "probability_net_saving": at.loc[(label, option_comparison.PROBABILITY), "mean"],
                **{f"infants_{k_}": inf[k_] for k_ in _DIFFERENCES},
                **{f"npv_{k_}": npv[k_] for k_ in _DIFFERENCES},
                "programme_cost_difference_mean": at.loc[(label, COST), "difference_mean"],
                "share_of_futures_npv_higher": npv["share_of_futures_higher"],
                "band": result.band, "conf": result.conf, "reps": result.reps,
                "seed": result.seed})
    return pd.DataFrame(rows)


_DIFFERENCES = ("difference_mean", "difference_ci_lo", "difference_ci_hi", "difference_lo",
                "difference_hi")


def _row(r: pd.Series, prefix: str) -> dict:
    """The appraisal's columns for one quantity under the names the printed comparison uses."""
    return {"median": r[f"{prefix}_median"], "mean": r[f"{prefix}_mean"],
            "lo": r[f"{prefix}_lo"], "hi": r[f"{prefix}_hi"],
            **{k: r[f"{prefix}_{k}"] for k in _DIFFERENCES}}


def cells(frame: pd.DataFrame) -> dict[str, dict[str, pd.DataFrame]]:
    """The printed text of :func:`appraisal`: ``{view: {"options": ..., "differences": ...}}``
    (the same cell texts as ``pausesim compare`` prints for infants, NPV and P(net saving))."""
    out = {}
    for view, rows in frame.groupby("view", sort=False):
        options, differences = [], []
        for _, r in rows.iterrows():
            infants, npv = _row(r, "infants"), _row(r, "npv")
            options.append(dict(zip(OPTION_HEADERS, (
                r["option"], fmt.money(r["programme_cost_pv"]),
                fmt.money(r["care_costs_avoided_pv"]), _banded(infants, False),
                _banded(npv, True), fmt.ratio(r["benefit_cost_ratio"]),
                fmt.percent(r["probability_net_saving"])))))
            ref = bool(r["is_reference"])
            cost = r["programme_cost_difference_mean"]
            differences.append(dict(zip(DIFFERENCE_HEADERS, (
                r["option"], REFERENCE if ref else _difference(infants, False),
                REFERENCE if ref else _difference(npv, True),
                REFERENCE if ref else ("+" if cost > 0 else "") + fmt.money(cost),
                REFERENCE if ref else fmt.percent(r["share_of_futures_npv_higher"])))))
        out[view] = {"options": pd.DataFrame(options),
                     "differences": pd.DataFrame(differences)}
    return out


def heading(frame: pd.DataFrame, view: str) -> str:
    """What a view's tables show, in one line."""
    r = frame[frame.view == view].iloc[0]
    return (f"{views_mod.LABELS[view]}: to {r['period'].replace('_', ' ')}, money "
            f"{r['price_base']} (present values); mean [central {r['band']:.0%} of "
            f"{r['reps']} futures]; differences from {r['reference']!r}: mean (CI: "
            f"{r['conf']:.0%} interval of the mean, Monte Carlo error) [futures: central "
            f"{r['band']:.0%} of the paired differences]")


def text(frame: pd.DataFrame) -> str:
    """The appraisal as ``pausesim compare`` prints it (both views, the base case first)."""
    out = []
    with pd.option_context("display.width", 250, "display.max_colwidth", 70):
        for view, tables in cells(frame).items():
            out += [f"Options appraisal. {heading(frame, view)}",
                    tables["options"].to_string(index=False), "",
                    "Paired differences from the reference option",
                    tables["differences"].to_string(index=False), ""]
    return "\n".join(out).rstrip()


# ------------------------------------------------------------------------------- documents
READING = (
    "Green Book form: present values are discounted at each option's discount rate; the NPV is "
    "the present value of care costs avoided less the programme cost (council costs only); the "
    "benefit-cost ratio is the present value of care costs avoided over the programme cost (n/a "
    "without a programme cost); P(net saving) is the share of simulated futures with a positive "
    "NPV. Every option meets the same simulated women and the same parameter draws (common "
    "random numbers), so a paired difference is due to the options alone: its CI is the "
    "interval of the mean difference (Monte Carlo error), the bracket the central range of the "
    "differences between futures.")


def _title(frame: pd.DataFrame) -> str:
    first = frame.iloc[0]
    n = frame.option.nunique()
    return f"Options appraisal: {n} options, reference {first['reference']!r}"


def _provenance(record: dict) -> str:
    return (f"pausesim {record.get('pausesim_version', '')}, seed {record.get('seed')}, "
            f"{record.get('reps')} paired replications per option, engine "
            f"{record.get('engine')}, created {record.get('created_utc', '')}")


def html(frame: pd.DataFrame, options: pd.DataFrame, figures: dict[str, dict[str, bytes]],
         record: dict) -> str:
    """``options.html``: self-contained, the report's stylesheet; ``figures``: ``{view: {name:
    PNG bytes}}``."""
    style = re.search(r"<style>.*?</style>", html_mod.template().template, re.S).group(0)
    parts = [f"<h1>{escape(_title(frame))}</h1>",
             f"<p class='small'>{escape(READING)}</p>"]
    for view, tables in cells(frame).items():
        parts += [f"<section class='page'><h2>{escape(views_mod.LABELS[view])}</h2>",
                  f"<p class='small'>{escape(heading(frame, view))}</p>",
                  "<h3>The options</h3>", _html_table(tables["options"]),
                  "<h3>Paired differences from the reference option</h3>",
                  _html_table(tables["differences"])]
        for name, data in figures.get(view, {}).items():
            uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
            parts.append(f"<figure><img src='{uri}' alt='{escape(name)}'></figure>")
        parts.append("</section>")
    parts += ["<section class='page'><h2>What each option is</h2>",
              _html_table(options[["option", "scenario", "digest", "differs_from_reference"]]
                          .rename(columns=str.capitalize).rename(columns={
                              "Differs_from_reference": "Values that differ from the "
                                                        "reference"})),
              f"<p class='small'>{escape(_provenance(record))}</p></section>"]
    return ("<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
            "img-src data:; style-src 'unsafe-inline'\">\n"
            f"<title>{escape(_title(frame))}</title>\n{style}\n</head>\n<body>\n"
            + "\n".join(parts) + "\n</body>\n</html>\n")


def _html_table(table: pd.DataFrame) -> str:
    columns = [(header, html_mod.text(header), i > 0) for i, header in enumerate(table.columns)]
    return html_mod.table(table, columns)


def docx(frame: pd.DataFrame, options: pd.DataFrame, figures: dict[str, dict[str, bytes]],
         record: dict, path: Path) -> None:
    """``options.docx``: per view the options and the paired differences, then the figures."""
    import io

    from docx.enum.text import WD_BREAK
    from docx.shared import Mm

    from simulation.report import word
    from simulation.report import word_blocks as blocks

    doc = blocks.new_document()
    blocks.set_provenance(doc, _title(frame), record, subject="Options appraisal")
    doc.add_heading(_title(frame), level=1)
    blocks.add_provenance(doc, record)
    doc.add_paragraph(READING)
    for i, (view, tables) in enumerate(cells(frame).items()):
        if i:
            doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading(views_mod.LABELS[view], level=2)
        doc.add_paragraph(heading(frame, view))
        doc.add_heading("The options", level=3)
        _docx_table(word, doc, tables["options"])
        doc.add_heading("Paired differences from the reference option", level=3)
        _docx_table(word, doc, tables["differences"])
        for data in figures.get(view, {}).values():
            doc.add_picture(io.BytesIO(data), width=Mm(170))
    doc.add_heading("What each option is", level=2)
    word._table(doc, ["Option", "Scenario", "Digest", "Values that differ from the reference"],
                [[r.option, r.scenario, r.digest, r.differs_from_reference or "-"]
                 for r in options.itertuples()], size=7.0)
    doc.add_paragraph(_provenance(record))
    doc.save(str(path))


def _docx_table(word, doc, table: pd.DataFrame) -> None:
    word._table(doc, list(table.columns), table.astype(str).values.tolist(), size=7.5)


#: The people's sheets: (header, appraisal column, number format); views by their short name.
MONEY_FORMAT = '"£"#,##0;-"£"#,##0'
SIGNED_MONEY = '+"£"#,##0;-"£"#,##0;"£"0'
SIGNED = "+0.0;-0.0;0.0"
_WHO = (("View", "view_short", None), ("Option", "option", None))
APPRAISAL_SHEET = (
    *_WHO,
    ("Programme cost (PV)", "programme_cost_pv", MONEY_FORMAT),
    ("Care costs avoided (PV)", "care_costs_avoided_pv", MONEY_FORMAT),
    ("Infants kept out of care (median)", "infants_median", "0.0"),
    ("Infants kept out of care (mean)", "infants_mean", "0.0"),
    ("Infants: low", "infants_lo", "0.0"), ("Infants: high", "infants_hi", "0.0"),
    ("NPV (median)", "npv_median", MONEY_FORMAT), ("NPV (mean)", "npv_mean", MONEY_FORMAT),
    ("NPV: low", "npv_lo", MONEY_FORMAT),
    ("NPV: high", "npv_hi", MONEY_FORMAT),
    ("Benefit-cost ratio", "benefit_cost_ratio", "0.00"),
    ("P(net saving)", "probability_net_saving", "0%"),
)
DIFFERENCES_SHEET = (
    *_WHO,
    ("Infants: difference (mean)", "infants_difference_mean", SIGNED),
    ("Infants: CI low", "infants_difference_ci_lo", SIGNED),
    ("Infants: CI high", "infants_difference_ci_hi", SIGNED),
    ("Infants: futures low", "infants_difference_lo", SIGNED),
    ("Infants: futures high", "infants_difference_hi", SIGNED),
    ("NPV: difference (mean)", "npv_difference_mean", SIGNED_MONEY),
    ("NPV: CI low", "npv_difference_ci_lo", SIGNED_MONEY),
    ("NPV: CI high", "npv_difference_ci_hi", SIGNED_MONEY),
    ("NPV: futures low", "npv_difference_lo", SIGNED_MONEY),
    ("NPV: futures high", "npv_difference_hi", SIGNED_MONEY),
    ("Programme cost (PV): difference", "programme_cost_difference_mean", SIGNED_MONEY),
    ("Futures with a higher NPV", "share_of_futures_npv_higher", "0%"),
)


def _people_sheet(wb, title: str, frame: pd.DataFrame, spec) -> None:
    """A sheet for people: headers in words (wrapped), numbers with formats, the reference
    option's differences written 'reference'."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from simulation.report import excel

    ws = wb.create_sheet(title)
    ws.append([h for h, _, _ in spec])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 45
    tidy = fmt.tidy_frame(frame.assign(view_short=frame.view.map(
        lambda v: views_mod.SHORT[v].capitalize())))
    for r, (_, row) in enumerate(tidy.iterrows(), start=2):
        for c, (_, column, number_format) in enumerate(spec, start=1):
            value = excel.cell_value(row[column])
            if row["is_reference"] and c > len(_WHO) and spec is DIFFERENCES_SHEET:
                value = REFERENCE if c == len(_WHO) + 1 else None
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif number_format:
                cell.number_format = number_format
    for c in range(1, len(spec) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 12 if c > 2 else 24
    ws.freeze_panes = "C2"
    _print_setup(ws)


def xlsx(frame: pd.DataFrame, options: pd.DataFrame, record: dict, path: Path) -> None:
    """``options.xlsx``: sheets ``appraisal`` and ``differences`` (people's headers, numbers
    with formats, both views, A4 landscape fitted to the width), ``options`` (what each option
    is), ``data`` (every column under its code) and ``notes``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from simulation.report import excel

    wb = Workbook()
    wb.remove(wb.active)
    _people_sheet(wb, "appraisal", frame, APPRAISAL_SHEET)
    _people_sheet(wb, "differences", frame, DIFFERENCES_SHEET)
    excel._sheet(wb, "options", options)
    excel._sheet(wb, "data", frame)
    for name in ("options", "data"):
        _print_setup(wb[name])
    notes = wb.create_sheet("notes")
    for key, value in (("Appraisal", _title(frame)), ("Reading", READING),
                       *[("View", heading(frame, v)) for v in dict.fromkeys(frame.view)],
                       ("Provenance", _provenance(record)),
                       ("Files", "options_appraisal.csv beside this workbook holds the same "
                                 "numbers")):
        notes.append([key, value])
        notes.cell(notes.max_row, 2).data_type = "s"
        notes.cell(notes.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 110
    _print_setup(notes)
    wb.save(str(path))


def _print_setup(ws) -> None:
    """A4 landscape, one page wide, the header row on every page (the report's print set-up)."""
    from simulation.report import excel_blocks as xb

    widths = [d.width or 8 for d in ws.column_dimensions.values()]
    xb.print_ready(ws, 1, widths, orientation="landscape")


def write(results: dict[str, option_comparison.ComparisonResult], folder: Path,
          figures: dict[str, dict[str, bytes]], record: dict) -> pd.DataFrame:
    """``options_appraisal.csv``, ``options.html``, ``options.docx`` and ``options.xlsx`` into
    an existing ``folder`` (:data:`FILES`); return the appraisal (:func:`appraisal`)."""
    from simulation.report import export

    frame = appraisal(results)
    options = next(iter(results.values())).options_table()
    export.write_csv(frame, folder, "options_appraisal")
    (Path(folder) / "options.html").write_text(html(frame, options, figures, record),
                                               encoding="utf-8")
    docx(frame, options, figures, record, Path(folder) / "options.docx")
    xlsx(frame, options, record, Path(folder) / "options.xlsx")
    return frame


FILES = ("options_appraisal.csv", "options.html", "options.docx", "options.xlsx")


def appraise(opts: list, reps: int, seed: int, uncertainty: str, draws: int, band: float,
             **run):
    """The options appraisal of ``report --variant``: ``write(folder)`` simulates the options
    in both views (``run``: engine, workers, executor, progress, ...) and writes
    ``folder/options/``: the appraisal documents and the comparison figures (the
    authority-wide ones prefixed). It is called inside the report's folder, after the report's
    own checks and simulation, so a folder that cannot be written is refused before anything
    is simulated."""

    def write_folder(folder: Path) -> None:
        from simulation.report import figures
        from simulation.sensitivity import analyses

        both = analyses.compare_views(
            opts, reps, seed, uncertainty=uncertainty, draws=draws, engine=run["engine"],
            workers=run["workers"], executor=run["executor"], progress=run["progress"],
            band=band)
        record = output.provenance(analysis="compare", seed=seed, reps=both["base"].reps,
                                   engine=run["engine"], band=band,
                                   options=[label for label, _ in opts])
        where = folder / "options"
        where.mkdir()
        pngs = {view: {f"{name}.png": figures.png(fig)
                       for name, fig in result.figures().items()}
                for view, result in both.items()}
        for view, named in pngs.items():
            for name, data in named.items():
                (where / (name if view == "base" else f"authority_{name}")).write_bytes(data)
        write(both, where, pngs, record)

    return write_folder
