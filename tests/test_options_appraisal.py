"""Issue 22, item 3: ``pausesim compare --out DIR`` writes the options appraisal (both views) as
HTML, Word and Excel, and their tables agree with the table it prints."""

from __future__ import annotations

import contextlib
import io
import re
from html import unescape

import openpyxl
import pandas as pd
import pytest

from simulation.cli import main as cli_main
from simulation.report import options
from simulation.results import format as fmt

ARGS = ["compare", "dorset-2022", "--variant", "no action", "practice.operates=false",
        "--variant", "caseload 6", "practice.caseload_per_practitioner=6", "--reps", "4",
        "--draws", "2", "--workers", "1", "--no-progress", "--engine", "simpy", "--seed", "7"]
LABELS = ["dorset-2022", "no action", "caseload 6"]


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """The folder and printed output of a small three-option comparison (4 paired
    replications: the documents' agreement with the printout does not depend on the numbers)."""
    out = tmp_path_factory.mktemp("cmp") / "out"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert cli_main([*ARGS, "--out", str(out)]) == 0
    return out, buffer.getvalue()


def _docx_tables(path) -> list[list[list[str]]]:
    import docx

    return [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(
        str(path)).tables]


def _html_tables(path) -> list[list[list[str]]]:
    page = path.read_text("utf-8")
    tables = re.findall(r"<table.*?</table>", page, re.S)
    return [[[unescape(re.sub(r"<[^>]+>", "", cell)).strip()
              for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
             for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)] for table in tables]


def _printed_row(printed: str, cells: list[str]) -> bool:
    """Whether one printed line holds these cells, in this order."""
    for line in printed.splitlines():
        at = 0
        for cell in cells:
            at = line.find(cell, at)
            if at < 0:
                break
            at += len(cell)
        else:
            return True
    return False


def test_compare_writes_the_three_documents(compared):
    out, _ = compared
    assert set(options.FILES) <= {p.name for p in out.iterdir()}


def test_word_and_html_tables_are_the_printed_table(compared):
    out, printed = compared
    appraisal_text = printed[printed.index("Options appraisal."):]
    word, page = _docx_tables(out / "options.docx"), _html_tables(out / "options.html")
    # per view: the options table and the paired differences; then what each option is
    assert len(word) == len(page) == 5
    assert word[:4] == page[:4]
    assert word[0][0] == list(options.OPTION_HEADERS)
    assert word[1][0] == list(options.DIFFERENCE_HEADERS)
    for table in word[:4]:
        assert [row[0] for row in table[1:]] == LABELS
        for row in table[1:]:
            assert _printed_row(appraisal_text, row), row
    # both views, the base case first, and each view's numbers differ
    assert appraisal_text.index("Base case") < appraisal_text.index("Authority-wide scenario")
    assert word[0] != word[2]
    # the reference's differences say so; an option without a programme has no BCR
    assert word[1][1][1:] == ["reference"] * 4
    no_action = dict(zip(word[0][0], word[0][2]))
    assert no_action["Benefit-cost ratio"] == "n/a"
    assert no_action["Programme cost (PV)"] == "£0"


def test_appraisal_agrees_with_the_printed_comparison(compared):
    """The appraisal's infants, NPV and P(net saving) cells are those of the comparison
    ``pausesim compare`` printed before it (one source for both)."""
    out, printed = compared
    comparison = printed[:printed.index("Options appraisal.")]
    word = _docx_tables(out / "options.docx")
    for table in (word[0], word[2]):
        for row in table[1:]:
            cells = dict(zip(table[0], row))
            assert _printed_row(comparison, [cells["Option"], cells["Infants kept out of care"],
                                             cells["Net present value (NPV)"]]), row
            assert cells["P(net saving)"] in comparison


