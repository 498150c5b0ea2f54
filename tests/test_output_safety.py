"""Outputs (simulation/core/output.py) that never clobber or leak (issue 15, items 8-14 and 17),
``--force`` that deletes only what pausesim wrote, SIGTERM after publishing (issue 23), CSVs that
Excel reads as written (issue 22)."""

from __future__ import annotations

import codecs
import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import openpyxl
import pandas as pd
import pytest

from simulation import runner
from simulation.cli import common, main
from simulation.core import output
from simulation.core.errors import PausesimError

RUN = ["run", "--reps", "2", "--workers", "1", "--seed", "3", "--no-progress",
       "--set", "practice.horizon_months=12"]


def one_line(capsys) -> str:
    """The one error line (a scenario's warnings, each its own line, may come before it)."""
    err = [line for line in capsys.readouterr().err.strip().splitlines()
           if not line.startswith("pausesim: warning:")]
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


def hidden(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def no_simulation(monkeypatch):
    """Bad output locations must be found before simulating."""
    monkeypatch.setattr(runner, "run", lambda *a, **k: pytest.fail("simulated"))


@pytest.fixture(params=["renameat2", "lock fallback"])
def renames(request, monkeypatch):
    """Both ways of renaming: Linux renameat2, and the lock used where it is missing."""
    if request.param == "lock fallback":
        monkeypatch.setattr(output, "_renameat2", lambda *args: False)
    return request.param


def earlier_output(folder):
    with output.atomic_folder(folder, force=False) as tmp:  # as pausesim writes one
        (tmp / "run.json").write_text(json.dumps({"pausesim_version": "x"}))
        (tmp / "old.csv").write_text("old")
    return folder


def shown(folder) -> list[str]:
    """What a user sees in an output folder (not pausesim's list of what it wrote there)."""
    return sorted(p.name for p in folder.iterdir() if p.name != output.MANIFEST)


# ------------------------------------------------------------------ item 8: no silent clobber
@pytest.mark.parametrize("meanwhile", ["results", "empty folder"])
def test_a_folder_created_meanwhile_is_never_replaced_without_force(tmp_path, renames,
                                                                    meanwhile):
    out = tmp_path / "res"
    with pytest.raises(PausesimError) as exc:
        with output.atomic_folder(out, force=False) as mine:
            (mine / "mine.txt").write_text("loser")
            if meanwhile == "results":  # the other run finished first
                with output.atomic_folder(out, force=False) as theirs:
                    (theirs / "run.json").write_text("{}")
            else:  # a plain rename would silently replace an empty folder
                out.mkdir()
    assert "another run wrote this folder" in str(exc.value)
    assert shown(out) == ([] if meanwhile != "results" else ["run.json"])
    assert hidden(tmp_path) == []


def test_two_runs_on_one_out_at_once_one_wins(tmp_path):
    out = tmp_path / "res"
    cmd = [sys.executable, "-m", "simulation", *RUN, "--out", str(out)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, err in results if code == 2).strip().splitlines()
    assert len(loser) == 1 and "Traceback" not in loser[0] and str(out) in loser[0]
    record = json.loads((out / "run.json").read_text())  # the winner's, complete
    assert record["reps"] == 2 and (out / "summary.csv").stat().st_size > 0
    assert hidden(tmp_path) == []


# ----------------------------------------------------------- item 9: what --force may replace
def test_force_replaces_an_earlier_output(tmp_path, renames):
    out = earlier_output(tmp_path / "res")
    with output.atomic_folder(out, force=True) as folder:
        (folder / "run.json").write_text("{}")
    assert shown(out) == ["run.json"] and hidden(tmp_path) == []


@pytest.mark.parametrize("make,fragment", [
    (lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine")), "not a pausesim output"),
    (lambda p: (earlier_output(p), (p / "mine.toml").write_text("[practice]\n")), "an input"),
])
def test_force_refuses_folders_it_must_not_delete(tmp_path, capsys, no_simulation, make,
                                                  fragment):
    out = tmp_path / "res"
    make(out)
    before = sorted(p.name for p in out.iterdir())
    scenario = out / "mine.toml" if (out / "mine.toml").exists() else "national"
    assert main([*RUN, str(scenario), "--out", str(out), "--force"]) == 2
    assert fragment in one_line(capsys)
    assert sorted(p.name for p in out.iterdir()) == before


@pytest.mark.parametrize("out", [".", "..", "", "/"])
def test_working_folder_and_its_ancestors_are_refused(tmp_path, monkeypatch, capsys,
                                                      no_simulation, out):
    work = tmp_path / "project"
    work.mkdir()
    (work / "scenario.toml").write_text("[practice]\npractitioners = 4\n")
    monkeypatch.chdir(work)
    assert main([*RUN, "--out", out, "--force"]) == 2
    line = one_line(capsys)
    assert "working folder" in line or "give a folder name" in line
    assert sorted(p.name for p in work.iterdir()) == ["scenario.toml"]


def test_an_existing_file_is_reported_as_a_file(tmp_path, capsys, no_simulation):
    (tmp_path / "res").write_text("x")
    for force in ([], ["--force"]):
        assert main([*RUN, "--out", str(tmp_path / "res"), *force]) == 2
        assert "is an existing file, not a folder" in one_line(capsys)


# ----------------------------------------------------- item 10: read-only location, full disk
def test_read_only_location_is_found_before_simulating(tmp_path, capsys, no_simulation):
    if os.geteuid() == 0:  # root writes through permission bits: use a read-only mount
        locked = "/sys/pausesim-test"
        if os.access("/sys", os.W_OK) and not os.path.ismount("/sys"):
            pytest.skip("no read-only location available to root")
    else:
        (tmp_path / "locked").mkdir(mode=0o555)
        locked = str(tmp_path / "locked")
    assert main([*RUN, "--out", f"{locked}/res"]) == 2
    assert "cannot write in" in one_line(capsys)


def test_a_full_disk_gives_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch):
    from simulation.results import figures as plots

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(plots, "save_all", full)
    assert main([*RUN, "--out", str(tmp_path / "res")]) == 2
    assert "No space left on device" in one_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_other_errors_while_writing_still_clean_up(tmp_path):
    with pytest.raises(ZeroDivisionError):
        with output.atomic_folder(tmp_path / "res", force=False) as folder:
            (folder / "half.csv").write_text("x")
            raise ZeroDivisionError("an error while writing")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------ item 11: SIGTERM, stale partial folders
WRITER = textwrap.dedent("""
    import sys, time
    from simulation.cli import main
    from simulation.results import write

    def slow_write(views, summaries, folder):  # half-written when the signal comes
        (folder / "summary.csv").write_text("half")
        print("writing", flush=True)
        time.sleep(60)

    write.views_folder = slow_write
    sys.exit(main(sys.argv[1:]))
""")


def test_sigterm_during_writing_cleans_up(tmp_path):
    out = tmp_path / "res"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, *RUN, "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"  # (the summary prints after writing)
    assert hidden(tmp_path)  # the temporary folder exists now
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 143
    assert "terminated; no output written" in proc.stderr.read()
    assert list(tmp_path.iterdir()) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_partials_of_the_target_are_removed(tmp_path):
    out = tmp_path / "res"
    host = output._host()
    stale = [tmp_path / f".res.{_dead_pid()}@{host}-abc.partial",
             tmp_path / f".res.{_dead_pid()}@{host}-def.old"]
    kept = [tmp_path / f".res.{os.getpid()}@{host}-live.partial",  # a run still going
            tmp_path / f".res.{_dead_pid()}@another_host-x.partial",  # cannot tell from here
            tmp_path / f".other.{_dead_pid()}@{host}-x.partial",  # another target's
            tmp_path / ".res.legacy.partial"]  # no owner recorded
    for folder in stale + kept:
        folder.mkdir()
        (folder / "summary.csv").write_text("half")
        os.utime(folder, (time.time() - 60, time.time() - 60))
    with output.atomic_folder(out, force=False) as folder:
        (folder / "run.json").write_text("{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [p.name for p in kept] + ["res"])


# ----------------------------------------------------------------------- item 13: symlinks
def test_dangling_link_is_one_line_before_simulating(tmp_path, capsys, no_simulation):
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    assert main([*RUN, "--out", str(tmp_path / "link")]) == 2
    line = one_line(capsys)
    assert "symbolic link" in line and "does not exist" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link"]


def test_link_to_an_output_folder_is_replaced_through_the_link(tmp_path, renames):
    real = earlier_output(tmp_path / "real")
    (tmp_path / "link").symlink_to(real)
    with output.atomic_folder(tmp_path / "link", force=True) as folder:
        (folder / "run.json").write_text("{}")
    assert (tmp_path / "link").is_symlink() and (tmp_path / "link").resolve() == real
    assert shown(real) == ["run.json"]
    assert hidden(tmp_path) == []  # nothing like .link.old-* left behind


# ------------------------------------------------------------ item 14: default output names
@pytest.mark.parametrize("name,expected", [
    ("../../x", "x"), ("/abs/path", "abs-path"), ("Dorset/Poole 2024", "Dorset-Poole-2024"),
    ("..", "scenario"), ("", "scenario"), (".hidden", "hidden"), ("a\x00b\\c:d", "a-b-c-d"),
    ("Bórd Pleanála", "Bórd-Pleanála"), ("x" * 200, "x" * 80),
])
def test_safe_folder_name(name, expected):
    assert common.safe_folder_name(name) == expected


def test_default_out_stays_one_folder_under_results(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scenario = tmp_path / "s.toml"
    scenario.write_text('[scenario]\nname = "../../Dorset/Poole 2024"\n')
    out = common.default_out("../../Dorset/Poole 2024")
    assert out.parent == common.Path("results") and out.name.startswith("Dorset-Poole-2024-")
    assert main([*RUN, str(scenario)]) == 0
    made = list((tmp_path / "results").iterdir())
    assert len(made) == 1 and made[0].name.startswith("Dorset-Poole-2024-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results", "s.toml"]


# -------------------------------------------------------------- item 17: spreadsheet formulas
def test_csv_text_cells_are_not_formulas(tmp_path):
    texts = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "-0.5", "+3", "plain", "a=b",
             "a\r=cmd()"]
    frame = pd.DataFrame({"text": texts, "number": [-1.5] * len(texts),
                          "category": pd.Categorical(["=HYPERLINK()"] * len(texts))})
    frame = frame.rename(columns={"category": "=col"})
    output.write_table(frame, tmp_path, "t")
    back = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)
    assert list(back["text"]) == ["'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\nx",
                                  "-0.5", "+3", "plain", "a=b", "a\n=cmd()"]  # CR: see above
    assert list(back["number"]) == ["-1.5"] * len(texts)
    assert list(back.columns) == ["text", "number", "'=col"]
    assert set(back["'=col"]) == {"'=HYPERLINK()"}
    parquet = pd.read_parquet(tmp_path / "t.parquet")  # values kept as they are
    assert list(parquet["text"]) == texts


# ------------------------------------------------------- CSVs Excel reads as written (issue 22)


@pytest.mark.parametrize("mixed", [False, True], ids=["arrow writer", "pandas writer"])
def test_csv_starts_with_a_byte_order_mark_and_reads_back_unchanged(tmp_path, mixed):
    frame = pd.DataFrame({"label": ["cost £1,000", "Zoë"], "value": [1.5, 2.0]})
    if mixed:  # a column Arrow cannot hold: pandas' writer, same encoding
        frame["odd"] = [1, "a"]
    path = tmp_path / "t.csv"
    output.write_csv(frame, path)
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and not data[3:].startswith(codecs.BOM_UTF8)
    back = pd.read_csv(path)  # pandas strips the mark: the first column keeps its name
    assert list(back.columns)[:2] == ["label", "value"]
    assert back.label.tolist() == ["cost £1,000", "Zoë"]
    # what Excel does with the mark: decodes as UTF-8 (without it: the code page, "Â£")
    assert "£" in data.decode("utf-8-sig") and "Â£" not in data.decode("utf-8-sig")


def test_results_tables_are_written_with_the_mark(tmp_path):
    output.write_table(pd.DataFrame({"unit": ["GBP at 2024/25 prices"]}), tmp_path, "s",
                       parquet=False)
    assert (tmp_path / "s.csv").read_bytes().startswith(codecs.BOM_UTF8)


# ---------------- --force deletes only what pausesim wrote; SIGTERM after publishing (issue 23)


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
