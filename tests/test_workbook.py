"""Inputs workbooks: ``pausesim template``, ``.xlsx`` scenarios read back like TOML, one-line
errors naming sheet, row and parameter, and Excel's own checks on every value cell."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime
from importlib import resources
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from simulation.cli import main
from simulation.core import deflators, monitoring, workbook
from simulation.core import scenario as scenario_mod
from simulation.core.errors import ScenarioError
from simulation.core.parameters import BY_KEY, PARAMETERS
from simulation.report import areas
from simulation.results import study

VALUE = workbook.INPUT_COLUMNS.index("value") + 1
SOURCE = workbook.INPUT_COLUMNS.index("source") + 1
DEFAULT = workbook.INPUT_COLUMNS.index("default (inherited)") + 1


def _template(tmp_path, reference="national", name="a.xlsx"):
    """``pausesim template REFERENCE --out tmp_path/NAME``."""
    path = tmp_path / name
    assert main(["template", reference, "--out", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def national_bytes():
    return workbook.template_bytes(scenario_mod.load("national"))


@pytest.fixture
def blank(tmp_path, national_bytes):
    """A fresh national template (as ``pausesim template national`` writes it)."""
    path = tmp_path / "a.xlsx"
    path.write_bytes(national_bytes)
    return path


def _row(ws, key: str) -> int:
    """The row of a parameter, found as a user would (by its section and name)."""
    section, name = key.split(".", 1)
    for r in range(2, ws.max_row + 1):
        if (ws.cell(r, 1).value, ws.cell(r, 2).value) == (section, name):
            return r
    raise AssertionError(f"no row for {key}")


def _edit(path, values=(), sources=None, change=None):
    """Set value cells (and source cells) of the Inputs sheet, or change the workbook, and save."""
    wb = openpyxl.load_workbook(path)
    ws = wb[workbook.INPUTS_SHEET]
    for key, value in dict(values).items():
        ws.cell(_row(ws, key), VALUE).value = value
    for key, source in (sources or {}).items():
        ws.cell(_row(ws, key), SOURCE).value = source
    if change is not None:
        change(wb)
    wb.save(path)


def _same_scenario(a, b, sources=True):
    assert dict(a.values) == dict(b.values)
    assert a.given == b.given
    assert a.calibration == b.calibration
    if sources:
        assert {k: a.sources[k] for k in a.given} == {k: b.sources[k] for k in b.given}


TWO_VALUES = {"practice.practitioners": 4, "costs.programme_cost_per_year_gbp": 331000,
              "costs.programme_cost_per_year_price_year": 2021}
TWO_SOURCES = {k: f"my council budget, row {i}" for i, k in enumerate(TWO_VALUES)}
TWO_TOML = """
[practice]
practitioners = { value = 4, source = "my council budget, row 0" }
[costs]
programme_cost_per_year_gbp = { value = 331000, source = "my council budget, row 1" }
programme_cost_per_year_price_year = { value = 2021, source = "my council budget, row 2" }
"""


# ------------------------------------------------------------------------- round trips
def test_edited_template_resolves_and_simulates_as_the_same_toml(tmp_path):
    path = _template(tmp_path)
    _edit(path, TWO_VALUES, TWO_SOURCES)
    from_xlsx = scenario_mod.load(str(path))
    from_toml = scenario_mod.parse(TWO_TOML, origin="a.toml")
    _same_scenario(from_xlsx, from_toml)
    assert from_xlsx.given == frozenset(TWO_VALUES)
    assert from_xlsx["practice.practitioners"] == 4
    # Same inputs, same seed: the same numbers, exactly (SimPy engine: no compile; small).

    a, b = (study.simulate(sc, reps=40, seed=3, engine="simpy", progress=False).summary()
            for sc in (from_xlsx, from_toml))
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.parametrize("name", scenario_mod.builtin_names())
def test_template_of_each_builtin_scenario_loads_back_the_same(tmp_path, name):
    try:
        original = scenario_mod.load(name)
    except ScenarioError as exc:  # the core rewrite is under way: say which, don't hide it
        pytest.skip(f"built-in {name!r} does not load on this main: {exc}"[:300])
    path = tmp_path / f"{name}.xlsx"
    workbook.write_template(original, path)
    back = scenario_mod.load(str(path))
    _same_scenario(back, original)
    assert (back.name, back.description, back.source) == \
        (original.name, original.description, original.source)


RICH_TOML = """
[scenario]
name = "rich"
description = "Every kind of value.\\nSecond line, quotes \\" and £."
source = "test: a made-up council"
calibration = "{calibration}"
[practice]
practitioners = {{ value = 5, source = "seed 999 p. 3: 'five practitioners' (£, é)" }}
outreach_months = 3.7
successive_cycles = {{ value = false, source = "one cohort" }}
[population]
eligible_women_at_start = {{ value = 51, source = "a calibrated parameter, pinned" }}
prior_removals_probabilities = {{ value = [0.0, 0.411765, 0.254902, 0.156863, 0.117647, \
0.058823, 0.0], source = "counts k/51" }}
[pregnancy]
age_rate_ratios = {{ value = [1.25, 1.3, 1.2, 1.0, 0.6, 0.2, 0.0333333333333], source = "x" }}
[costs]
placement_basis = {{ value = "all-ages-mean", source = "DfE comparable" }}
programme_cost_by_year_gbp = {{ value = {series}, source = "budget table" }}
programme_cost_by_year_price_year = {{ value = 2021, source = "budget table" }}
discount_rate_per_year = {{ value = 0.015, source = "health discount rate" }}
"""


@pytest.mark.parametrize("calibration", ["national-micro", "none"])
@pytest.mark.parametrize("series", ["[]", "[331000.0, 340000.5, 0.1]"])
def test_every_kind_of_value_round_trips(tmp_path, calibration, series):
    original = scenario_mod.parse(RICH_TOML.format(calibration=calibration, series=series),
                                  origin=str(tmp_path / "rich.toml"))
    path = tmp_path / "rich.xlsx"
    workbook.write_template(original, path)
    back = scenario_mod.load(str(path))
    _same_scenario(back, original, sources=False)
    assert (back.name, back.description, back.source) == \
        (original.name, original.description, original.source)
    # A value without a source stays without one: the template does not invent one.
    assert back.sources["practice.outreach_months"] == f"{path} (no source given)"
    cited = original.given - {"practice.outreach_months"}
    assert {k: back.sources[k] for k in cited} == {k: original.sources[k] for k in cited}


def test_template_of_a_workbook_keeps_its_values(tmp_path):
    first = _template(tmp_path)
    _edit(first, TWO_VALUES, TWO_SOURCES)
    second = _template(tmp_path, str(first), "b.xlsx")
    _same_scenario(scenario_mod.load(str(second)), scenario_mod.load(str(first)))


def test_calibrated_parameters_are_left_blank_with_their_point_estimate(blank, national):
    ws = openpyxl.load_workbook(blank)[workbook.INPUTS_SHEET]
    calibrated = set(national.calibrated_keys())
    assert calibrated  # otherwise this test checks nothing
    for p in PARAMETERS:
        r = _row(ws, p.key)
        assert ws.cell(r, VALUE).value is None, p.key  # national gives nothing: all inherit
        default = ws.cell(r, DEFAULT).value
        if p.key in calibrated:
            assert default.startswith("calibrated: drawn from posterior 'national' (point "
                                      "estimate "), p.key
        else:
            assert "calibrated" not in default, p.key


# ------------------------------------------------------------------- accepted cell forms
@pytest.mark.parametrize("key,cell,expected", [
    ("practice.practitioners", "3", 3.0),  # full-time equivalent: decimals (issue 21)
    ("practice.practitioners", " 4 ", 4.0),
    ("practice.practitioners", 5.0, 5.0),
    ("practice.practitioners", 2.5, 2.5),
    ("practice.practitioners", "2.5", 2.5),
    ("costs.programme_cost_per_year_gbp", "£331,000", 331000.0),
    ("costs.programme_cost_per_year_gbp", "GBP 331000.50", 331000.5),
    ("costs.programme_cost_per_year_price_year", "2021/22", 2021),
    ("costs.price_year", "2023", 2023),
    ("practice.successive_cycles", False, False),
    ("practice.successive_cycles", "true", True),
    ("care.route_probabilities", "0.4; 0.3; 0.2; 0.1", [0.4, 0.3, 0.2, 0.1]),
    ("care.route_probabilities", "0.4;0.3;0.2;0.1;", [0.4, 0.3, 0.2, 0.1]),
    ("care.route_probabilities", "[0.4, 0.3, 0.2, 0.1]", [0.4, 0.3, 0.2, 0.1]),
    ("costs.programme_cost_by_year_gbp", "£331,000; £340,000", [331000.0, 340000.0]),
    ("costs.programme_cost_by_year_gbp", 331000, [331000.0]),
    ("costs.programme_cost_by_year_gbp", "none", []),
    ("costs.placement_basis", "all-ages-mean", "all-ages-mean"),
])
def test_cells_are_read_as_a_user_types_them(blank, key, cell, expected):
    path = blank
    _edit(path, {key: cell})
    sc = scenario_mod.load(str(path))
    assert sc[key] == expected and type(sc[key]) is type(expected)
    assert key in sc.given


# ------------------------------------------------------------------------- bad input
def _error(path) -> str:
    with pytest.raises(ScenarioError) as err:
        scenario_mod.load(str(path))
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


def test_bad_value_gives_the_example_line(tmp_path):
    path = _template(tmp_path, name="myarea.xlsx")
    _edit(path, {"practice.practitioners": "three"})
    row = _row(openpyxl.load_workbook(path)[workbook.INPUTS_SHEET], "practice.practitioners")
    assert _error(path).startswith(
        f"{path}, sheet 'Inputs', row {row}: practice.practitioners = 'three' is invalid: "
        "must be a number in [0.5, 30]")  # FTE decimals (issue 21)


@pytest.mark.parametrize("key,cell,fragment", [
    ("practice.practitioners", datetime(2021, 3, 4), "'2021-03-04 (a date or time)' is invalid"),
    ("practice.practitioners", "£3", "'£3' is invalid"),  # £ only in money cells
    ("practice.outreach_months", "1,5", "'1,5' is invalid"),  # a decimal comma
    ("outreach.enrol_probability", "43%", "'43%' is invalid: must be a number in [0, 1]"),
    ("outreach.enrol_probability", 1.2, "= 1.2 is invalid"),
    ("practice.successive_cycles", "maybe", "'maybe' is invalid: must be true or false"),
    ("practice.successive_cycles", 1, "= 1 is invalid: must be true or false"),
    ("care.route_probabilities", "0.5; 0.5", "must be a list of 4 probabilities summing to 1"),
    ("care.route_probabilities", "0.5; x; 0.2; 0.3", "'0.5; x; 0.2; 0.3' is invalid"),
    ("costs.placement_basis", "infant mix", "must be one of 'infant-mix', 'all-ages-mean'"),
    ("costs.programme_cost_per_year_price_year", 1990, "GDP deflator table covers"),
    ("costs.programme_cost_per_year_price_year", "2021/23", "'2021/23' is invalid"),
    ("practice.practitioners", "=1+2", "is a formula with no saved result (=1+2)"),
])
def test_bad_cell_is_one_line_naming_sheet_row_and_parameter(blank, key, cell, fragment):
    path = blank
    _edit(path, {key: cell})
    row = _row(openpyxl.load_workbook(path)[workbook.INPUTS_SHEET], key)
    message = _error(path)
    assert f"sheet 'Inputs', row {row}: {key}" in message and fragment in message


def _one_of_each_kind():
    kinds = {}
    for p in PARAMETERS:
        kinds.setdefault("price year" if p.key.endswith("price_year") else
                         "money" if p.is_money else p.kind, p)
    return list(kinds.values())


def _out_of_range(p):
    """A value the parameter does not allow, as a cell and as TOML."""
    if p.kind in ("bool", "choice"):
        return "other", '"other"'
    if p.kind in ("probabilities", "ratios", "series"):
        return "-1; 2", "[-1.0, 2.0]"
    low = 0 if p.kind == "probability" else p.low
    return low - 1, repr(low - 1)


@pytest.mark.parametrize("param", _one_of_each_kind(), ids=lambda p: p.key)
def test_bad_value_reads_as_the_toml_line_located(blank, param):
    """The workbook's line is the TOML line (same validation code), with sheet and row."""
    cell, toml = _out_of_range(param)
    with pytest.raises(ScenarioError) as toml_err:
        scenario_mod.parse(f"[{param.section}]\n{param.name} = {toml}\n", origin="my.toml")
    _edit(blank, {param.key: cell})
    row = _row(openpyxl.load_workbook(blank)[workbook.INPUTS_SHEET], param.key)
    toml_line = str(toml_err.value)
    assert toml_line.startswith(f"my.toml: {param.key} = ")
    assert _error(blank) == toml_line.replace("my.toml", f"{blank}, sheet 'Inputs', row {row}", 1)


