"""The business-case report: files, numbers traced to cells, Word/Excel/HTML agreeing, print.

One shared run (national: its base case and authority-wide scenario, 12 replications over 6
parameter sets each, simpy engine so a fresh worktree needs no compile, fixed seed) feeds most
tests: they check the report's plumbing and that its
numbers agree with each other and with its tables, not the model's statistics, so they need no
Monte Carlo tolerance; where two figures are compared they come from the same replications and
agree to the rounding shown. The print test needs Debian's ``chromium`` (``apt-get install -y
chromium``; .ci/run installs it) and is skipped, with the reason, only where it is absent.

Checked to fail: recording the two_views' ``hi`` cell for the ``lo`` number of the first sentence
breaks test_every_number_in_the_sentences_is_its_table_cell; dropping the print page breaks
(``#summary`` break-after, ``section.page`` break-before) or the print font size breaks
test_print_pdf_is_bounded_with_the_summary_on_page_1;
writing the XLSX statistics as text (``str(v)``) breaks test_xlsx_numbers_are_the_csv_numbers
(its Data sheet).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from simulation.cli import main
from simulation.core import scenario as scenario_mod
from simulation.report import export
from simulation.report.build import DIRECT_EFFECTS

REPORT = ["report", "--reps", "12", "--draws", "6", "--workers", "1", "--seed", "5",
          "--no-progress", "--engine", "simpy"]
TABLES = ("two_views", "break_even", "net_saving_by_system_effect", "headline", "by_year",
          "sources", "money_inputs", "council_method",
          "council_inputs", "council_vs_simulation", "activity", "assumptions", "ce_plane",
          "ce_acceptability", "summary", "summary_authority", "replications", "parameter_sets",
          "assumptions_authority", "sentences")
FIGURES = ("break_even", "sources", "sources_authority", "fan_infants_avoided", "costs",
           "net_histogram_council", "ce_plane", "ce_acceptability")
#: The PDF printed from the HTML has at most this many A4 pages (measured: 16 for national; the
#: assumptions table of every parameter with its source is most of it).
MAX_PAGES = 20


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "national"
    assert main([*REPORT, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def tables(report_dir):
    return {t: pd.read_csv(report_dir / f"{t}.csv") for t in TABLES}


def test_writes_html_word_excel_figures_and_tables(report_dir):
    for name in ("report.html", "report.docx", "report.xlsx", "run.json", "scenario.toml",
                 *(f"{t}.csv" for t in TABLES), *(f"{f}.png" for f in FIGURES)):
        assert (report_dir / name).stat().st_size > 0, name
    for f in FIGURES:
        assert (report_dir / f"{f}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    record = json.loads((report_dir / "run.json").read_text())
    assert record["seed"] == 5 and record["reps"] == 12 and record["scenario"] == "national"
    assert record["calibration"] == DIRECT_EFFECTS  # the base case
    assert record["authority_calibration"] == "national|given-effect"
    assert record["uncertainty"]["parameters"] == "posterior draws"  # uncertainty by default
    assert not [p for p in report_dir.parent.iterdir() if p.name.startswith(".")]


def test_title_is_the_scenario_description(report_dir):
    html = (report_dir / "report.html").read_text()
    title = scenario_mod.load("national").title
    assert title != "national"
    assert f"<title>{title}</title>" in html.replace("&#x27;", "'")


def test_html_is_self_contained(report_dir):
    html = (report_dir / "report.html").read_text()
    assert not re.search(r"(?:src|href)\s*=\s*['\"](?!data:|#)", html), "external reference"
    assert "<script" not in html and "<link" not in html and "url(" not in html
    images = re.findall(r"<img src='(data:image/png;base64,[^']+)'", html)
    assert len(images) == len(FIGURES)
    for uri in images:
        assert base64.b64decode(uri.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------ numbers traced to the CSVs
NUMBER = re.compile(r"([<>]?)([-\u2212]?)(£?)(\d[\d,]*(?:\.\d+)?)([mk%]?)")
SCALE = {"m": 1e6, "k": 1e3, "%": 0.01, "": 1.0}


def cell(tables: dict, ref: dict):
    frame = tables[ref["table"]]
    mask = np.ones(len(frame), bool)
    for column, value in ref["row"].items():
        mask &= (frame[column] == value).to_numpy()
    assert mask.sum() == 1, ref
    return frame.loc[mask, ref["column"]].iloc[0]


def mismatches(sentences: pd.DataFrame, tables: dict) -> list[str]:
    """Every number parsed from each sentence against the cell it names, to the shown precision
    (half a unit of the last digit shown; money also +/- GBP 1, as it is rounded to the pound);
    text references (a price base) must appear as they are in their cell."""
    bad = []
    for text, refs in zip(sentences.text, sentences.refs):
        refs = json.loads(refs)
        for ref in (r for r in refs if r["format"] == "text"):
            quoted = str(cell(tables, ref))
            if quoted not in text:
                bad.append(f"{text!r}: does not quote {quoted!r}")
            text = text.replace(quoted, "", 1)
        numeric = [r for r in refs if r["format"] != "text"]
        tokens = NUMBER.findall(text)
        if len(tokens) != len(numeric):
            bad.append(f"{text!r}: {len(tokens)} numbers, {len(numeric)} references")
            continue
        for (bound, sign, pound, digits, suffix), ref in zip(tokens, numeric):
            decimals = len(digits.split(".")[1]) if "." in digits else 0
            scale = SCALE[suffix]
            shown = float(digits.replace(",", "")) * scale * (-1 if sign else 1)
            actual = float(cell(tables, ref))
            if bound == "<":
                ok = 0 < actual < shown
            elif bound == ">":
                ok = shown < actual < 1
            else:
                tolerance = 0.5 * 10 ** -decimals * scale * (1 + 1e-9) + (1.0 if pound else 1e-9)
                ok = abs(shown - actual) <= tolerance
            if not ok:
                bad.append(f"{text!r}: shows {bound}{sign}{pound}{digits}{suffix}, table has "
                           f"{actual}")
    return bad


def test_every_number_in_the_sentences_is_its_table_cell(tables):
    sentences = tables["sentences"]
    assert len(sentences) >= 12
    cited = sentences[sentences.section.isin(["citable", "money", "council"])]
    assert all(json.loads(r) for r in cited.refs)  # every figure sentence cites cells
    assert mismatches(sentences, tables) == []
    # not vacuous: move one cell (shown as a whole number) by more than one unit, or one money
    # cell by a million
    broken = {**tables, "headline": tables["headline"].copy()}
    row = (broken["headline"].metric == "cost_avoided_cumulative_discounted") & \
        (broken["headline"].period == "year_5")
    broken["headline"].loc[row, "hi"] += 1e6
    assert len(mismatches(sentences, broken)) == 1
    broken = {**tables, "two_views": tables["two_views"].copy()}
    row = (broken["two_views"].view == "authority") & \
        (broken["two_views"].figure == "infants_to_horizon")
    broken["two_views"].loc[row, "hi"] += 1.1
    assert len(mismatches(sentences, broken)) == 1


def test_break_even_and_probability_of_a_net_saving_cannot_contradict(tables):
    """The share of futures that never break even is the share without a net saving at the
    horizon (the glitch: 'half of futures ... by year 5' beside '77% by year 5')."""
    head = tables["headline"].set_index(["metric", "period"])
    never = head.loc[("break_even_month_discounted", "horizon"), "share_infinite"]
    saving = head.loc[("probability_net_saving_discounted", "year_5"), "mean"]
    assert never == pytest.approx(1 - saving, abs=1 / 12 + 1e-9)  # ties at exactly 0 aside
    text = tables["sentences"].set_index("key").text["break_even"]
    assert "not within" not in text or "horizon" in text
    assert " to not within" not in " ".join(tables["sentences"].text)


# ---------------------------------------------------------------- the same sentences everywhere
class _Summary(HTMLParser):
    """Text of the <li> and unclassed <p> elements inside <section id=...> (default "summary"):
    its sentence lists and box."""

    def __init__(self, section: str = "summary"):
        super().__init__()
        self.section = section
        self.depth, self.inside, self.items, self.current = 0, False, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("id") == self.section:
            self.inside = True
        if self.inside and (tag == "li" or (tag == "p" and not attrs.get("class"))):
            self.current = []

    def handle_endtag(self, tag):
        if tag == "section":
            self.inside = False
        if self.current is not None and tag in ("li", "p"):
            self.items.append("".join(self.current).strip())
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)


def test_docx_summary_has_the_html_summary_sentences(report_dir, tables):
    """The HTML summary's sentences (base case, authority-wide scenario, threshold, the box) and
    page 1 of the Word file: the same texts in the same order."""
    from docx import Document

    html = (report_dir / "report.html").read_text()
    parser = _Summary()
    parser.feed(html)
    said = tables["sentences"]
    summary = said[said.section == "citable"].text.tolist()
    assert parser.items == summary  # the HTML summary shows exactly these, in this order
    where = said[said.section == "where"].text.tolist()
    box = _Summary("views")
    box.feed(html)
    assert box.items == where  # the box beside the effect by source, on the next page
    caveat = said[said.section == "caveat"].text.iloc[0]
    paragraphs = [p.text for p in Document(str(report_dir / "report.docx")).paragraphs]
    # page 1 of the Word file: the same sentences, in the same order, before the page break
    first_page = paragraphs[:paragraphs.index(caveat) + 1]
    assert [p for p in first_page if p in summary] == summary
    assert [p for p in paragraphs if p in where] == where
    assert caveat in html


def test_where_the_effect_comes_from_has_no_jargon(tables):
    said = tables["sentences"]
    box = " ".join(said[said.section.isin(["where", "caveat"])].text)
    assert "system-wide effect" in box and "direct effects" in box
    assert "base case" in box and "authority-wide scenario" in box
    assert not re.search(r"medoid|emulat|\bT1\b|\bT2\b|posterior|\bGP\b", box, re.I), box


# ------------------------------------------------------------------------------- the workbook
def test_xlsx_numbers_are_the_csv_numbers(report_dir, tables):
    """The workbook's Data sheet holds the CSV tables' numbers as numbers, formatted by unit."""
    from openpyxl import load_workbook

    from simulation.report import excel

    wb = load_workbook(report_dir / "report.xlsx")
    assert wb.sheetnames == [*excel.PEOPLE_SHEETS, excel.DATA_SHEET]
    assert wb.sheetnames[0] == "Summary"
    data = excel.data_tables(wb)
    for table in ("two_views", "break_even", "headline", "by_year", "sources"):
        rows = data[table]
        csv = tables[table]
        assert len(rows) == len(csv)
        for got, (_, expected) in zip(rows, csv.iterrows()):
            for column in ("mean", "median", "lo", "hi"):
                want = expected[column]
                if pd.isna(want):
                    assert got[column] is None
                elif np.isinf(want):
                    assert got[column] == "not reached"
                else:
                    assert isinstance(got[column], (int, float)), (table, column, got[column])
                    assert got[column] == pytest.approx(want, rel=1e-12, abs=1e-12)
    ws = wb[excel.DATA_SHEET]
    start = next(c.row for c in ws["A"] if c.value == "headline (headline.csv)")
    header = [c.value for c in ws[start + 1]]
    col = header.index("median") + 1
    for r in range(start + 2, start + 2 + len(data["headline"])):
        unit = ws.cell(r, header.index("unit") + 1).value
        fmt = ws.cell(r, col).number_format
        if unit.startswith("GBP"):
            assert "£" in fmt, (unit, fmt)
        elif unit == "ratio":
            assert fmt == "0.00"


def test_money_labels_name_the_price_base(report_dir, tables):
    price = scenario_mod.load("national").price_label()
    assert re.fullmatch(r"GBP \d{4}/\d{2} prices", price)
    for name in ("two_views", "headline", "by_year", "sources", "activity",
                 "council_vs_simulation", "ce_plane"):
        units = set(tables[name].unit.dropna())
        money = {u for u in units if "GBP" in u}
        assert money <= {price}, (name, money)
    assert set(tables["money_inputs"].base) == {price.split()[1]}
    assert set(tables["council_method"].unit) == {f"GBP at {price.split()[1]} prices"}
    html = (report_dir / "report.html").read_text()
    assert html.count(price) >= 5
    assert "GBP as entered" not in html


@pytest.mark.parametrize("view", ["base", "authority"])
def test_sources_add_up_to_the_total(tables, view):
    src = tables["sources"]
    src = src[src.view == view]
    for quantity in ("infants_avoided", "cost_avoided"):
        part = src[src.quantity == quantity].set_index("source")
        parts = part.drop("total")
        assert list(parts.index) == ["declined", "enrolled", "after_programme", "authority"]
        assert parts["mean"].sum() == pytest.approx(part.loc["total", "mean"], rel=1e-9,
                                                    abs=1e-6)
        assert parts["share"].sum() == pytest.approx(1.0, abs=1e-9)
        # as printed: whole percentages adding up to 100%, and parts under 0.5% kept as "<1%"
        points = 100 * parts["share_shown"].to_numpy()
        whole = np.isclose(points, points.round())
        assert points[whole].round().sum() == 100 and ((points[~whole] > 0) &
                                                      (points[~whole] < 0.5)).all()
        assert (abs(points - 100 * parts["share"].to_numpy()) < 1).all()


def test_two_views_side_by_side(tables):
    two = tables["two_views"]
    assert list(dict.fromkeys(two.view)) == ["base", "authority"]  # the base case first
    assert set(two.figure) >= {"infants_to_horizon", "net_to_horizon", "probability_net_saving"}
    for view in ("base", "authority"):
        assert set(two[two.view == view].figure) == set(two[two.view == "base"].figure)
    src = tables["sources"].set_index(["view", "quantity", "source"])
    # the base case: the system-wide effect is fixed at none
    assert src.loc[("base", "infants_avoided", "authority"), "mean"] == 0
    assert src.loc[("authority", "infants_avoided", "authority"), "mean"] > 0


def test_council_fixed_input_is_not_a_percentage(report_dir, tables):
    """Since issue 21 national's programme cost is built from staff and its unit costs drawn
    (cost per practitioner, fixed costs), so it is no longer the same in every future; a fixed
    input (share equal to the council's 1) is still said in words, not as a percentage."""
    from simulation.report import html

    frame = tables["council_vs_simulation"]
    versus = frame.set_index("metric")
    assert versus.loc["programme_cost_cumulative", "share_equal_to_council"] < 1.0
    fixed = frame.assign(share_equal_to_council=np.where(
        frame.metric == "programme_cost_cumulative", 1.0, frame.share_equal_to_council))
    assert "fixed input: the same in every future" in html.council_vs_simulation(fixed)


def test_csv_cells_are_tidy_and_cannot_be_formulas():
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "plain"],
                          "value": [1654999.9999999998, 0.1 + 0.2, -0.0, 1e-20, np.inf]})
    safe = export.safe_frame(frame)
    # "+1" and "-2" read as numbers, not formulas (simulation.core.output.neutralise_cell)
    assert list(safe.text) == ["'=HYPERLINK(\"x\")", "+1", "-2", "'@SUM(A1)", "plain"]
    assert safe.value.iloc[0] == 1655000.0 and safe.value.iloc[1] == 0.3
    assert np.isinf(safe.value.iloc[4])


