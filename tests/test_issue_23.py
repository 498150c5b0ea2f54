"""Issue 23: no live formulas or control characters get through, ``--force`` deletes only what
pausesim wrote, and every input reader is bounded. One regression test (or more) per item."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import socketserver
import threading
import time
import zipfile
from dataclasses import replace
from importlib import resources
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from simulation import cli, runner
from simulation.cli import common, main
from simulation.core import output, workbook
from simulation.core import posterior as posterior_mod
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError, ScenarioError
from simulation.report import areas
from simulation.runner import checkpoint, executors
from simulation.sensitivity import analysis_files, varied

#: Text a spreadsheet would run, or split into a new row, if written as it is.
FORMULAS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "-2+3+cmd", "+cmd", "a\rb"]


class _NoTables:
    """An analysis result with nothing but its parameters.csv and run.json to write."""

    def tables(self):
        return {}

    def figures(self):
        return {}


# ------------------------------------------------ item 1: sensitivity parameters.csv is guarded
def test_sensitivity_parameters_csv_cannot_hold_formulas(tmp_path):
    base = scenario_mod.load("national")
    keys = list(base.values)[:len(FORMULAS)]
    scenario = replace(base, sources={**base.sources, **dict(zip(keys, FORMULAS))})
    analysis_files.write(_NoTables(), tmp_path, {}, varied.select(scenario))
    assert b"\r" not in (tmp_path / "parameters.csv").read_bytes()
    back = pd.read_csv(tmp_path / "parameters.csv", dtype=str, keep_default_na=False)
    assert list(back.loc[back.parameter.isin(keys), "source"]) == [
        "'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)", "'-2+3+cmd", "'+cmd", "a\nb"]


# ---------------------------------------- item 2: the template writes formula-like text as text
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


# ------------------------------------------- item 3: control characters are one line, up front
CONTROLS = {"U+0001": "\\u0001", "U+000B": "\\u000B", "U+0000": "\\u0000", "U+FFFE": "\\uFFFE",
            "U+001B": "\\u001B", "U+007F": "\\u007F", "U+0085": "\\u0085"}


@pytest.mark.parametrize("code", CONTROLS)
@pytest.mark.parametrize("field", ["name", "title", "description", "source", "parameter source"])
def test_control_characters_in_scenario_text_are_one_line(field, code):
    text = f"a{CONTROLS[code]}b"
    toml = (f'[practice]\npractitioners = {{ value = 4, source = "{text}" }}\n'
            if field == "parameter source" else f'[scenario]\n{field} = "{text}"\n')
    with pytest.raises(ScenarioError) as exc:
        scenario_mod.parse(toml, origin="bad.toml")
    line = str(exc.value)
    assert "\n" not in line and line.startswith("bad.toml: ")
    assert code in line and ("practice.practitioners" if field == "parameter source"
                             else f"[scenario] {field}") in line


@pytest.mark.parametrize("field,text", [("name", "a\tb"), ("title", "a\nb")])
def test_names_and_titles_are_one_line_of_text(field, text):
    with pytest.raises(ScenarioError, match=f"\\[scenario\\] {field}"):
        scenario_mod.parse(f"[scenario]\n{field} = {scenario_mod.toml_value(text)}\n", "bad.toml")


def test_line_breaks_and_tabs_stay_allowed_in_descriptions_and_sources():
    s = scenario_mod.parse('[scenario]\ndescription = "one\\ntwo\\tthree"\n'
                           '[practice]\npractitioners = { value = 4, source = "p.\\r\\n3" }\n')
    assert s.description == "one\ntwo\tthree" and s.sources["practice.practitioners"] == "p.\r\n3"


def test_control_characters_in_an_area_label_are_refused_before_simulating(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("area,scenario\nLe\x01eds,national\n")
    with pytest.raises(ScenarioError, match=r"row 2, column 'area'.*U\+0001"):
        areas.read(path)


# --------------------------------------------------- item 4: --force deletes only what it wrote
RUN = ["run", "--reps", "2", "--workers", "1", "--seed", "3", "--no-progress",
       "--set", "practice.horizon_months=12"]


@pytest.fixture
def no_simulation(monkeypatch):
    monkeypatch.setattr(runner, "run", lambda *a, **k: pytest.fail("simulated"))


def one_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


def pausesim_output(folder):
    """An earlier output, as pausesim publishes one (with a subfolder)."""
    with output.atomic_folder(folder, force=False) as tmp:
        (tmp / "run.json").write_text("{}")
        (tmp / "figures").mkdir()
        (tmp / "figures" / "a.png").write_bytes(b"png")
    return folder


def tree(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"/"
            for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("case", ["a run.json of one's own", "a file added", "a folder added",
                                  "a file added in a subfolder"])
def test_force_never_deletes_what_pausesim_did_not_write(tmp_path, capsys, no_simulation, case):
    out = tmp_path / "res"
    if case == "a run.json of one's own":
        out.mkdir()
        (out / "run.json").write_text('{"pausesim_version": "0.1"}')
        (out / "thesis.docx").write_text("mine")
    else:
        pausesim_output(out)
        mine = {"a file added": out / "notes.txt", "a folder added": out / "mine",
                "a file added in a subfolder": out / "figures" / "mine.png"}[case]
        mine.mkdir() if case == "a folder added" else mine.write_text("mine")
    before = tree(out)
    assert main([*RUN, "--out", str(out), "--force"]) == 2
    line = one_line(capsys)
    assert "--force refused" in line and ("did not write" in line or "not a pausesim" in line)
    assert tree(out) == before


def test_force_replaces_an_output_as_pausesim_wrote_it(tmp_path):
    out = pausesim_output(tmp_path / "res")
    with output.atomic_folder(out, force=True) as tmp:
        (tmp / "new.csv").write_text("x")
    assert sorted(p.name for p in out.iterdir()) == [output.MANIFEST, "new.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_council_force_refuses_the_folder_holding_its_scenario_file(tmp_path, capsys):
    out = tmp_path / "council"
    assert main(["council", "national", "--out", str(out)]) == 0
    before = tree(out)
    capsys.readouterr()
    assert main(["council", str(out / "scenario.toml"), "--out", str(out), "--force"]) == 2
    assert "an input of this run" in one_line(capsys)
    assert tree(out) == before


def test_template_force_replaces_only_a_workbook_pausesim_wrote(tmp_path, capsys):
    own = tmp_path / "own.xlsx"
    openpyxl.Workbook().save(own)
    saved = tmp_path / "saved.xlsx"
    assert main(["template", "--out", str(saved)]) == 0
    book = openpyxl.load_workbook(saved)
    book.properties.lastModifiedBy = "Jane"  # as Excel does on saving
    book.save(saved)
    capsys.readouterr()
    for path in (own, saved):
        before = path.read_bytes()
        assert main(["template", "--out", str(path), "--force"]) == 2
        assert "--force refused" in one_line(capsys) and path.read_bytes() == before
    ours = tmp_path / "ours.xlsx"
    assert main(["template", "--out", str(ours)]) == 0
    assert main(["template", "--out", str(ours), "--force"]) == 0


# ------------------------------------------------------ item 14: an empty scenario names nothing
@pytest.mark.parametrize("argv", [["run", ""], ["council", ""], ["template", "", "--out", "t.xlsx"],
                                  ["scenarios", "show", "  "]])
def test_an_empty_scenario_argument_is_refused(tmp_path, monkeypatch, capsys, no_simulation, argv):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, *(["--no-progress"] if argv[0] == "run" else [])]) == 2
    assert "is invalid: give a built-in scenario" in one_line(capsys)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------- item 13: council figures that overflow are refused
BY_YEAR = {"--removals-by-year": "1,2", "--programme-cost-by-year": "100,0",
           "--saving-per-removal-year": "50"}


@pytest.mark.parametrize("option", BY_YEAR)
def test_council_figures_too_large_to_add_up_are_one_line(tmp_path, capsys, option):
    figures = {**BY_YEAR, option: "1e308,1e308" if "by-year" in option else "1e308"}
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


# ------------------------------------------------ item 12: sizes too large to hold are one line
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


# --------------------------------------- item 11: names too long, folders too deep: short lines
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


# ------------------------------------------------- item 10: posterior files of every bad shape
def _posterior_pair(folder, name, table=None, meta=None, meta_text=None):
    shipped = resources.files("simulation").joinpath("data", "posteriors")
    base = pd.read_csv(shipped.joinpath("national.csv"))
    record = json.loads(shipped.joinpath("national.json").read_text())
    (table if table is not None else base).to_csv(folder / f"{name}.csv", index=False)
    text = meta_text if meta_text is not None else json.dumps(
        meta(record) if meta is not None else record)
    (folder / f"{name}.json").write_text(text)
    return folder / f"{name}.csv"


def _national_table():
    return pd.read_csv(resources.files("simulation").joinpath("data", "posteriors",
                                                              "national.csv"))


POSTERIOR_SHAPES = {
    "weights summing past a float": (lambda: _national_table().assign(weight=1e308), None, None,
                                     "weights sum"),
    "json nested 100,000 deep": (None, None, "[" * 100_000 + "]" * 100_000, "nested"),
    "settings not an object": (None, lambda r: {**r, "settings": [1]}, None, "'settings'"),
    "settings.targets an integer": (None, lambda r: {**r, "settings": {"targets": 3}}, None,
                                    "'settings.targets'"),
    "structural key in the point estimate": (
        None, lambda r: {**r, "point_estimate": {**r["point_estimate"],
                                                 "practice.horizon_months": 24}}, None,
        "practice.horizon_months"),
    "unknown key in the point estimate": (
        None, lambda r: {**r, "point_estimate": {**r["point_estimate"], "x.y": 1}}, None, "'x.y'"),
}


@pytest.mark.parametrize("shape", POSTERIOR_SHAPES)
def test_posterior_files_of_every_bad_shape_are_one_line(tmp_path, shape):
    table, meta, meta_text, fragment = POSTERIOR_SHAPES[shape]
    path = _posterior_pair(tmp_path, "p", table() if table else None, meta, meta_text)
    with pytest.raises(PausesimError) as exc:
        posterior_mod.load(path)
    line = str(exc.value)
    assert "\n" not in line and fragment in line and len(line) < 400, line


def test_a_posterior_cannot_change_the_horizon(tmp_path):
    meta = POSTERIOR_SHAPES["structural key in the point estimate"][1]
    path = _posterior_pair(tmp_path, "p", meta=meta)
    with pytest.raises(PausesimError, match="structural"):
        scenario_mod.parse(f'[scenario]\ncalibration = "{path}"\n', "s.toml")


# ------------------------------------------------------ item 8: areas CSV quoting as Excel writes
@pytest.mark.parametrize("line,label", [('"Dorset ""North""",national', 'Dorset "North"'),
                                        ('"Leeds, West",national', "Leeds, West"),
                                        ('"Leeds; West";national', "Leeds; West")])
