"""The one-line contract, swept (issue 15): every parameter of the registry with bad values of
every kind, in a scenario file and through ``--set``, and every option of every command with
bad values.

"One line": exit code 2, exactly one stderr line starting ``pausesim``, no traceback, nothing
written - and before simulating: the simulation, the dask executors and the calibration are
replaced by stubs that fail the test if reached. Everything runs in-process, so the sweep stays
fast. Parameters come from :data:`simulation.core.parameters.PARAMETERS` and options from the
argument parsers, so new ones are swept automatically; a new option with no bad values of its
own fails :func:`test_every_option_is_swept`.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import os
import zipfile
from importlib import resources
from pathlib import PurePosixPath

import openpyxl
import pandas as pd
import pytest
from sheets import type_csv

from simulation import cli, runner
from simulation.cli import main
from simulation.core import deflators, workbook
from simulation.core import scenario as scenario_mod
from simulation.core.errors import ScenarioError
from simulation.core.parameters import BY_KEY, PARAMETERS, SERIES_MAX, Param

HUGE = "1" + "0" * 400  # overflows a float
TOO_LONG = "1" + "0" * 5000  # beyond Python's 4,300-digit int conversion limit
LONG_NAME = "b" * 5000  # longer than any file name or path the file system takes
DEEP = "/".join(["d"] * 2000)  # folders deeper than Python's recursion limit
YEARS = deflators.years()  # price years the GDP deflator table covers


# ------------------------------------------------------------------- bad values by kind
def _num(x: float) -> str:
    """A number as a TOML literal."""
    x = float(x)
    return repr(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _list(values) -> str:
    """A TOML list; str items are written as they are (``"x"``, ``nan``, ``true``)."""
    return "[" + ", ".join(v if isinstance(v, str) else _num(v) for v in values) + "]"


def _is_price_year(p: Param) -> bool:
    return p.key.endswith("price_year")


def bad_values(p: Param) -> list[tuple[str, str]]:
    """(what is wrong, TOML literal) for one parameter, by its kind."""
    common = [("text", '"abc"'), ("table", "{ wrong = 1 }"), ("date", "1979-05-27"),
              ("empty text", '""')]
    if p.kind == "bool":
        return common + [("number", "1"), ("zero", "0"), ("text true", '"true"'),
                         ("list", "[true]"), ("nan", "nan")]
    if p.kind == "choice":
        first = p.labels[0]
        return common + [("not a choice", '"nonsense"'), ("wrong case", f'"{first.upper()}"'),
                         ("padded", f'" {first}"'), ("number", "1"), ("bool", "true"),
                         ("list of a choice", f'["{first}"]'), ("huge integer", HUGE)]
    if p.kind == "series":
        horizon_years = math.ceil(BY_KEY["practice.horizon_months"].default / 12)
        return common + [
            ("scalar", "1000"), ("nested", "[[1000]]"), ("text element", '["x"]'),
            ("money text element", '["£1,000"]'), ("nan element", "[nan]"),
            ("inf element", "[inf]"), ("bool element", "[true]"), ("huge element", f"[{HUGE}]"),
            ("element below range", _list([p.low - 1])),
            ("element above range", _list([p.high + 1])),
            ("longer than allowed", _list([1] * (SERIES_MAX + 1))),
            ("longer than the horizon", _list([1] * (horizon_years + 1))),
        ]
    if p.kind in ("probabilities", "ratios"):
        n, good = len(p.labels), list(p.default)
        lo, hi = (0.0, 1.0) if p.kind == "probabilities" else (p.low, p.high)
        cases = common + [
            ("too short", _list(good[:-1])), ("too long", _list(good + [good[-1]])),
            ("empty list", "[]"), ("scalar", _num(good[0])), ("nested", f"[{_list(good)}]"),
            ("text element", _list(['"x"'] + good[1:])),
            ("nan element", _list(["nan"] + good[1:])),
            ("inf element", _list(["inf"] + good[1:])),
            ("bool element", _list(["true"] + good[1:])),
            ("huge element", _list([HUGE] + good[1:])),
            ("element below range", _list([lo - 0.5] + good[1:])),
            ("element above range", _list([hi + 0.5] + good[1:])),
        ]
        if p.kind == "probabilities":
            cases += [("not summing to 1", _list([v / 2 for v in good])),
                      ("summing to 1 out of range", _list([1.5, -0.5] + [0.0] * (n - 2)))]
        return cases
    # numbers: float, int, probability; money amounts and their price years
    lo = 0.0 if p.kind == "probability" else p.low
    hi = 1.0 if p.kind == "probability" else p.high
    cases = common + [("bool", "true"), ("number as text", f'"{p.default}"'), ("nan", "nan"),
                      ("inf", "inf"), ("-inf", "-inf"), ("list", f"[{_num(p.default)}]"),
                      ("huge integer", HUGE), ("huge negative integer", "-" + HUGE)]
    for bound, sign, what in ((lo, -1, "below"), (hi, +1, "above")):
        if bound is None:
            continue
        step = 1 if p.kind == "int" else 1e-6 * max(1.0, abs(bound))
        cases += [(f"{what} range", _num(bound + sign)),
                  (f"just {what} range", _num(bound + sign * step))]
    if p.kind == "int":
        cases += [("not an integer", _num(lo + 0.5)), ("integer as text", f'"{int(lo)}"')]
    if p.is_money:
        cases += [("money text", '"£300,000"'), ("negative", "-1")]
    if _is_price_year(p):
        cases += [("financial year text", f'"{YEARS[0]}/{(YEARS[0] + 1) % 100:02d}"'),
                  ("two-digit year", "15"), ("zero", "0"), ("far future", "3000")]
    return cases


def _case_id(p: Param, what: str) -> str:
    return f"{p.key}:{what}"


PARAM_CASES = [pytest.param(p, what, literal, id=_case_id(p, what))
               for p in PARAMETERS for what, literal in bad_values(p)]


def one_error_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert text and "\n" not in text and "Traceback" not in text, text
    return text


def check_names_what_is_allowed(param: Param, what: str, line: str) -> None:
    """A price year outside the deflator table says which years the table covers."""
    assert param.key in line, line
    if _is_price_year(param) and "range" in what or what in ("two-digit year", "far future"):
        assert "GDP deflator table covers" in line, line
    if what == "money text":  # how to write it: the workbook reads '£300,000', TOML does not
        # issue 21: consistent with the workbook's Notes (which show '£300,000'): say what to
        # write, never "do not use £"
        assert "as a number, e.g. 300000" in line and "'£300,000'" in line, line
    if what == "financial year text":
        assert "by its first year" in line, line


@pytest.mark.parametrize("form", ["plain", "with source"])
@pytest.mark.parametrize("param,what,literal", PARAM_CASES)
def test_every_parameter_refuses_bad_values_in_a_file(param, what, literal, form):
    value = literal if form == "plain" else f'{{ value = {literal}, source = "s" }}'
    text = f"[{param.section}]\n{param.name} = {value}\n"
    with pytest.raises(ScenarioError) as exc:
        scenario_mod.parse(text, origin="bad.toml")
    line = one_error_line(exc)
    assert line.startswith("bad.toml: ")
    check_names_what_is_allowed(param, what, line)


STRUCTURE_CASES = {
    "empty file": "",
    "whitespace only": "  \n\t\n",
    "unknown section": "[practise]\npractitioners = 3\n",
    "unknown parameter": "[practice]\npractioners = 3\n",
    "section not a table": "practice = 3\n",
    "unknown [scenario] key": "[scenario]\nnmae = \"x\"\n",
    "[scenario] not a table": "scenario = 3\n",
    "name not text": "[scenario]\nname = 3\n",
    "title not text": "[scenario]\ntitle = [\"x\"]\n",
    "calibration not shipped": "[scenario]\ncalibration = \"nope\"\n",
    "calibration not text": "[scenario]\ncalibration = 5\n",
    "calibration file missing": "[scenario]\ncalibration = \"nowhere/post.csv\"\n",
    "table without value": "[practice]\npractitioners = { source = \"s\" }\n",
    "table with extra key": "[practice]\npractitioners = { value = 3, sauce = \"s\" }\n",
    "not TOML": "[practice\npractitioners = 3\n",
    "duplicate key": "[practice]\npractitioners = 3\npractitioners = 4\n",
    "integer too long": f"[practice]\npractitioners = {TOO_LONG}\n",
    "deeply nested list": "[practice]\npractitioners = " + "[" * 3000 + "]" * 3000 + "\n",
    "deeply nested tables": "\n".join("[" + ".".join(["a"] * i) + "]" for i in range(1, 40)),
    "no women anywhere": "[pregnancy]\nage_rate_ratios = [0, 0, 0, 0, 0, 0, 0]\n",
    "schedule beyond a short horizon": "[practice]\nhorizon_months = 12\n"
                                       "[costs]\nprogramme_cost_by_year_gbp = [1, 2]\n",
}


@pytest.mark.parametrize("text", STRUCTURE_CASES.values(), ids=STRUCTURE_CASES.keys())
def test_badly_built_files_are_one_line(text):
    with pytest.raises(ScenarioError) as exc:
        scenario_mod.parse(text, origin="bad.toml")
    assert one_error_line(exc).startswith("bad.toml: ")


# ------------------------------------------------------------------------ the CLI harness
class Simulated(AssertionError):
    """Raised by the stubs: bad input reached the simulation (or a dask cluster)."""


def _refuse(*args, **kwargs):
    raise Simulated("bad input was not refused before simulating")


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    """An empty working folder; the simulation, dask and calibration stubbed out."""
    from calibration import emulate, workflow

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(runner, "run", _refuse)
    monkeypatch.setattr(runner, "dask_executor", _refuse)
    monkeypatch.setattr(runner.executors, "_probe_scheduler", _refuse)
    monkeypatch.setattr(emulate, "calibrate", _refuse)
    monkeypatch.setattr(workflow, "run", _refuse)
    return work


def snapshot(*folders) -> dict[str, float]:
    return {str(p): p.lstat().st_mtime for folder in folders for p in folder.rglob("*")}


def check_one_line(argv: list[str], capsys, *folders) -> str:
    """Run ``pausesim ARGV`` in-process: exit 2, one stderr line, nothing written."""
    before = snapshot(*folders)
    capsys.readouterr()
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 2, (argv, code, captured.err)
    assert len(lines) == 1, (argv, captured.err)
    assert "Traceback" not in captured.err and lines[0].startswith("pausesim"), lines
    assert snapshot(*folders) == before, argv
    return lines[0]


@pytest.mark.parametrize("param,what,literal", PARAM_CASES)
def test_every_parameter_refuses_bad_values_through_set(cwd, capsys, param, what, literal):
    line = check_one_line(["run", "--set", f"{param.key}={literal}", "--no-progress"], capsys,
                          cwd)
    check_names_what_is_allowed(param, what, line)


# ---------------------------------------------------------------- inputs workbooks (.xlsx)
def _bad_cell(p: Param):
    """A cell the parameter does not allow, as a user might type it."""
    if p.kind in ("bool", "choice"):
        return "other"
    if p.kind in ("probabilities", "ratios", "series"):
        return "-1; x"
    return (0 if p.kind == "probability" else p.low) - 1


def _one_of_each_kind() -> list[Param]:
    kinds: dict[str, Param] = {}
    for p in PARAMETERS:
        kinds.setdefault("price year" if _is_price_year(p) else "money" if p.is_money
                         else p.kind, p)
    return list(kinds.values())


@pytest.fixture(scope="module")
def national_template() -> bytes:
    return workbook.template_bytes(scenario_mod.load("national"))


@pytest.mark.parametrize("param", _one_of_each_kind(), ids=lambda p: p.key)
def test_a_bad_workbook_cell_is_one_line(cwd, capsys, tmp_path, national_template, param):
    """``pausesim template`` then a bad cell: the same one line, naming sheet and row."""
    path = tmp_path / "inputs" / "book.xlsx"
    path.parent.mkdir()
    path.write_bytes(national_template)
    book = openpyxl.load_workbook(path)
    sheet = book[workbook.INPUTS_SHEET]
    column = workbook.INPUT_COLUMNS.index("value") + 1
    row = next(r for r in range(2, sheet.max_row + 1)
               if (sheet.cell(r, 1).value, sheet.cell(r, 2).value) == (param.section, param.name))
    sheet.cell(row, column).value = _bad_cell(param)
    book.save(path)
    line = check_one_line(["run", str(path), "--no-progress"], capsys, cwd, path.parent)
    assert f"sheet 'Inputs', row {row}: {param.key}" in line


# ------------------------------------------------------------------ every option of every command
@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Bad (and a few good) input files, outside the working folder."""
    folder = tmp_path_factory.mktemp("inputs")
    made = {
        "binary.toml": bytes(range(256)),
        "not_word.docx": b"PK\x03\x04 not a Word document",
        "latin1.toml": "[scenario]\nname = \"£\"\n".encode("latin-1"),
        "utf16.toml": "[practice]\npractitioners = 3\n".encode("utf-16"),
        "gzip.toml": gzip.compress(b"[practice]\npractitioners = 3\n"),
        "deep.toml": ("[practice]\npractitioners = " + "[" * 3000 + "]" * 3000).encode(),
        "bad_value.toml": b"[practice]\npractitioners = 0\n",
        "empty.toml": b"",
        "short.toml": b"[practice]\nhorizon_months = 24\n",
        # control characters (issue 23): refused on reading, never a traceback when writing
        "control_name.toml": b'[scenario]\nname = "a\\u0001b"\n',
        "control_title.toml": b'[scenario]\ntitle = "a\\u000Bb"\n',
        "control_description.toml": b'[scenario]\ndescription = "a\\u0000b"\n',
        "control_source.toml": b'[practice]\npractitioners = { value = 4, source = "\\uFFFE" }\n',
        "control_area.csv": b"area,scenario\nA\x01B,national\n",
        "text.xlsx": b"area,scenario\n",
        "a_file": b"not a folder",
        "good_areas.csv": b"area,scenario\nA,national\n",
        "empty.csv": b"",
        "header_only.csv": b"area,scenario\n",
        "no_scenario.csv": b"area\nA\n",
        "twice.csv": b"area,scenario\nA,national\nA,national\n",
        "unknown_column.csv": b"area,scenario,practice.practioners\nA,national,3\n",
        "bad_cell.csv": b"area,scenario,practice.practitioners\nA,national,0\n",
        "bad_scenario.csv": b"area,scenario\nA,atlantis\n",
        "price_year.csv": b"area,scenario,costs.price_year\nA,national,2020\n",
        "binary.csv": bytes(range(256)),
        "areas.txt": b"area,scenario\nA,national\n",
        **MONITORING_FILES,
        **MONITORING_WORKBOOKS,
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    for name in ("folder.toml", "folder.xlsx", "empty_folder"):
        (folder / name).mkdir()
    (folder / "notes").mkdir()
    (folder / "notes" / "mine.txt").write_text("a user's own notes")
    (folder / "exists.xlsx").write_bytes(b"an earlier workbook")
    (folder / "own_run_json").mkdir()  # looks like an output, but pausesim did not write it
    (folder / "own_run_json" / "run.json").write_text('{"pausesim_version": "0.1"}')
    shipped = resources.files("simulation").joinpath("data", "posteriors")
    table = pd.read_csv(shipped.joinpath("national.csv"))
    meta = shipped.joinpath("national.json").read_text()
    for name, frame in (("negative", table.assign(weight=-table["weight"])),
                        ("nan", table.assign(weight=float("nan"))),
                        ("structural", table.assign(**{"practice.horizon_months": 24.0}))):
        frame.to_csv(folder / f"{name}.csv", index=False)
        (folder / f"{name}.json").write_text(meta)
    (folder / "not_object.csv").write_text(table.to_csv(index=False))
    (folder / "not_object.json").write_text(json.dumps([1, 2]))
    record = json.loads(meta)
    shapes = {  # posterior files of every bad shape (issue 23): name -> (table, NAME.json text)
        "overflow": (table.assign(weight=1e308), meta),
        "deep": (table, "[" * 100_000 + "]" * 100_000),
        "settings_list": (table, json.dumps({**record, "settings": [1]})),
        "targets_int": (table, json.dumps({**record, "settings": {"targets": 3}})),
        "horizon_point": (table, json.dumps({**record, "point_estimate": {
            **record["point_estimate"], "practice.horizon_months": 24}})),
    }
    for name, (frame, text) in shapes.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
        (folder / f"{name}.json").write_text(text)
    (folder / "dangling").symlink_to(folder / "nowhere")
    # workbooks that unpack to more than pausesim reads, or hold a far-away value (issue 23)
    small = io.BytesIO()
    openpyxl.Workbook().save(small)
    for name in ("inflating.xlsx", "inflating_areas.xlsx"):
        with zipfile.ZipFile(small) as src, \
                zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                out.writestr(info, src.read(info))
            out.writestr("xl/padding.xml", b" " * (workbook.MAX_UNPACKED_BYTES + 1))
    book = openpyxl.Workbook()
    book.active.title = "areas"
    book.active.append(["area", "scenario"])
    book.active.append(["A", "national"])
    book.active["XFD1048576"] = "far"
    book.save(folder / "far_areas.xlsx")
    for name in ("fifo.toml", "fifo.xlsx", "fifo.csv", "fifo_post.csv", "fifo_post.json"):
        os.mkfifo(folder / name)  # named pipes: opening one blocks until a writer comes
    return folder


def scenario_files(f) -> list[str]:
    files = ("binary.toml", "latin1.toml", "utf16.toml", "gzip.toml", "deep.toml",
             "bad_value.toml", "empty.toml", "folder.toml", "text.xlsx", "missing.xlsx",
             "folder.xlsx", "control_name.toml", "control_title.toml", "control_description.toml",
             "control_source.toml", "inflating.xlsx", "fifo.toml", "fifo.xlsx")
    return [str(f / n) for n in files] + ["/dev/zero", "atlantis", "", " ", LONG_NAME,
                                          LONG_NAME + ".toml", LONG_NAME + ".xlsx"]


def posterior_files(f) -> list[list[str]]:
    return [["no-such-posterior"], [LONG_NAME + ".csv"], [str(f / "negative.csv")],
            [str(f / "nan.csv")], [str(f / "not_object.csv")], [str(f / "structural.csv")],
            [str(f / "a_file")]] + [[str(f / f"{name}.csv")] for name in (
                "overflow", "deep", "settings_list", "targets_int", "horizon_point",
                "fifo_post")] + [["/dev/zero"]]


#: Monitoring files (``pausesim monitor``): one good, then one of each kind of bad.
MONITORING_HEADER = ("section,from_month,to_month,offered,enrolled,completed,left_early,on_larc,"
                     "pregnancies,live_births,infants_entering_care,infants_starting_care,note\n")
MONITORING_FILES = {
    "monitoring_good.csv": (MONITORING_HEADER + "practice,0,3,30,18,,,,,,,,\n").encode(),
    "monitoring_unknown_column.csv": b"section,from_month,to_month,offerd\npractice,0,3,30\n",
    "monitoring_negative.csv": (MONITORING_HEADER + "practice,0,3,30,-1,,,,,,,,\n").encode(),
    "monitoring_text.csv": (MONITORING_HEADER + "practice,0,3,thirty,,,,,,,,,\n").encode(),
    "monitoring_enrolled_above_offered.csv": (MONITORING_HEADER +
                                              "practice,0,3,10,18,,,,,,,,\n").encode(),
    "monitoring_beyond_horizon.csv": (MONITORING_HEADER + "practice,0,61,30,18,,,,,,,,\n"
                                      ).encode(),
    "monitoring_short_baseline.csv": (MONITORING_HEADER + "authority,-12,0,,,,,,,,,40,\n"
                                      "authority,0,12,,,,,,,,,38,\n").encode(),
    "monitoring_empty.csv": b"",
    "monitoring_binary.csv": bytes(range(256)),
    "monitoring.txt": (MONITORING_HEADER + "practice,0,3,30,18,,,,,,,,\n").encode(),
}




def _monitoring_xlsx(text: str | None) -> bytes:
    """A workbook whose Monitoring sheet holds ``text`` (CSV), numbers typed as numbers and the
    rest as text, as a user fills in the ``pausesim template`` sheet (None: no such sheet)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Monitoring" if text is not None else "Inputs"
    type_csv(ws, text or "")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


#: The same bad tables as the Monitoring sheet of a workbook (``pausesim template``).
MONITORING_WORKBOOKS = {
    name.replace(".csv", ".xlsx"): _monitoring_xlsx(MONITORING_FILES[name].decode())
    for name in ("monitoring_unknown_column.csv", "monitoring_negative.csv",
                 "monitoring_text.csv", "monitoring_enrolled_above_offered.csv",
                 "monitoring_beyond_horizon.csv", "monitoring_short_baseline.csv")}
MONITORING_WORKBOOKS["monitoring_no_sheet.xlsx"] = _monitoring_xlsx(None)
MONITORING_WORKBOOKS["monitoring_header_only.xlsx"] = _monitoring_xlsx(MONITORING_HEADER)


def monitoring_paths(f) -> list[list[str]]:
    """Every bad monitoring file, CSV and workbook, as one argument."""
    return [[str(f / n)] for n in {**MONITORING_FILES, **MONITORING_WORKBOOKS}
            if n != "monitoring_good.csv"] + [[str(f / "missing.csv")], [str(f / "empty_folder")]]


def monitoring_files(f) -> list[list[str]]:
    return [["national", *p] for p in monitoring_paths(f)]


#: Council figures by year that are fine, so that one bad figure is judged on its own.
BY_YEAR = ["--removals-by-year", "1,2", "--programme-cost-by-year", "100,0",
           "--saving-per-removal-year", "50"]
BAD_NUMBER_TEXT = [["abc"], [""], ["nan"], ["inf"], ["-1"], ["£57,102"], ["1e308"]]
BAD_YEARLY = [["1,x"], ["1;2"], [""], [","], ["nan,1"], ["inf,1"], ["-1,2"], ["1,2,3"],
              ["1 000,2"], ["1e308,1e308"]]

#: Bad values by option ``dest``, beyond those every option of its type gets (``generic``).
#: Each entry is a list of argument lists placed after the option name (or, for positionals,
#: alone); ``f`` is the folder of input files.
EXPLICIT = {
    "scenario": lambda f: [[s] for s in scenario_files(f)],
    "scenarios": lambda f: [[s] for s in scenario_files(f)] + [["national", "atlantis"]],
    "overrides": lambda f: [["nonsense"], ["a.b=1"], ["practice.practioners=3"],
                            ["practice.practitioners=0"], ["=3"], ["practice.practitioners=3\n4"],
                            ["costs.setup_price_year=1990"], ["costs.placement_basis=nonsense"],
                            ["practice.operates=1"],
                            ["practice.practitioners=3", "--set", "practice.practitioners=4"]],
    "reps": lambda f: [["0"], ["-5"], [str(10 ** 30)]],
    "seed": lambda f: [["-1"], [str(2 ** 63)]],
    "workers": lambda f: [["0"], ["-2"]],
    "band": lambda f: [["0"], ["1"], ["1.5"], ["-0.1"], ["nan"], ["inf"]],
    "out": lambda f: [[str(f / "a_file")], [str(f / "dangling")], ["."], [""], [".."], ["/"],
                      ["/sys/pausesim-test/out"], [str(f / "notes"), "--force"],
                      [str(f), "--force"], ["out\x01"], [str(f / "own_run_json"), "--force"],
                      ["o" * 300], [DEEP], [LONG_NAME]],
    "engine": lambda f: [["warp"], [""]],
    "scheduler": lambda f: [["not-an-address"], [""], ["http://127.0.0.1:8786"], ["tcp://h:0"],
                            ["tcp://h"], ["tcp://127.0.0.1:8786", "--dask-local", "2"]],
    "dask_local": lambda f: [["0"], ["-1"]],
    "checkpoint": lambda f: [[str(f / "a_file")], ["/sys/pausesim-test/ckpt"], ["c" * 300], [DEEP],
                             [""], [" "], ["ckpt\x01"], ["ckpt\x85"]],
    "calibration": lambda f: posterior_files(f) + [[""]],
    # (more draws than --reps is not bad input: capped at --reps, as --help says, and recorded)
    "draws": lambda f: [["0"], ["-1"]],
    "council_removals": lambda f: [["-1"], ["nan"], ["inf"], ["-inf"], ["1e308"]],
    "action": lambda f: [["bogus"], ["list", "national"], ["show"]],
    # council
    "removals_per_cohort": lambda f: BAD_NUMBER_TEXT + [["1", *BY_YEAR]],
    "removals_by_year": lambda f: [[*v, *BY_YEAR[2:]] for v in BAD_YEARLY] + [["1,2"]],
    "programme_cost_by_year": lambda f: [[*v, *BY_YEAR[:2], *BY_YEAR[4:]] for v in BAD_YEARLY],
    "saving_per_removal_year": lambda f: [[*v, *BY_YEAR[:4]] for v in BAD_NUMBER_TEXT],
    "discount_rate": lambda f: [[*v, *BY_YEAR] for v in [["abc"], ["-0.1"], ["nan"], ["inf"],
                                                        ["5"], [""]]] + [["0.035"]],
    # portfolio: areas file, price base and horizon
    "areas": lambda f: [[str(f / n)] for n in (
        "missing.csv", "binary.csv", "empty.csv", "header_only.csv", "no_scenario.csv",
        "twice.csv", "unknown_column.csv", "bad_cell.csv", "bad_scenario.csv",
        "price_year.csv", "areas.txt", "empty_folder", "text.xlsx", "control_area.csv")]
        + [[LONG_NAME + ".csv"], [LONG_NAME + ".xlsx"], [str(f / "inflating_areas.xlsx")],
           [str(f / "far_areas.xlsx")], [str(f / "fifo.csv")]],
    "horizon_months": lambda f: [["0"], ["-1"], ["nan"], ["inf"], ["1e9"], ["5"]],
    # a council's Word template (report, portfolio)
    "template": lambda f: [[str(f / "missing.docx")], [str(f / "binary.toml")],
                           [str(f / "not_word.docx")], [str(f / "empty_folder")]],
    # app: refused before any server starts
    "host": lambda f: [[""], ["  "]],
    "port": lambda f: [["0"], ["-1"], ["70000"]],
    # calibrate
    "targets": lambda f: [["nonsense"], ["T1,nonsense"], [","], [""]],
    "without": lambda f: [["nonsense"], [","]],
    "parameters": lambda f: [["nonsense"], ["practice.practitioners"], [","]],
    "name": lambda f: [["../x"], ["a/b"], [""], [".hidden"]],
    "budget": lambda f: [["5"], ["0"], ["-1"], ["1" * 40]],
    "waves": lambda f: [["0"], ["-1"]],
    "reps_per_point": lambda f: [["0"], ["1"], [str(10 ** 7)]],
    "steps": lambda f: [["19"], ["0"], ["1" * 40]],
    "posterior_size": lambda f: [["1"], ["0"]],
    "check_draws": lambda f: [["0"]],
    "check_reps": lambda f: [["0"]],
    "compare": lambda f: [["nope"], [str(f / "a_file")], [str(f / "empty_folder")], [LONG_NAME]],
    "reference": lambda f: [["nope"], [str(f / "a_file")], [str(f / "empty_folder")],
                            [LONG_NAME]],
    # sensitivity
    "from_posterior": lambda f: posterior_files(f) + [["national", "--calibration", "national"]],
    "params": lambda f: [["nonsense.key"], [","], ["practice.horizon_months"],
                         ["practice.operates"]],
    "groups": lambda f: [["nonsense"], ["practice,nonsense"], [","]],
    "year": lambda f: [["0"], ["-1"], ["100"]],
    "n": lambda f: [["3"], ["0"], ["-4"]],
    "trajectories": lambda f: [["0"], ["1"]],
    "levels": lambda f: [["0"], ["1"], ["3"]],
    "lambdas": lambda f: [["abc"], ["1:0:1"], ["0:10:0"], ["0:10:-1"], ["1,x"], [","],
                          ["nan"], ["inf"], ["0:inf:1"], ["0:1e11:1"], [",".join(["1"] * 20000)]],
    "population": lambda f: [["0"], ["-1"], ["nan"], ["inf"]],
    "method": lambda f: [[""]],
    "bootstrap": lambda f: [["-1"]],
    # compare
    # monitor
    "data": monitoring_files,
    "p_no_effect": lambda f: [["-0.1"], ["1"], ["nan"], ["inf"]],
    "plan_sims": lambda f: [["-1"]],
    "variants": lambda f: [["x"], ["lab", "practice.practitioners=0"], ["lab", "nonsense=1"],
                           ["lab", "practice.practitioners=3", "practice.practitioners=4"],
                           ["lab", "costs.price_year=2015"], ["", "practice.practitioners=4"],
                           [" ", "practice.practitioners=4"],
                           ["a\x01b", "practice.practitioners=4"]],
}
#: Where one ``dest`` means something else in one command: (command words, dest) -> values.
BY_COMMAND = {
    ("scenarios", "name"): lambda f: [["show", s] for s in scenario_files(f)],
    ("council", "price_year"): lambda f: [[*v, *BY_YEAR] for v in [
        ["1990"], ["2015.5"], ["abc"], ["2015/16"], [""], ["15"]]] + [["2015"]],
    ("portfolio", "price_year"): lambda f: [["1990"], ["2100"], ["0"]],
    ("monitor", "scenario"): lambda f: [[s, str(f / "monitoring_good.csv")]
                                        for s in scenario_files(f)],
    ("report", "monitoring"): monitoring_paths,
    ("template", "out"): lambda f: [["x.txt"], [str(f / "folder.xlsx")],
                                    [str(f / "exists.xlsx")], [str(f / "exists.xlsx"), "--force"],
                                    ["nowhere/x.xlsx"],
                                    ["/sys/pausesim-test.xlsx"], ["x"], ["t" * 300 + ".xlsx"],
                                    [DEEP + ".xlsx"], ["t\x01.xlsx"], [""]],
}
#: Arguments a command needs before any bad option can be judged (its required positional).
NEEDS = {("portfolio",): lambda f: [str(f / "good_areas.csv")],
         ("monitor",): lambda f: ["national", str(f / "monitoring_good.csv")]}


def generic(action: argparse.Action) -> list[list[str]]:
    """Bad values every option of its kind gets: flags given a value, choices not among them,
    numbers that are not numbers, an option without its value."""
    if action.nargs == 0:
        return [["=x"]]  # glued to the option name: --force=x
    out = []
    if action.choices is not None and not isinstance(action.choices, dict):
        out.append(["not-a-choice"])
    if action.type is int:
        out += [["abc"], ["1.5"], [""], [TOO_LONG]]
    if action.type is float:
        out += [["abc"], [""]]
    if action.nargs is None and action.option_strings:
        out.append([])  # the option without its value
    return out


def commands() -> list[tuple[list[str], argparse.ArgumentParser]]:
    """Every (command words, parser), the sensitivity analyses included."""
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    out = []
    for name, p in sub.choices.items():
        nested = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            out += [([name, analysis], q) for analysis, q in nested[0].choices.items()]
        else:
            out.append(([name], p))
    return out


def _options(parser) -> list[argparse.Action]:
    return [a for a in parser._actions
            if not isinstance(a, (argparse._HelpAction, argparse._VersionAction))]


def _explicit(words: list[str], dest: str):
    return BY_COMMAND.get((words[0], dest)) or EXPLICIT.get(dest)


def option_cases(f) -> list:
    cases = []
    for words, parser in commands():
        has_out = any(a.dest == "out" for a in parser._actions)
        needs = NEEDS.get(tuple(words), lambda f: [])(f)
        out_tail = ["--out", "out.xlsx" if words == ["template"] else "out"]
        for action in _options(parser):
            explicit = _explicit(words, action.dest)
            values = (explicit(f) if explicit else []) + generic(action)
            for value in values:
                if action.dest == "variants":
                    argv = ["--variant", *value]
                elif action.option_strings:
                    flag = action.option_strings[-1]
                    argv = [f"{flag}{value[0]}"] if value and value[0].startswith("=") \
                        else [flag, *value]
                else:
                    argv = value
                tail = out_tail if has_out and action.dest != "out" else []
                cases.append(pytest.param(
                    [*words, *(needs if action.option_strings else []), *argv, *tail],
                    id=" ".join([*words, action.dest, *value])[:120]))
    return cases


#: Cases are built with this placeholder for the folder of input files (made once per module).
F = PurePosixPath("{F}")
OPTION_CASES = option_cases(F)


def test_every_option_is_swept():
    """Every option of every command that takes a value has bad values of its own, so that a
    new option cannot slip past the sweep."""
    missing = [f"{' '.join(words)} {a.dest}" for words, parser in commands()
               for a in _options(parser) if a.nargs != 0 and _explicit(words, a.dest) is None]
    assert missing == [], f"add bad values for these options to EXPLICIT: {missing}"


@pytest.mark.parametrize("argv", OPTION_CASES)
def test_every_option_refuses_bad_values(cwd, capsys, files, argv):
    check_one_line([a.replace(str(F), str(files)) for a in argv], capsys, cwd, files)


# --------------------------------------------- formula prefixes: accepted, written as text only
FORMULA_TOML = ('[scenario]\nname = "=1+1"\ntitle = "+cmd"\ndescription = "@SUM(A1)"\n'
                'source = "-2+3+cmd"\n[practice]\nhorizon_months = 12\n'
                'practitioners = { value = 4, source = "=HYPERLINK(\\"http://x\\",\\"y\\")" }\n')


def _live_formula(cell: str) -> bool:
    if not cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        return False
    try:
        float(cell)
        return False
    except ValueError:
        return True


@pytest.mark.parametrize("command", ["run", "template"])
def test_formula_prefixes_are_written_as_text(tmp_path, monkeypatch, command):
    """User text that begins like a formula is accepted, and written so that no spreadsheet
    runs it: CSV cells guarded with ', workbook cells typed as text."""
    import csv

    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.toml").write_text(FORMULA_TOML)
    if command == "template":
        assert cli.main(["template", "f.toml", "--out", "f.xlsx"]) == 0
        book = openpyxl.load_workbook(tmp_path / "f.xlsx")
        assert not [c.coordinate for ws in book for row in ws.iter_rows() for c in row
                    if c.data_type == "f"]
        return
    assert cli.main(["run", "f.toml", "--reps", "2", "--point", "--workers", "1",
                     "--no-progress", "--out", "out"]) == 0
    live = [(path.name, cell) for path in (tmp_path / "out").rglob("*.csv")
            for row in csv.reader(path.open(newline="", encoding="utf-8-sig")) for cell in row
            if _live_formula(cell)]
    assert live == []


# ------------------------------------------------ empty, huge and overlong arguments (issue 23)


def one_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


@pytest.fixture
def no_simulation(monkeypatch):
    monkeypatch.setattr(runner, "run", lambda *a, **k: pytest.fail("simulated"))


@pytest.mark.parametrize("argv", [["run", ""], ["council", ""], ["template", "", "--out", "t.xlsx"],
                                  ["scenarios", "show", "  "]])
def test_an_empty_scenario_argument_is_refused(tmp_path, monkeypatch, capsys, no_simulation, argv):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, *(["--no-progress"] if argv[0] == "run" else [])]) == 2
    assert "is invalid: give a built-in scenario" in one_line(capsys)
    assert list(tmp_path.iterdir()) == []


