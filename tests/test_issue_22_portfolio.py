"""Issue 22, item 4: the example portfolio is a total of distinct practices; a portfolio that
counts one place twice says so; the national headline in both views."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from simulation.cli import main
from simulation.report import areas as areas_mod

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "areas.csv"
TWICE = ("area,scenario\n"
         "Southampton pilot,southampton-2019-pilot\n"
         "Southampton,southampton-2021\n"
         "North,national\n"
         "South,national\n")


def test_the_example_total_is_a_sum_of_distinct_areas():
    rows = areas_mod.read(EXAMPLE)
    areas = areas_mod.resolve(rows, EXAMPLE)
    assert len({a.label.casefold() for a in areas}) == len(areas) == 6
    assert areas_mod.repeated_places(areas) == []
    # each named place once; the illustrative areas say so in their label
    named = [areas_mod.place(a) for a in areas if areas_mod.place(a)]
    assert len(named) == len(set(named)) == 3
    generic = [a.label for a in areas if areas_mod.place(a) is None]
    assert generic and all("illustrative" in label for label in generic)
    # the examples' README says what the file is
    readme = (EXAMPLE.parent / "README.md").read_text("utf-8")
    assert "six distinct practices" in readme and "not the total for England" in readme


def test_one_place_twice_is_one_line_naming_both_rows(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(TWICE, encoding="utf-8")
    areas = areas_mod.resolve(areas_mod.read(path), path)
    lines = areas_mod.repeated_places(areas)
    # the generic national scenario may describe any number of (illustrative) areas
    assert len(lines) == 1
    assert "'Southampton pilot', 'Southampton' (rows 2, 3)" in lines[0]
    assert "southampton" in lines[0] and "2 times" in lines[0]
    # a scenario file used twice is one place too
    (tmp_path / "mine.toml").write_text('[scenario]\nname = "mine"\n', encoding="utf-8")
    path.write_text("area,scenario\nA,mine.toml\nB,mine.toml\n", encoding="utf-8")
    lines = areas_mod.repeated_places(areas_mod.resolve(areas_mod.read(path), path))
    assert len(lines) == 1 and "mine.toml" in lines[0]


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    folder = tmp_path_factory.mktemp("twice")
    (folder / "areas.csv").write_text(TWICE, encoding="utf-8")
    out = folder / "out"
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["portfolio", str(folder / "areas.csv"), "--reps", "2", "--draws", "1",
                     "--seed", "5", "--out", str(out), "--workers", "1", "--no-progress",
                     "--engine", "simpy"]) == 0
    return out, err.getvalue()


def test_the_cli_warns_and_every_document_notes_it(twice):
    out, err = twice
    warnings = [line for line in err.splitlines() if line.startswith("pausesim: warning:")]
    assert len(warnings) == 1 and "'Southampton pilot', 'Southampton'" in warnings[0]
    import docx

    paragraphs = [p.text for p in docx.Document(str(out / "portfolio.docx")).paragraphs]
    assert any(p.startswith("Warning: areas 'Southampton pilot'") for p in paragraphs)
    page = unescape(re.sub(r"<[^>]+>", "", (out / "portfolio.html").read_text("utf-8")))
    assert "Warning: areas 'Southampton pilot', 'Southampton'" in page


def test_the_national_headline_is_in_both_views(twice):
    out, _ = twice
    both = pd.read_csv(out / "national_two_views.csv")
    assert list(dict.fromkeys(both.view)) == ["base", "authority"]
    # the same figures in each view, and the authority-wide view's are its own total
    assert both[both.view == "base"].figure.tolist() == \
        both[both.view == "authority"].figure.tolist()
    authority = pd.read_csv(out / "authority-wide" / "national_headline.csv")
    npv_5 = authority[(authority.metric == "net_cost_avoidance_cumulative_discounted")
                      & (authority.period == "year_5")].iloc[0]
    row = both[(both.view == "authority") & (both.figure == "net_to_horizon")].iloc[0]
    assert row["mean"] == pytest.approx(npv_5["mean"], rel=1e-9)
    import docx

    document = docx.Document(str(out / "portfolio.docx"))
    first = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert first[0][1].startswith("Base case") and first[0][2].startswith("Authority-wide")
    page = (out / "portfolio.html").read_text("utf-8")
    assert page.index("The national total in both views") < page.index("key figures")