def test_areas_csv_reads_quoted_labels_as_excel_writes_them(tmp_path, line, label):
    path = tmp_path / "areas.csv"
    header = "area;scenario" if ";national" in line else "area,scenario"
    path.write_text(f"{header}\n{line}\n")
    assert [row.label for row in areas.read(path)] == [label]


# ------------------------------------ item 7: workbook readers are linear and bounded in size
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


@pytest.mark.parametrize("far", ["Z5000", "XFD1048576"])
def test_a_far_away_cell_costs_nothing(tmp_path, far):
    start = time.monotonic()
    assert [r.label for r in areas.read(_areas_book(tmp_path / "a.xlsx", far, None))] == ["Leeds"]
    with pytest.raises(ScenarioError, match=f"row {far[1 if far[1].isdigit() else 3:]}: a value"):
        areas.read(_areas_book(tmp_path / "b.xlsx", far, "far"))
    inputs = tmp_path / "inputs.xlsx"
    inputs.write_bytes(workbook.template_bytes(scenario_mod.load("national")))
    book = openpyxl.load_workbook(inputs)
    book[workbook.INPUTS_SHEET][far].font = openpyxl.styles.Font(bold=True)
    book.save(inputs)
    assert scenario_mod.load(str(inputs)).values == scenario_mod.load("national").values
    assert time.monotonic() - start < 10


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