COUNCIL_BY_YEAR = {"--removals-by-year": "1,2", "--programme-cost-by-year": "100,0",
           "--saving-per-removal-year": "50"}


@pytest.mark.parametrize("option", COUNCIL_BY_YEAR)
def test_council_figures_too_large_to_add_up_are_one_line(tmp_path, capsys, option):
    figures = {**COUNCIL_BY_YEAR, option: "1e308,1e308" if "by-year" in option else "1e308"}
    argv = [a for item in figures.items() for a in item]
    assert main(["council", *argv, "--out", str(tmp_path / "c")]) == 2
    line = one_line(capsys)
    assert line.startswith(f"pausesim council: error: {option} = ") and "at most" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv,option", [
    (["council", "national", "--removals-per-cohort", "1e308"], "--removals-per-cohort"),
    (["report", "national", "--council-removals", "1e308", "--no-progress"], "--council-removals")])
def test_removals_per_cohort_too_large_names_the_option_given(tmp_path, capsys, no_simulation,
                                                              argv, option):
    assert main([*argv, "--out", str(tmp_path / "c")]) == 2
    line = one_line(capsys)
    assert f"{option} = " in line and "--removals-by-year" not in line and "at most" in line


@pytest.mark.parametrize("argv,fragment", [
    (["sensitivity", "evppi", "--lambda", "0:1e11:1"], "--lambda"),
    (["sensitivity", "evppi", "--lambda", ",".join(["1"] * 20000)], "--lambda"),
    (["calibrate", "--budget", "1" * 40], "--budget"),
    (["calibrate", "--steps", "1" * 40], "--steps"),
    (["calibrate", "--reps-per-point", "1" * 40], "--reps-per-point"),
])
def test_sizes_too_large_are_one_line(tmp_path, monkeypatch, capsys, no_simulation, argv,
                                     fragment):
    from calibration import emulate

    monkeypatch.setattr(emulate, "calibrate", lambda *a, **k: pytest.fail("calibrated"))
    assert main([*argv, "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    line = one_line(capsys)
    assert fragment in line and "at most" in line


@pytest.mark.parametrize("argv", [
    ["run", "--out", "o" * 300], ["template", "--out", "t" * 300 + ".xlsx"],
    ["run", "b" * 5000], ["run", "b" * 5000 + ".toml"], ["run", "--out", "/".join(["d"] * 2000)],
    ["run", "--checkpoint", "c" * 300], ["run", "--calibration", "p" * 5000 + ".csv"]])
def test_names_too_long_and_folders_too_deep_are_one_short_line(tmp_path, monkeypatch, capsys,
                                                                no_simulation, argv):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "--no-progress"] if argv[0] == "run" else argv) == 2
    line = one_line(capsys)
    assert "is invalid" in line and "allowed" in line and len(line) < 300
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [
    ["run", "--set", "population.age_band_probabilities=[" + ",".join(["1"] * 200_000) + "]"],
    ["run", "--reps", "x" * 100_000], ["scenarios", "show", "y" * 100_000 + ".toml"]])
def test_an_error_line_is_capped(tmp_path, monkeypatch, capsys, no_simulation, argv):
    monkeypatch.chdir(tmp_path)
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    line = one_line(capsys)
    assert len(line) <= cli.MAX_ERROR_CHARS + 100 and line.startswith("pausesim")