def test_every_figure_has_a_label_in_words(tables):
    for name in ("headline", "by_year"):
        frame = tables[name]
        assert not (frame.label == frame.metric).any(), frame.label[frame.label == frame.metric]


def test_xlsx_text_cells_are_typed_text_written_as_given(tmp_path):
    """In a workbook, user text that looks like a formula is a typed text cell (never evaluated)
    and shows as written: no ' prefix, which Excel would display (e.g. a unit '-' as "'-")."""
    import openpyxl

    from simulation.report import excel

    book = openpyxl.Workbook()
    frame = pd.DataFrame({"=col": ["=HYPERLINK(\"x\")", "-", "plain"], "unit": ["-", "-", "-"],
                          "mean": [1654999.9999999998, 2.0, 3.0]})
    excel._sheet(book, "t", frame)
    book.save(tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    assert [c.value for c in sheet[1]] == ["=col", "unit", "mean"]
    assert [c.data_type for c in sheet[1]] == ["s", "s", "s"]
    assert [sheet.cell(r, 1).value for r in (2, 3, 4)] == ["=HYPERLINK(\"x\")", "-", "plain"]
    assert all(sheet.cell(r, 1).data_type == "s" for r in (2, 3, 4))
    assert sheet.cell(2, 3).value == 1655000.0


# ----------------------------------------------------------------------------- printing
CHROMIUM = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--no-pdf-header-footer"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.skip("no chromium binary: install Debian's chromium (apt-get install -y chromium) to "
                "print the report in a real browser")