def _rename_header(old, new):
    def change(wb):
        ws = wb[workbook.INPUTS_SHEET]
        ws.cell(1, workbook.INPUT_COLUMNS.index(old) + 1).value = new
    return change


def _add_row(section, name, value):
    def change(wb):
        ws = wb[workbook.INPUTS_SHEET]
        r = ws.max_row + 1
        for column, text in ((1, section), (2, name), (VALUE, value)):
            ws.cell(r, column, text)
    return change


def _scenario_row(field, value):
    def change(wb):
        ws = wb[workbook.SCENARIO_SHEET]
        r = ws.max_row + 1
        ws.cell(r, 1, field)
        ws.cell(r, 2, value)
    return change


def _set_scenario(field, value):
    def change(wb):
        ws = wb[workbook.SCENARIO_SHEET]
        r = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == field)
        ws.cell(r, 2, value)
    return change


def _rename_parameter(key, new_key):
    def change(wb):
        ws = wb[workbook.INPUTS_SHEET]
        r = _row(ws, key)
        section, name = new_key.split(".", 1)
        ws.cell(r, 1, section)
        ws.cell(r, 2, name)
    return change


@pytest.mark.parametrize("change,location,fragment", [
    (lambda wb: wb.remove(wb[workbook.INPUTS_SHEET]), None, "no sheet 'Inputs'"),
    (lambda wb: wb.remove(wb[workbook.SCENARIO_SHEET]), None, "no sheet 'Scenario'"),
    (_rename_header("value", "amount"), "sheet 'Inputs', row 1", "no column 'value'"),
    (_rename_header("value", "values"), "sheet 'Inputs', row 1",
     "'values' looks like it: rename it 'value'"),
    (_rename_header("source", None), "sheet 'Inputs', row 1", "no column 'source'"),
    (_rename_header("label", "value"), "sheet 'Inputs', row 1", "column 'value' appears twice"),
    (_rename_parameter("practice.practitioners", "practice.practitioner"), "practitioners",
     "unknown parameter 'practice.practitioner' (did you mean 'practice.practitioners'?)"),
    (_rename_parameter("practice.practitioners", "practise.practitioners"), "practitioners",
     "unknown parameter 'practise.practitioners' (did you mean 'practice'?)"),
    (_add_row("practice", "practitioners", 4), "last",
     "practice.practitioners is given twice (rows 2 and "),
    (_add_row(None, None, 4), "last", "a value or source with no parameter"),
    (_scenario_row("nmae", "x"), "sheet 'Scenario', row 7",
     "unknown field 'nmae' (did you mean 'name'?)"),
    (_scenario_row(None, "x"), "sheet 'Scenario', row 7", "a value with no field"),
    (_scenario_row("name", "x"), "sheet 'Scenario', row 7", "field 'name' is given twice"),
    (_set_scenario("calibration", "nationl"), "sheet 'Scenario', row 6",
     "[scenario] calibration = 'nationl' is invalid"),
])
def test_bad_workbook_is_one_line_naming_the_place(blank, change, location, fragment):
    path = blank
    _edit(path, change=change)
    ws = openpyxl.load_workbook(path)
    if location == "practitioners":
        location = "sheet 'Inputs', row 2"  # the renamed row: the first parameter's
        assert PARAMETERS[0].key == "practice.practitioners"
    elif location == "last":
        location = f"sheet 'Inputs', row {ws[workbook.INPUTS_SHEET].max_row}"
    message = _error(path)
    assert fragment in message
    if location:
        assert f"{path}, {location}: " in message


