"""The report leads with the base case and names a view in every sentence (issue: an
evidence-based base case).

The base case (the practice's own women, calibration 'national-micro', no system effect) comes
first in sentences.csv, the HTML summary, the Word file's page 1 and the workbook's first sheet;
the authority-wide scenario (if the fall in all infant care entries measured in five long-running
Pause areas also happens here) is given beside it with its own band and P(net saving); the
break-even threshold between them is a sentence, a figure and a table in every format.

One small run (12 replications over 6 parameter sets per view, simpy engine, fixed seed): these
check the report's order and wording, not the model's statistics. Checked to fail: putting the
authority-wide scenario's sentences before the base case's in ``sentences.citable`` breaks
test_first_sentence_is_the_base_case and the HTML/Word first-paragraph tests; dropping the
threshold figure from ``figures.all_figures`` breaks test_threshold_in_html_word_and_excel.
"""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser

import pandas as pd
import pytest

from simulation.cli import main
from simulation.report.sentences import PREFIX

REPORT = ["report", "--reps", "12", "--draws", "6", "--workers", "1", "--seed", "11",
          "--no-progress", "--engine", "simpy"]
BASE = PREFIX["base"]
AUTHORITY = PREFIX["authority"]


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("views") / "national"
    assert main([*REPORT, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def said(report_dir):
    return pd.read_csv(report_dir / "sentences.csv")


class _Paragraphs(HTMLParser):
    """Text of every <li>, unclassed <p> and <h3> inside <section id="summary">, in order."""

    def __init__(self):
        super().__init__()
        self.inside, self.items, self.current, self.tag = False, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.inside = attrs.get("id") == "summary"
        if self.inside and (tag in ("li", "h3") or (tag == "p" and not attrs.get("class"))):
            self.current, self.tag = [], tag

    def handle_endtag(self, tag):
        if self.current is not None and tag == self.tag:
            self.items.append((tag, "".join(self.current).strip()))
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)


def summary_items(report_dir) -> list[tuple[str, str]]:
    parser = _Paragraphs()
    parser.feed((report_dir / "report.html").read_text(encoding="utf-8"))
    return parser.items


def test_first_sentence_is_the_base_case(said):
    first = said.iloc[0]
    assert first.view == "base" and first.text.startswith(BASE), first.text
    citable = said[said.section == "citable"]
    order = list(citable.view)
    # the base case's sentences, then the authority-wide scenario's, then the threshold
    assert order == sorted(order, key=["base", "authority", "both"].index), order
    assert order[0] == "base" and order[-1] == "both"


def test_every_sentence_names_its_view(said):
    assert set(said.view) <= {"base", "authority", "both"}
    for view, text in zip(said.view, said.text):
        if view == "base":
            assert text.startswith(BASE), text
        elif view == "authority":
            assert text.startswith(AUTHORITY), text
        else:
            assert re.search("base case", text, re.I) and \
                re.search("authority-wide scenario", text, re.I), text
    # both views give infants over the horizon, the net present value band and P(net saving)
    for view in ("base", "authority"):
        keys = set(said[said.view == view].key)
        assert {f"{view}_infants_horizon", f"{view}_net_discounted",
                f"{view}_probability_net_saving"} <= keys, keys
        assert (said.set_index("key").loc[f"{view}_net_discounted", "section"] == "citable")


def test_html_first_citable_paragraph_is_the_base_case(report_dir, said):
    items = summary_items(report_dir)
    headings = [text for tag, text in items if tag == "h3"]
    sentences = [text for tag, text in items if tag != "h3"]
    assert headings[0].startswith("Base case")
    assert sentences[0].startswith(BASE), sentences[0]
    assert sentences[0] == said.text.iloc[0]
    # the two views side by side: the base case's column first
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    table = html[html.index("<table class='views'>"):]
    heads = re.findall(r"<th>([^<]*)</th>", table[:table.index("</thead>")])
    assert unescape(heads[1]).startswith("Base case") and heads[2] == "Authority-wide scenario"


def test_docx_first_citable_paragraph_is_the_base_case(report_dir, said):
    from docx import Document

    doc = Document(str(report_dir / "report.docx"))
    texts = set(said.text)
    cited = [p.text for p in doc.paragraphs if p.text in texts]
    assert cited[0] == said.text.iloc[0] and cited[0].startswith(BASE)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading 3")]
    assert headings[0].startswith("Base case")
    table = doc.tables[0]  # the two views side by side, on page 1
    assert [c.text for c in table.rows[0].cells][1:] == ["Base case: the practice's own women",
                                                          "Authority-wide scenario"]


def test_threshold_in_html_word_and_excel(report_dir, said):
    from docx import Document
    from openpyxl import load_workbook

    threshold = said.set_index("key").loc["break_even_threshold"]
    assert threshold.view == "both" and "infant care entries among mothers it never works " \
        "with" in threshold.text and "the authority-wide scenario assumes" in threshold.text
    be = pd.read_csv(report_dir / "break_even.csv")
    assert len(be) >= 5 and (be["threshold"] >= 0).all()

    # HTML: the sentence in the summary, the figure and the table on the next page
    items = [text for _, text in summary_items(report_dir)]
    assert threshold.text in items
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<figure id='fig-break_even'><img src='data:image/png;base64," in html
    views = html[html.index("<section id=\"views\""):html.index("<section id=\"money\"")]
    assert "fig-break_even" in views and "What the authority-wide scenario prevents" in views
    assert views.count("<tr>") >= len(be) + 1 + 9  # the threshold by year and the curve

    # Word: the sentence, the figure (its caption after the picture), the table
    doc = Document(str(report_dir / "report.docx"))
    paragraphs = [p.text for p in doc.paragraphs]
    assert threshold.text in paragraphs
    caption = next(p for p in paragraphs if p.startswith("Break-even threshold: the "
                                                         "probability"))
    index = paragraphs.index(caption)
    assert doc.paragraphs[index - 1]._p.xpath(".//pic:pic")  # the picture just before it
    tables = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert any(row[-1] == "Authority-wide scenario prevents (mean)" for row in tables)
    be_table = next(t for t in doc.tables
                    if t.rows[0].cells[-1].text == "Authority-wide scenario prevents (mean)")
    assert len(be_table.rows) == len(be) + 1

    # Excel: the sentence in the notes, the threshold as numbers in its own sheet and the data
    from simulation.report import excel

    wb = load_workbook(report_dir / "report.xlsx")
    notes = [row for row in wb["Notes"].iter_rows(values_only=True)]
    assert ("Sentence (citable; both views)", threshold.text) in notes
    first_note = next(row for row in notes if str(row[0]).startswith("Sentence"))
    assert first_note[0] == "Sentence (citable; base case)" and first_note[1].startswith(BASE)
    rows = excel.data_tables(wb)["break_even"]
    assert [r["period"] for r in rows] == list(be.period)
    for row, threshold in zip(rows, be["threshold"]):
        assert row["threshold"] == pytest.approx(threshold, rel=1e-9, abs=1e-9)
    sheet = wb["Break-even"]
    shown = [r for r in sheet.iter_rows(values_only=True) if str(r[0]).startswith("Year ")]
    for row, threshold in zip(shown, be["threshold"]):
        assert row[1] == pytest.approx(threshold, rel=1e-9, abs=1e-9)
    assert wb.sheetnames[:2] == ["Summary", "Break-even"]
    first = excel.data_tables(wb)["two_views"][0]
    assert first["view"] == "base" and first["view_label"].startswith("Base case")
    summary = list(wb["Summary"].iter_rows(values_only=True))
    head = next(r for r in summary if r[0] == "Figure")
    assert head[1].startswith("Base case") and head[4].startswith("Authority-wide")


def test_threshold_is_where_the_base_case_breaks_even(report_dir):
    """The threshold times the value of one prevented entry is the base case's mean shortfall;
    the curve starts at the base case's own P(net saving) and never falls."""
    be = pd.read_csv(report_dir / "break_even.csv").iloc[-1]
    two = pd.read_csv(report_dir / "two_views.csv").set_index(["view", "figure"])
    net = two.loc[("base", "net_to_horizon"), "mean"]
    assert be.threshold * be.value_per_entry == pytest.approx(max(-net, 0.0), rel=1e-6, abs=1.0)
    curve = pd.read_csv(report_dir / "net_saving_by_system_effect.csv")
    p = curve.probability_net_saving.to_numpy()
    assert p[0] == pytest.approx(two.loc[("base", "probability_net_saving"), "mean"], abs=1e-9)
    assert (p[1:] >= p[:-1] - 1e-12).all()


def test_run_json_records_both_views(report_dir):
    record = json.loads((report_dir / "run.json").read_text())
    assert record["calibration"] == "national-micro"
    # the authority-wide scenario: the national posterior given a system effect
    assert record["authority_calibration"] == "national|given-effect"
    assert "national-micro" in record["parameters_from"]
    assert "'national" in record["authority_note"]