def test_excel_holds_the_printed_numbers(compared):
    out, printed = compared
    word = _docx_tables(out / "options.docx")
    sheet = openpyxl.load_workbook(out / "options.xlsx")["appraisal"]
    rows = [dict(zip([c.value for c in sheet[1]], [c.value for c in r]))
            for r in sheet.iter_rows(min_row=2)]
    assert [r["Option"] for r in rows] == LABELS * 2
    assert rows[0]["View"].startswith("Base case") and rows[3]["View"].startswith("Authority")
    for r, table in ((rows[:3], word[0]), (rows[3:], word[2])):
        for row, shown in zip(r, table[1:]):
            cells = dict(zip(table[0], shown))
            assert isinstance(row["NPV (mean)"], (int, float))  # numbers, not text
            assert fmt.money(row["Programme cost (PV)"]) == cells["Programme cost (PV)"]
            assert fmt.money(row["Care costs avoided (PV)"]) == cells["Care costs avoided (PV)"]
            # median [band] mean: the median is the headline (docs/model.md), the mean labelled
            assert cells["Infants kept out of care"] == (
                f"{fmt.count(row['Infants kept out of care (median)'], 1)} "
                f"[{fmt.interval(row['Infants: low'], row['Infants: high'])}] "
                f"mean {fmt.count(row['Infants kept out of care (mean)'], 1)}")
            assert cells["Net present value (NPV)"].startswith(fmt.money(row["NPV (median)"]))
            assert cells["Net present value (NPV)"].endswith(f"mean {fmt.money(row['NPV (mean)'])}")
            assert fmt.percent(row["P(net saving)"]) == cells["P(net saving)"]
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    differences = openpyxl.load_workbook(out / "options.xlsx")["differences"]
    diff_rows = [dict(zip([c.value for c in differences[1]], [c.value for c in r]))
                 for r in differences.iter_rows(min_row=2)]
    for r, table in ((diff_rows[:3], word[1]), (diff_rows[3:], word[3])):
        for row, shown in zip(r, table[1:]):
            cells = dict(zip(table[0], shown))
            if cells["NPV: difference"] == "reference":
                assert row["Infants: difference (mean)"] == "reference"
                assert row["NPV: difference (mean)"] is None
                continue
            assert cells["Infants kept out of care: difference"].startswith(
                f"{row['Infants: difference (mean)']:+.1f} (CI "
                f"{row['Infants: CI low']:+.1f} to {row['Infants: CI high']:+.1f})")
            assert fmt.percent(row["Futures with a higher NPV"]) == \
                cells["Futures with a higher NPV"]
    csv = pd.read_csv(out / "options_appraisal.csv")
    assert csv.npv_mean.tolist() == pytest.approx([r["NPV (mean)"] for r in rows], rel=1e-9)


def test_paired_differences_are_the_differences_of_the_options(compared):
    """Common random numbers: each option's mean difference from the reference is the
    difference of the means (exactly, up to rounding of the written values)."""
    out, _ = compared
    frame = pd.read_csv(out / "options_appraisal.csv")
    for _, rows in frame.groupby("view"):
        ref = rows[rows.is_reference].iloc[0]
        for _, r in rows.iterrows():
            assert r.npv_difference_mean == pytest.approx(r.npv_mean - ref.npv_mean, abs=1e-3)
            assert r.infants_difference_mean == pytest.approx(
                r.infants_mean - ref.infants_mean, abs=1e-9)
            assert r.npv_difference_ci_lo <= r.npv_difference_mean <= r.npv_difference_ci_hi \
                or r.is_reference


def test_report_includes_the_appraisal(tmp_path):
    out = tmp_path / "rep"
    assert cli_main(["report", "dorset-2022", "--variant", "no action", "practice.operates=false",
                     "--reps", "4", "--draws", "2", "--workers", "1", "--no-progress",
                     "--engine", "simpy", "--seed", "7", "--out", str(out)]) == 0
    assert (out / "report.html").exists()
    assert set(options.FILES) <= {p.name for p in (out / "options").iterdir()}
    frame = pd.read_csv(out / "options" / "options_appraisal.csv")
    assert frame.option.tolist() == ["dorset-2022", "no action"] * 2
    # the reference option is the report's scenario: the same seed and replications give the
    # report's own base-case NPV
    two = pd.read_csv(out / "two_views.csv").set_index(["view", "figure"])
    assert frame.npv_mean.iloc[0] == pytest.approx(two.loc[("base", "net_to_horizon"), "mean"],
                                                   rel=1e-6)


def test_report_refuses_a_bad_variant_before_simulating(tmp_path, capsys, monkeypatch):
    from simulation import runner

    monkeypatch.setattr(runner, "run", lambda *a, **k: pytest.fail("simulated"))
    out = tmp_path / "rep"
    assert cli_main(["report", "--variant", "x", "practice.nope=3", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown parameter 'practice.nope'" in err[0]
    assert not out.exists()