def test_print_pdf_is_bounded_with_the_summary_on_page_1(report_dir, tables, tmp_path):
    from pypdf import PdfReader

    pdf = tmp_path / "report.pdf"
    subprocess.run([chromium(), *CHROMIUM, f"--user-data-dir={tmp_path / 'profile'}",
                    f"--print-to-pdf={pdf}", (report_dir / "report.html").as_uri()],
                   capture_output=True, timeout=180, check=True)
    pages = PdfReader(str(pdf)).pages
    assert 2 <= len(pages) <= MAX_PAGES, len(pages)

    def words(text):
        return re.sub(r"\s+", " ", text.replace("\u2212", "-")).strip()

    first, second = words(pages[0].extract_text()), words(pages[1].extract_text())
    said = tables["sentences"]
    summary = said[said.section.isin(["citable", "caveat"])].text
    for text in summary:  # every summary sentence is on page 1 (lines may wrap anywhere)
        assert words(text)[:60] in first, text
    assert "Cite as" in first and "break-even threshold, and" not in first.split("Cite as")[-1]
    assert second.startswith("The break-even threshold"), second[:80]
    assert "Summary" not in second


# --------------------------------------------------------------- a part-year horizon (issue 21)


def test_an_18_month_report_says_where_the_effect_comes_from_over_18_months(national):
    """Old behaviour: the sources table and its sentence stopped at the last whole year ("of
    the 0.1 infants ... over 1 year") in an 18-month report."""
    from simulation.report import build

    both = build.simulate(national.with_overrides({"practice.horizon_months": 18}), 8, 3,
                          "point", 1, 0.9, engine="fast", workers=1, progress=False)
    report = build.build(*both, 0.9, None, None)
    assert set(report.tables["sources"].period) == {"months_13_18"}
    where = [x.text for x in report.sentences if "on average over" in x.text]
    assert len(where) == 2 and all("over 18 months" in text for text in where), where
