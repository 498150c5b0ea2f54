"""Building blocks of pausesim's Word documents (python-docx), for every writer of one.

A document is A4 in pausesim's own plain style, or the council's template
(:func:`new_document` with ``template``: its styles, page set-up, headers and footers, its body
cleared); :func:`set_provenance` and :func:`add_provenance` say what made it (core properties and
a block on page 1); :func:`add_heading`, :func:`add_paragraph`, :func:`add_table`,
:func:`add_figure` and :func:`page_break` add content; :func:`banded` prints a figure with its
central range. Tables repeat their header row on every page, keep their rows whole (a short table
is kept on one page, a long one never leaves its header alone at the foot of a page),
right-align numbers and size their columns to what they hold.
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from simulation.core.errors import PausesimError
from simulation.report.sentences import typographic
from simulation.results import format as fmt

#: A cell that holds a number as printed: "12", "−£0.32m", "<1%", "£1.5m (…)", "0.85".
NUMBER = re.compile(r"^[<>]?[-\u2212]?£?\d")
#: A table of at most this many body rows is kept on one page (longer ones break between rows).
KEEP_WHOLE_ROWS = 25
#: Points per character of 1 pt type, roughly (Georgia/Calibri digits and lower case).
CHAR_WIDTH = 0.62


# ------------------------------------------------------------------------------ document
def check_template(path: Path | None) -> None:
    """One clear line if ``path`` is not a Word document python-docx can open."""
    if path is None:
        return
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise PausesimError(f"--template {path}: must be a Word document ending in .docx (save "
                            "a .dotx template as .docx first)")
    if not path.is_file():
        raise PausesimError(f"--template {path}: no such file")
    try:
        from docx import Document

        Document(str(path))
    except Exception as error:  # noqa: BLE001 - any failure to read it is the same answer
        raise PausesimError(f"--template {path}: not a Word document python-docx can open "
                            f"({type(error).__name__})") from None


def new_document(template: Path | None = None):
    """An empty document: pausesim's A4 plain style, or ``template`` (a council's .docx) with
    its body cleared but its styles, page set-up, headers and footers kept (the last section's:
    the body's final section properties hold them)."""
    from docx import Document
    from docx.shared import Mm, Pt

    if template is not None:
        doc = Document(str(template))
        body = doc.element.body
        for child in list(body):
            if child.tag.endswith("}sectPr"):
                continue  # the last section: page size, margins, headers and footers
            body.remove(child)
        return doc
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


def _has_style(doc, name: str) -> bool:
    try:
        doc.styles[name]
    except KeyError:
        return False
    return True


def text_width(doc):
    """The width between the margins of the last section (EMU)."""
    section = doc.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


# ---------------------------------------------------------------------------- provenance
def provenance_text(record: dict, calibrations: str | None = None) -> str:
    """One sentence: what made the document, from a run record (``run.json``)."""
    created = _created(record)
    when = f"{created.day} {created:%B %Y, %H:%M} UTC" if created else "an unknown date"
    reps = record.get("reps", record.get("reps_per_area"))
    parts = [f"Made by pausesim {record.get('pausesim_version', '?')} on {when}"]
    if record.get("scenario"):
        parts.append(f"scenario '{record['scenario']}' (digest {record.get('scenario_digest')})")
    parts.append(f"seed {record.get('seed')}")
    if reps is not None:
        parts.append(f"{reps} simulated futures" + (" per view" if calibrations else ""))
    parts.append(f"engine {record.get('engine')}")
    if calibrations or record.get("calibration"):
        parts.append(f"calibration {calibrations or record.get('calibration')}")
    return "; ".join(parts) + ". The same scenario, seed, version and engine give the same " \
        "numbers (run.json beside this file holds every input)."


def _created(record: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(str(record["created_utc"]))
    except (KeyError, ValueError):
        return None


def set_provenance(doc, title: str, record: dict, calibrations: str | None = None,
                   subject: str = "") -> None:
    """Core properties: title, author ``pausesim <version>``, created = the run's date, and in
    comments and keywords the scenario digest, seed, calibration and engine."""
    props = doc.core_properties
    version = record.get("pausesim_version", "?")
    props.title = title
    props.author = props.last_modified_by = f"pausesim {version}"
    props.subject = subject
    created = _created(record)
    if created is not None:
        # python-docx writes the datetime as given with a Z: give it UTC without a zone
        naive = created.replace(tzinfo=None) - (created.utcoffset() or created - created)
        props.created = props.modified = naive
    props.revision = 1
    reps = record.get("reps", record.get("reps_per_area"))
    facts = [f"pausesim {version}", f"scenario {record.get('scenario')}",
             f"digest {record.get('scenario_digest')}", f"seed {record.get('seed')}",
             f"engine {record.get('engine')}", f"{reps} replications",
             f"calibration {calibrations or record.get('calibration')}",
             f"created {record.get('created_utc')}"]
    facts = [f for f in facts if not f.endswith(" None")]
    # core properties hold at most 255 characters each (the full record is run.json)
    props.comments = _fit("; ".join(facts))
    props.keywords = _fit("; ".join(f for f in facts
                                    if not f.startswith("created") and "replications" not in f))
    props.category = "pausesim report"


def _fit(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def add_provenance(doc, record: dict, calibrations: str | None = None):
    """The provenance sentence as a small paragraph (page 1, under the title)."""
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    run = paragraph.add_run(provenance_text(record, calibrations))
    run.italic = True
    run.font.size = Pt(7.5)
    return paragraph


# ------------------------------------------------------------------------------- content
def add_heading(doc, text: str, level: int = 2):
    """A heading in the document's own heading style (bold Normal text where it has none)."""
    if _has_style(doc, f"Heading {level}"):
        return doc.add_heading(text, level=level)
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt({1: 16, 2: 13, 3: 11}.get(level, 10))
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(10)
    return paragraph


def add_paragraph(doc, text: str, bullet: bool = False):
    """A paragraph of body text (``bullet``: the document's list style, a "• " where it has
    none)."""
    if bullet:
        if _has_style(doc, "List Bullet"):
            return doc.add_paragraph(text, style="List Bullet")
        return doc.add_paragraph(f"\u2022 {text}")
    return doc.add_paragraph(text)


def page_break(doc) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def add_figure(doc, png: bytes, caption: str, width_mm: float = 170):
    """A figure (PNG bytes), no wider than the text, with its caption kept on its page."""
    from docx.shared import Mm

    width = min(Mm(width_mm), text_width(doc))
    doc.add_picture(io.BytesIO(png), width=width)
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    return doc.add_paragraph(caption)


def numeric_columns(header: list[str], rows: list[list[str]]) -> list[bool]:
    """Columns whose filled cells are mostly numbers as printed (right-aligned)."""
    out = []
    for c in range(len(header)):
        cells = [str(r[c]).strip() for r in rows if str(r[c]).strip()]
        numbers = sum(bool(NUMBER.match(t)) for t in cells)
        out.append(bool(cells) and numbers >= 0.5 * len(cells))
    return out


def column_widths(header: list[str], rows: list[list[str]], numeric: list[bool], total: int,
                  size: float) -> list[int]:
    """Widths (EMU) adding up to ``total``: each column as wide as its longest cell and its
    header on one line where the text width allows; else the columns with room to give (long
    text, headers that can wrap at spaces) narrowed in proportion to that room, numbers never
    narrower than their longest cell."""
    emu_per_char = size * CHAR_WIDTH * 12700
    padding = 2 * 0.1 * 914400  # the cell margins, both sides, and a little room
    natural, minimal = [], []
    for c, head in enumerate(header):
        longest = max([len(str(r[c])) for r in rows] + [0])
        word = max((len(w) for w in str(head).split()), default=1)
        natural.append(max(longest, len(str(head))))
        minimal.append(max(longest, word) if numeric[c] else max(word, min(longest, 18)))
    natural = [n * emu_per_char + padding for n in natural]
    minimal = [m * emu_per_char + padding for m in minimal]
    if sum(natural) <= total:
        return [int(n * total / sum(natural)) for n in natural]
    slack = [n - m for n, m in zip(natural, minimal)]
    need = sum(natural) - total
    if sum(slack) >= need:
        return [int(n - s * need / sum(slack)) for n, s in zip(natural, slack)]
    return [int(m * total / sum(minimal)) for m in minimal]


def _row_flag(row, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _borders(table) -> None:
    """Thin grid lines, for a document without the "Table Grid" style."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "808080")):
            line.set(qn(f"w:{key}"), value)
        borders.append(line)
    table._tbl.tblPr.append(borders)


def add_table(doc, header: list[str], rows: list[list[str]], size: float = 8.0,
              numeric: list[bool] | None = None):
    """A table that prints well: header row bold and repeated on every page; no row split
    across pages; a table of up to :data:`KEEP_WHOLE_ROWS` rows kept on one page (a longer one
    keeps its header with its first rows); numbers right-aligned (``numeric``: which columns,
    by default those whose cells read as numbers); widths fitted to the content."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    rows = [[str(v) for v in r] for r in rows]
    numeric = numeric_columns(header, rows) if numeric is None else list(numeric)
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    if _has_style(doc, "Table Grid"):
        table.style = "Table Grid"
    else:
        _borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    widths = column_widths(header, rows, numeric, int(text_width(doc)), size)
    keep_whole = len(rows) <= KEEP_WHOLE_ROWS
    for r, (row, values) in enumerate(zip(table.rows, [header, *rows])):
        _row_flag(row, "w:cantSplit")
        if r == 0:
            _row_flag(row, "w:tblHeader")
        for c, (cell, text) in enumerate(zip(row.cells, values)):
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(text)
            run.font.size = Pt(size)
            run.bold = r == 0
            pf = paragraph.paragraph_format
            pf.space_after = pf.space_before = Pt(0)
            # keep-with-next on every row but the last holds a short table on one page, and the
            # header with the first rows of a long one
            pf.keep_with_next = (r < len(rows)) if keep_whole else r < 2
            if numeric[c]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for column, width in zip(table.columns, widths):
        column.width = width
    return table


# ---------------------------------------------------------------------------- figures
def _same(a: str, b: str, c: str) -> bool:
    return a == b == c


def banded(row) -> str:
    """A figure as printed: ``median (lo to hi)``; a probability as its mean; a figure the same
    in every future (or whose range prints as one value) once; a figure never reached in some
    futures says in how many, never "inf"."""
    unit = str(row["unit"])
    if unit == "probability":
        return fmt.percent(row["mean"])
    if unit.startswith("GBP"):
        show = money
    elif unit == "ratio":
        show = fmt.ratio
    elif unit.startswith("months"):
        show = fmt.months
    else:
        show = count
    lo, hi, median = row.get("lo", np.nan), row.get("hi", np.nan), row.get("median", np.nan)
    if pd.isna(median):
        median = row["mean"]
    if pd.isna(lo) or pd.isna(hi):
        return show(median)
    never = row.get("share_infinite", 0.0)
    if never and never > 0 and not np.isfinite(hi):  # never reached in some futures
        if never >= 1:
            return "not reached in any future"
        if not np.isfinite(median):
            return f"not reached in {fmt.percent(never)} of futures"
        return f"{show(median)} (not reached in {fmt.percent(never)} of futures)"
    shown = (show(median), show(lo), show(hi))
    if _same(*shown):
        return shown[0]  # a fixed value (or one that rounds to one) prints once
    return f"{shown[0]} ({shown[1]} to {shown[2]})"


def unit_words(unit) -> str:
    """A unit as a table prints it: ``months (inf: not within the horizon)`` -> ``months``."""
    return re.sub(r"\s*\(inf:[^)]*\)", "", str(unit))


def money(v) -> str:
    return typographic(fmt.money(v))


def count(v, decimals: int = 0) -> str:
    """A count; "not reached" for an infinite one (never "inf")."""
    if v is not None and isinstance(v, float) and math.isinf(v):
        return "not reached" if v > 0 else "none"
    return typographic(fmt.count(v, decimals))