# --------------------------------------- item 5: a service that is not a dask scheduler
class _HttpOnly(socketserver.BaseRequestHandler):
    """Answers anything as a web server (a dask dashboard) would: HTTP 400."""

    def handle(self):
        self.request.recv(1024)
        self.request.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


def test_a_service_that_is_not_a_dask_scheduler_is_one_line():
    pytest.importorskip("distributed")
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _HttpOnly)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(PausesimError, match="did not answer as a dask scheduler"):
            executors._probe_scheduler(f"tcp://127.0.0.1:{server.server_address[1]}", 5)
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------ item 6: a full disk under --checkpoint
def test_a_full_disk_under_checkpoint_is_one_warning_and_the_run_goes_on(tmp_path, monkeypatch,
                                                                        capsys):
    def full(path, data):
        if Path(path).name.startswith("chunk-"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        output.write_atomic(path, data)

    monkeypatch.setattr(checkpoint, "write_atomic", full)
    out = tmp_path / "res"
    assert main([*RUN, "--reps", "4", "--checkpoint", str(tmp_path / "ckpt"), "--out",
                 str(out)]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "checkpoint" in line]
    # one line for each view's checkpoint folder (base case, authority-wide scenario)
    assert len(warnings) == 2 and all("No space left on device" in w for w in warnings), warnings
    assert {w.split(":")[2].split("/")[-1] for w in warnings} == {"base", "authority"}
    assert (out / "run.json").exists()


# ----------------------------------------- item 9: SIGTERM once the output folder is published
def test_sigterm_after_publishing_says_the_output_was_written(tmp_path, monkeypatch, capsys):
    from simulation.results import text

    def terminated(*args):
        raise output.Terminated(15)

    # just after the folder is in place (run imports views_text when it runs: lazy start-up)
    monkeypatch.setattr(text, "views_text", terminated)
    out = tmp_path / "res"
    assert main([*RUN, "--out", str(out)]) == 143
    line = one_line(capsys)
    assert "no output written" not in line and str(out) in line and "complete" in line
    assert (out / "run.json").exists()


# --------------------------------------- questionable: an error line repeats at most 1,000 chars
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


# --------------------------- questionable: local workers are capped at the CPUs, with a warning
@pytest.mark.parametrize("option", ["--workers", "--dask-local"])
def test_local_workers_are_capped_at_the_cpus(monkeypatch, capsys, option):
    seen = {}

    @contextlib.contextmanager
    def executor(scheduler, local_workers):
        seen["dask_local"] = local_workers
        yield None

    monkeypatch.setattr(common, "cpu_count", lambda: 2)
    monkeypatch.setattr(runner, "dask_executor", executor)
    args = cli._parser("run").parse_args(["run", option, "1000"])
    with common.run_options(args) as options:
        used = options["workers"] if option == "--workers" else seen["dask_local"]
    assert used == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"pausesim: warning: {option} 1000 is more than the 2 CPUs available: "
                   "using 2 (results do not depend on it)"]


def test_experiment_parameters_csv_cannot_hold_formulas(tmp_path, monkeypatch):
    import argparse

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1]))
    from experiments.common import write_record

    base = scenario_mod.load("national")
    key = next(iter(base.values))
    write_record(tmp_path, replace(base, sources={**base.sources, key: "=HYPERLINK(1)"}),
                 argparse.Namespace(name="x"))
    back = pd.read_csv(tmp_path / "parameters.csv", dtype=str, keep_default_na=False)
    assert back.source.iloc[0] == "'=HYPERLINK(1)"