def test_source_without_value_is_an_error(blank):
    path = blank
    _edit(path, sources={"practice.practitioners": "seed 004"})
    assert "practice.practitioners has a source but no value" in _error(path)


def _zip_without_workbook(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a workbook")


@pytest.mark.parametrize("make,fragment", [
    (lambda p: p.write_text("section,name,value\npractice,practitioners,4\n"), "CSV renamed"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), "(.xls)"),
    (lambda p: p.write_bytes(b""), "empty (0 bytes)"),
    (_zip_without_workbook, "damaged or non-Excel zip file"),
    (lambda p: p.write_bytes(workbook.template_bytes(scenario_mod.load("national"))[:5000]),
     "damaged or non-Excel zip file"),
    (lambda p: None, "no such file"),
])
def test_file_that_is_not_an_xlsx_is_one_line(tmp_path, make, fragment):
    path = tmp_path / "myarea.xlsx"
    make(path)
    assert fragment in _error(path)


# ------------------------------------------------------------------------------ CLI
@pytest.mark.parametrize("args,fragment", [
    (["atlantis", "--out", "{tmp}/a.xlsx"], "neither a built-in scenario"),
    (["national", "--out", "{tmp}/a.toml"], "must end in .xlsx"),
    (["national", "--out", "{tmp}/no/such/a.xlsx"], "does not exist"),
    (["national", "--out", "{tmp}/keep.txt/a.xlsx"], "is not a folder"),
    (["national", "--out", "{tmp}/folder.xlsx"], "is a folder"),
    (["national", "--out", "{tmp}/existing.xlsx"], "already exists (use --force"),
    (["national", "--set", "practice.practitioners=0", "--out", "{tmp}/a.xlsx"],
     "practice.practitioners = 0 is invalid"),
    (["{tmp}/keep.txt", "--out", "{tmp}/a.xlsx"], "keep.txt"),
    (["{tmp}/existing.xlsx", "--out", "{tmp}/a.xlsx"], "CSV renamed"),
])
def test_cli_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, args, fragment):
    (tmp_path / "keep.txt").write_text("mine")
    (tmp_path / "folder.xlsx").mkdir()
    (tmp_path / "existing.xlsx").write_text("a,b\n1,2\n")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert main(["template", *[a.format(tmp=tmp_path) for a in args]]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and fragment in err and "Traceback" not in err
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before  # nothing written, nothing changed, no temporary left


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_cli_unwritable_folder(tmp_path, capsys):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert main(["template", "--out", str(folder / "a.xlsx")]) == 2
        assert "not writable" in capsys.readouterr().err and not list(folder.iterdir())
    finally:
        folder.chmod(0o700)


def test_cli_force_replaces_the_file(tmp_path, capsys):
    path = tmp_path / "a.xlsx"
    path.write_bytes(workbook.template_bytes(scenario_mod.load("dorset-2022")))
    assert main(["template", "--out", str(path), "--force"]) == 0
    assert scenario_mod.load(str(path)).values == scenario_mod.load("national").values
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]  # no temporary left
    assert "wrote" in capsys.readouterr().err


