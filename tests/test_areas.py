"""The areas file of ``pausesim portfolio`` (simulation/report/areas.py): the example is a total
of distinct practices, a place counted twice is one line, labels read as Excel writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulation.core.errors import ScenarioError
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


def test_control_characters_in_an_area_label_are_refused_before_simulating(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("area,scenario\nLe\x01eds,national\n")
    with pytest.raises(ScenarioError, match=r"row 2, column 'area'.*U\+0001"):
        areas_mod.read(path)


@pytest.mark.parametrize("line,label", [('"Dorset ""North""",national', 'Dorset "North"'),
                                        ('"Leeds, West",national', "Leeds, West"),
                                        ('"Leeds; West";national', "Leeds; West")])
def test_areas_csv_reads_quoted_labels_as_excel_writes_them(tmp_path, line, label):
    path = tmp_path / "areas.csv"
    header = "area;scenario" if ";national" in line else "area,scenario"
    path.write_text(f"{header}\n{line}\n")
    assert [row.label for row in areas_mod.read(path)] == [label]