# ---------------------------------------------------------------- Excel's own checks
def _validation_of(ws, coordinate):
    found = [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(found) == 1, coordinate
    return found[0]


def test_every_value_cell_has_excel_validation(blank):
    wb = openpyxl.load_workbook(blank)
    ws = wb[workbook.INPUTS_SHEET]
    years = deflators.years()
    for p in PARAMETERS:
        cell = ws.cell(_row(ws, p.key), VALUE)
        dv = _validation_of(ws, cell.coordinate)
        assert p.unit in dv.prompt and "Allowed:" in dv.prompt, p.key
        assert cell.fill.fgColor.rgb.endswith(workbook.INPUT_FILL.fgColor.rgb[-6:]), p.key
        if p.kind == "bool":
            assert (dv.type, dv.formula1) == ("list", '"TRUE,FALSE"')
        elif p.kind == "choice":
            assert dv.type == "list" and dv.formula1 == '"' + ",".join(p.labels) + '"'
        elif p.key.endswith("price_year"):
            assert (dv.type, float(dv.formula1), float(dv.formula2)) == \
                ("whole", years[0], years[-1]), p.key
        elif p.kind in ("int", "float", "probability"):
            lo, hi = (0, 1) if p.kind == "probability" else (p.low, p.high)
            assert dv.type == ("whole" if p.kind == "int" else "decimal"), p.key
            assert (dv.operator, float(dv.formula1), float(dv.formula2)) == ("between", lo, hi)
        else:  # '; '-separated lists: Excel has no check for them, the prompt says how
            assert dv.type is None and "separated by '; '" in dv.prompt, p.key
        if dv.type is not None:
            assert dv.showErrorMessage and dv.error and dv.errorStyle == "stop", p.key
        assert len(dv.prompt) <= 255 and len(dv.error) <= 225 and len(dv.promptTitle) <= 32
    calibration = _validation_of(wb[workbook.SCENARIO_SHEET], "B5")
    assert calibration.type == "list" and "national" in calibration.formula1


def test_workbook_is_readable(blank):
    wb = openpyxl.load_workbook(blank)
    assert wb.sheetnames == ["Scenario", "Inputs", "Notes", "Monitoring"]
    assert tuple(c.value for c in wb[workbook.MONITORING_SHEET][1]) == monitoring.COLUMNS
    ws = wb[workbook.INPUTS_SHEET]
    assert tuple(c.value for c in ws[1]) == workbook.INPUT_COLUMNS
    assert ws.freeze_panes == "D2" and wb[workbook.SCENARIO_SHEET].freeze_panes == "A2"
    assert all(ws.cell(2, c).alignment.wrap_text for c in range(1, len(workbook.INPUT_COLUMNS)))
    assert ws.max_row - 1 == len(PARAMETERS)
    notes = " ".join(str(c.value) for c in wb[workbook.NOTES_SHEET]["A"])
    for text in ("pausesim run myarea.xlsx", "pausesim report myarea.xlsx", "Blank = inherit",
                 "'£331,000' is 331000", "separated by '; '", "source"):
        assert text in notes
    for p in PARAMETERS:  # every list parameter's order is spelled out
        if p.kind in ("probabilities", "ratios"):
            assert f"({p.key}): {'; '.join(map(str, p.labels))}." in notes
    assert BY_KEY["costs.price_year"].label in notes


def test_calibration_file_still_found_from_another_folder(tmp_path):
    """A posterior file is written as an absolute path: the workbook may be saved elsewhere."""
    import shutil

    area = tmp_path / "area"
    area.mkdir()
    shipped = resources.files("simulation").joinpath("data", "posteriors")
    for ext in ("csv", "json"):
        shutil.copy(shipped.joinpath(f"national.{ext}"), area / f"mine.{ext}")
    toml = area / "mine.toml"
    toml.write_text('[scenario]\ncalibration = "mine.csv"\n[practice]\npractitioners = 4\n')
    original = scenario_mod.load(str(toml))
    path = _template(tmp_path, str(toml), "elsewhere.xlsx")
    back = scenario_mod.load(str(path))
    assert dict(back.values) == dict(original.values) and back.given == original.given
    assert Path(back.calibration).resolve() == (area / "mine.csv").resolve()
    assert back.calibrated_keys() == original.calibrated_keys() != []


# ---------------------------------------- FTE decimals, money text, inherited inflow (issue 21)


def test_workbook_fte_money_and_inherited_inflow(tmp_path, national):
    import openpyxl

    from simulation.core import workbook

    path = tmp_path / "myarea.xlsx"
    workbook.write_template(national, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[workbook.INPUTS_SHEET]
    header = [c.value for c in ws[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    for r in range(2, ws.max_row + 1):
        key = f"{ws.cell(r, col['section']).value}.{ws.cell(r, col['name']).value}"
        if key == "practice.practitioners":
            ws.cell(r, col["value"]).value = 2.5
        if key == "population.eligible_women_at_start":
            ws.cell(r, col["value"]).value = 30
        if key == "costs.programme_cost_per_year_gbp":
            ws.cell(r, col["value"]).value = "£300,000"
    wb.save(path)
    sc = scenario_mod.load(str(path))
    assert sc["practice.practitioners"] == 2.5 and sc.capacity == 20
    assert sc["costs.programme_cost_per_year_gbp"] == 300000.0
    # the inflow left blank is the national one: flagged on every run, with what it adds
    (warning,) = scenario_mod.inherited_inflow(sc)
    assert "INHERITED" in warning and "list of 30" in warning


# -------------------------- formula-like text stays text; huge integers are one line (issue 23)


def test_template_writes_text_that_starts_with_equals_as_text(tmp_path):
    text = ('[scenario]\nname = "=1+1"\ndescription = "@SUM(A1)"\nsource = "=HYPERLINK(\\"x\\")"\n'
            '[practice]\npractitioners = { value = 4, source = "=cmd|\' /C calc\'!A0" }\n')
    scenario = scenario_mod.parse(text, origin="f.toml")
    path = tmp_path / "t.xlsx"
    workbook.write_template(scenario, path)
    book = openpyxl.load_workbook(path)  # formulas kept as formulas: none may be there
    formulas = [c.coordinate for ws in book for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    fields = {r[0].value: r[1].value for r in book[workbook.SCENARIO_SHEET].iter_rows(min_row=2)}
    assert (fields["name"], fields["source"]) == ("=1+1", '=HYPERLINK("x")')
    back = scenario_mod.load(str(path))  # and they read back as the same text
    assert (back.name, back.description, back.sources["practice.practitioners"]) == \
        ("=1+1", "@SUM(A1)", "=cmd|' /C calc'!A0")


def test_a_list_cell_with_a_5000_digit_integer_is_one_line(tmp_path):
    path = tmp_path / "w.xlsx"
    path.write_bytes(workbook.template_bytes(scenario_mod.load("national")))
    book = openpyxl.load_workbook(path)
    sheet = book[workbook.INPUTS_SHEET]
    row = next(r for r in range(2, sheet.max_row + 1)
               if sheet.cell(r, 2).value == "age_band_probabilities")
    sheet.cell(row, workbook.INPUT_COLUMNS.index("value") + 1).value = f"[1{'0' * 5000}, 1]"
    book.save(path)
    with pytest.raises(ScenarioError, match=f"row {row}: population.age_band_probabilities"):
        scenario_mod.load(str(path))


# ----------------------------------- workbook readers are linear and bounded in size (issue 23)


def _areas_book(path, far: str, value):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "areas"
    sheet.append(["area", "scenario"])
    sheet.append(["Leeds", "national"])
    sheet[far] = value
    if value is None:
        sheet[far].font = openpyxl.styles.Font(bold=True)  # a styled, empty cell
    book.save(path)
    return path


@pytest.fixture
def cells_read(monkeypatch):
    """How many cells the read-only workbook reader hands out (``cells_read[0]``); fails at
    once past ``CELL_LIMIT``, instead of working through a sheet padded to a far-away cell."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    original, seen = ReadOnlyWorksheet._cells_by_row, [0]

    def counted(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            seen[0] += len(row)
            if seen[0] > CELL_LIMIT:
                raise AssertionError(f"the reader went through more than {CELL_LIMIT} cells")
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counted)
    return seen


#: Cells this test's reads may hand out: the sheets themselves (~2,000 in all) and, for a cell
#: in column XFD, its one row (16,384 cells; each of the three files is read twice, values and
#: formulas: ~100,000 in all). A sheet padded to the far-away cell would hand out 130,000
#: per read at Z5000 and 1.7e10 at XFD1048576.
CELL_LIMIT = 200_000


@pytest.mark.parametrize("far", ["Z5000", "XFD1048576"])
def test_a_far_away_cell_costs_nothing(tmp_path, far, cells_read):
    """A styled or filled cell far away (Excel's last cell, XFD1048576) does not make the
    reader go through every cell up to it: counted, not timed (a timing fails on a busy
    machine)."""
    assert [r.label for r in areas.read(_areas_book(tmp_path / "a.xlsx", far, None))] == ["Leeds"]
    with pytest.raises(ScenarioError, match=f"row {far[1 if far[1].isdigit() else 3:]}: a value"):
        areas.read(_areas_book(tmp_path / "b.xlsx", far, "far"))
    inputs = tmp_path / "inputs.xlsx"
    inputs.write_bytes(workbook.template_bytes(scenario_mod.load("national")))
    book = openpyxl.load_workbook(inputs)
    book[workbook.INPUTS_SHEET][far].font = openpyxl.styles.Font(bold=True)
    book.save(inputs)
    assert scenario_mod.load(str(inputs)).values == scenario_mod.load("national").values
    assert 0 < cells_read[0] <= CELL_LIMIT


@pytest.mark.parametrize("kind", ["areas", "inputs"])
def test_a_workbook_that_unpacks_to_too_much_is_one_line(tmp_path, kind):
    path = tmp_path / "big.xlsx"
    small = (_areas_book(tmp_path / "a.xlsx", "A3", None).read_bytes() if kind == "areas" else
             workbook.template_bytes(scenario_mod.load("national")))
    with zipfile.ZipFile(io.BytesIO(small)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.writestr("xl/padding.xml", b" " * (workbook.MAX_UNPACKED_BYTES + 1))
    assert path.stat().st_size < 2 ** 20
    with pytest.raises(ScenarioError, match="unpacks to 50 MB, more than"):
        areas.read(path) if kind == "areas" else scenario_mod.load(str(path))
