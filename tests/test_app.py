"""``pausesim app`` in a real browser: headless Chromium (Debian's, the one .ci/run installs)
driven by Playwright. Loading, uploading a workbook, a bad cell's and a bad field's messages (the
CLI's own), a run whose numbers equal ``pausesim report``'s for the same scenario and seed,
downloads that open, monitoring data, and the hosting guards (ids, file names, upload size,
queued runs). Runs are small (20 replications a view) to keep the suite fast; the numbers are
compared as rendered, so any difference in the simulation, its seed or its inputs fails.

Screenshots go to ``$PAUSESIM_SCREENSHOTS`` when set (for looking at the pages)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
playwright_sync = pytest.importorskip("playwright.sync_api")

from simulation.cli import main  # noqa: E402
from simulation.core import scenario as scenario_mod  # noqa: E402
from simulation.core import workbook  # noqa: E402
from simulation.results import study  # noqa: E402

REPS, SEED = 20, 4242
ROOT = Path(__file__).resolve().parents[1]
MONITORING = ROOT / "docs" / "examples" / "monitoring-southampton.csv"
#: A northshire-like area, as an author fills in the template (blue cells of the Inputs sheet).
NORTHSHIRE = {"population.eligible_women_at_start": 64,
              "authority.other_infant_care_entries_per_year": 35,
              "costs.price_year": 2025,
              "costs.programme_cost_per_year_gbp": 340000,
              "costs.programme_cost_per_year_price_year": 2025}
VALUE = workbook.INPUT_COLUMNS.index("value") + 1
SOURCE = workbook.INPUT_COLUMNS.index("source") + 1


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.skip("no chromium binary: install Debian's chromium (apt-get install -y chromium) to "
                "run the browser tests (.ci/run does)")


def fill_workbook(path: Path, values: dict, name: str = "northshire-2026") -> Path:
    """The national template with ``values`` typed in the Inputs sheet, as an author does."""
    path.write_bytes(workbook.template_bytes(scenario_mod.load("national")))
    wb = openpyxl.load_workbook(path)
    ws = wb[workbook.INPUTS_SHEET]
    rows = {f"{ws.cell(r, 1).value}.{ws.cell(r, 2).value}": r for r in range(2, ws.max_row + 1)}
    for key, value in values.items():
        ws.cell(rows[key], VALUE).value = value
        ws.cell(rows[key], SOURCE).value = "Northshire scoping exercise, 2026"
    sheet = wb[workbook.SCENARIO_SHEET]
    for r in range(2, sheet.max_row + 1):
        if sheet.cell(r, 1).value == "name":
            sheet.cell(r, 2).value = name
        if sheet.cell(r, 1).value == "title":
            sheet.cell(r, 2).value = "Northshire's Pause practice"
    wb.save(path)
    return path


def cli_error(argv: list[str], capsys) -> str:
    """The message ``pausesim`` prints after 'error: ' (exit code 2)."""
    capsys.readouterr()
    assert main(argv) == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    return line.split(": error: ", 1)[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a free local port, in a thread of this process (one worker process a run)."""
    import uvicorn

    from simulation.app import server as server_mod

    # (the monitoring Plan with 10 simulated authorities, not the CLI's 100: the test checks the
    # page shows the answers, not their precision)
    app = server_mod.create(workers=1, root=tmp_path_factory.mktemp("jobs"), plan_sims=10)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    thread.join(10)
    server_mod.jobs_of(app).close()


@pytest.fixture(scope="module")
def browser():
    path = chromium()
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def shot(page, name: str) -> None:
    folder = os.environ.get("PAUSESIM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_council_template_shapes_the_word_report(server, browser, tmp_path):
    """The author's own Word template (as ``report --template``): a bad one gets the CLI's
    one-line message naming the upload (never the server's path) and nothing runs; a good one
    gives a report.docx in the council's header and Heading 1 colour."""
    import docx
    from docx.shared import RGBColor

    url, _ = server
    bad = tmp_path / "council-bad.docx"
    bad.write_bytes(b"PK\x03\x04 not a Word document")
    good = tmp_path / "council.docx"
    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "Northshire Council - OFFICIAL"
    doc.styles["Heading 1"].font.color.rgb = RGBColor(0x12, 0x34, 0x56)
    doc.add_paragraph("the council's own body text, not copied")
    doc.save(str(good))
    context = browser.new_context(accept_downloads=True)
    pg = context.new_page()
    pg.goto(url + "/")
    pg.click("#use-builtin")
    pg.fill("#reps", str(REPS))
    pg.set_input_files("#council-template", str(bad))
    pg.click("#run")
    message = pg.inner_text("#form-message")
    assert message.startswith("template council-bad.docx: not a Word document") and \
        "/tmp" not in message, message
    assert pg.locator("#results").count() == 0  # nothing was run
    pg.set_input_files("#council-template", str(good))
    pg.click("#run")
    wait_for_results(pg)
    assert "--template council.docx" in pg.inner_text("body")  # the reproducing command
    with pg.expect_download() as info:
        pg.click("#dl-report-docx")
    info.value.save_as(tmp_path / "report.docx")
    written = docx.Document(str(tmp_path / "report.docx"))
    assert written.sections[0].header.paragraphs[0].text == "Northshire Council - OFFICIAL"
    assert written.styles["Heading 1"].font.color.rgb == RGBColor(0x12, 0x34, 0x56)
    assert "not copied" not in " ".join(p.text for p in written.paragraphs)
    context.close()


def wait_for_results(page, seconds: float = 600) -> None:
    page.wait_for_selector("#results, #run-error", timeout=seconds * 1000)


# ------------------------------------------------------------------------------ browser
def test_page_loads_with_the_built_in_scenarios(server, page, tmp_path):
    url, _ = server
    page.goto(url + "/")
    assert "Business case" in page.inner_text("h1")
    options = page.eval_on_selector_all("#scenario option", "els => els.map(e => e.value)")
    assert options == scenario_mod.builtin_names()
    shot(page, "1-start")
    page.select_option("#scenario", "dorset-2022")
    with page.expect_download() as info:
        page.click("#get-template")
    blank = tmp_path / "dorset.xlsx"
    info.value.save_as(blank)
    assert study.load(blank).digest() == study.load("dorset-2022").digest()


def test_a_bad_cell_in_an_uploaded_workbook_shows_the_cli_message(server, page, tmp_path,
                                                                   capsys):
    url, _ = server
    bad = fill_workbook(tmp_path / "bad-area.xlsx",
                        dict(NORTHSHIRE, **{"population.eligible_women_at_start": -5}))
    expected = cli_error(["report", str(bad), "--reps", "1", "--out", str(tmp_path / "o")],
                         capsys).replace(str(bad), bad.name)
    page.goto(url + "/")
    page.set_input_files("#workbook", str(bad))
    page.click("#upload")
    message = page.inner_text("#start-message")
    assert message == expected
    assert "population.eligible_women_at_start" in message and "-5" in message
    assert str(tmp_path) not in page.content()  # no server path shown
    shot(page, "2-bad-cell")


def test_a_bad_field_shows_the_cli_message_beside_it(server, page, tmp_path, capsys):
    url, _ = server
    expected = cli_error(["report", "national", "--set", "practice.practitioners=0", "--reps",
                          "1", "--out", str(tmp_path / "o")], capsys)
    page.goto(url + "/")
    page.click("#use-builtin")
    page.fill("[id='practice.practitioners']", "0")
    page.fill("#reps", "0")
    page.click("#run")
    assert page.inner_text("[id='msg-practice.practitioners']") == expected
    assert page.inner_text("#msg-reps").startswith("--reps = 0 is invalid")
    assert page.locator("#results").count() == 0  # nothing was run
    shot(page, "3-bad-field")


@pytest.fixture(scope="module")
def finished(server, browser, tmp_path_factory):
    """The northshire-like workbook uploaded, one input edited, run; the page and its files."""
    url, _ = server
    folder = tmp_path_factory.mktemp("northshire")
    book = fill_workbook(folder / "northshire.xlsx", NORTHSHIRE)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(url + "/")
    pg.set_input_files("#workbook", str(book))
    pg.click("#upload")
    pg.wait_for_selector("#inputs-form")
    assert pg.input_value("[id='population.eligible_women_at_start']") == "64"
    shot(pg, "4-inputs")
    pg.fill("[id='practice.practitioners']", "3")
    pg.fill("#reps", str(REPS))
    pg.fill("#seed", str(SEED))
    pg.click("#run")
    pg.wait_for_selector("#progress, #results")
    progress_seen = pg.locator("#progress").count() == 1
    if progress_seen:
        with contextlib.suppress(playwright_sync.Error):  # (the run may finish meanwhile)
            while pg.eval_on_selector("#bar", "bar => bar.value") == 0:
                time.sleep(0.2)
            shot(pg, "4b-progress")
    wait_for_results(pg)
    shot(pg, "5-results")
    files = {}
    for name in ("report.html", "report.docx", "report.xlsx", "inputs.xlsx", "scenario.toml"):
        link = f"#dl-{name.replace('.', '-')}"
        with pg.expect_download() as info:
            pg.click(link)
        files[name] = folder / name
        info.value.save_as(files[name])
    yield {"page": pg, "files": files, "folder": folder, "book": book,
           "progress_seen": progress_seen, "url": url}
    context.close()


def test_a_run_shows_both_views_break_even_fan_chart_and_sources(finished):
    pg = finished["page"]
    assert finished["progress_seen"]  # the progress section was on the page while it ran
    assert pg.locator("#run-error").count() == 0
    text = pg.inner_text("#two-views")
    assert "Base case" in text and "Authority-wide" in text
    assert pg.inner_text("#threshold-sentences").strip()
    assert pg.locator("#break-even-table table tr").count() > 2
    assert pg.locator("#fig-fan_infants_avoided img").count() == 1
    assert pg.locator("#sources-base table").count() == 1
    assert pg.locator("#sources-authority table").count() == 1
    # the figure is a real image (decoded by the browser)
    width = pg.eval_on_selector("#fig-fan_infants_avoided img", "img => img.naturalWidth")
    assert width > 100
    assert pg.inner_text("#command") == (f"pausesim report scenario.toml --reps {REPS} --seed "
                                         f"{SEED} --out report")


def test_numbers_on_the_page_equal_the_cli_for_the_same_seed(finished, page, tmp_path):
    """The page's two-views, break-even and sources tables, as the browser shows them, against
    those of ``pausesim report`` run on the downloaded scenario file with the shown command's
    seed and replications (and on the uploaded workbook with the edited input as --set)."""
    files = finished["files"]
    for argv in (["report", str(files["scenario.toml"])],
                 ["report", str(finished["book"]), "--set", "practice.practitioners=3"]):
        out = tmp_path / f"cli-{len(argv)}"
        assert main(argv + ["--reps", str(REPS), "--seed", str(SEED), "--out", str(out),
                            "--workers", "1"]) == 0
        page.goto((out / "report.html").as_uri())
        cli = page.eval_on_selector_all("table", "ts => ts.map(t => t.innerText)")
        for sel in ("#two-views table", "#break-even-table table", "#sources-base table",
                    "#sources-authority table"):
            shown = finished["page"].inner_text(sel)
            assert any(c.strip() == shown.strip() for c in cli), sel


def test_downloads_open(finished):
    import docx

    files = finished["files"]
    document = docx.Document(str(files["report.docx"]))
    assert any("Base case" in p.text or "base case" in p.text for p in document.paragraphs)
    book = openpyxl.load_workbook(files["report.xlsx"], read_only=True)
    assert len(book.sheetnames) > 3
    inputs = study.load(files["inputs.xlsx"])
    assert inputs["population.eligible_women_at_start"] == 64
    assert inputs["practice.practitioners"] == 3  # the edit made in the form
    assert study.load(files["scenario.toml"]).digest() == inputs.digest()
    assert "<html" in files["report.html"].read_text(encoding="utf-8")[:500].lower()


def test_monitoring_data_shows_on_track(finished, tmp_path):
    pg = finished["page"]
    bad = tmp_path / "bad.csv"
    bad.write_text("from_month,to_month\n0,three\n", encoding="utf-8")
    pg.set_input_files("#monitoring-file", str(bad))
    pg.click("#monitor-upload")
    assert pg.inner_text("#monitor-message").startswith("monitoring file bad.csv")
    shot(pg, "6-monitor-bad")
    pg.set_input_files("#monitoring-file", str(MONITORING))
    pg.click("#monitor-upload")
    pg.wait_for_selector("#monitor-text, #monitor-message", timeout=600_000)
    assert "On track?" in pg.inner_text("#monitor-text")
    assert pg.eval_on_selector("#on-track-chart", "img => img.naturalWidth") > 100
    shot(pg, "7-monitor")


# ------------------------------------------------------------------------------ hosting
def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _job_id(finished) -> str:
    return finished["page"].url.split("/job/")[1].split("/")[0].split("#")[0]


def test_no_server_path_can_be_read(finished):
    url, job = finished["url"], _job_id(finished)
    assert _get(f"{url}/job/{job}/download/report.docx")[0] == 200
    for path in (f"/job/{job}/download/..%2F..%2Fetc%2Fpasswd", f"/job/{job}/download/run.json",
                 f"/job/{job}/download/uploaded.xlsx", f"/job/{'0' * 32}/download/report.html",
                 f"/job/{job[:-1]}/status", "/job/..%2F..%2Fetc/status",
                 "/static/..%2F__init__.py"):
        status, body = _get(url + path)
        assert status == 404, path
        assert b"root:" not in body


def test_an_oversized_upload_is_refused(server):
    """Refused from its declared length, before the body is read (413); a body of no declared
    length is refused too (411)."""
    import http.client

    from simulation.app import forms

    url, _ = server
    host, port = url.split("//")[1].split(":")
    for headers, status in (({"Content-Length": str(forms.MAX_WORKBOOK_BYTES + 200 * 1024)}, 413),
                            ({"Transfer-Encoding": "chunked"}, 411)):
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.putrequest("POST", "/start")
        conn.putheader("Content-Type", "multipart/form-data; boundary=b")
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == status
        conn.close()


def test_concurrent_runs_wait_in_the_queue(server):
    """Two authors press Run at once: both runs finish, one after the other, same numbers as
    each alone would give (same seed and inputs: identical two-views tables)."""
    url, app = server
    from simulation.app import server as server_mod

    jobs = server_mod.jobs_of(app)
    ids = []
    for _ in range(2):
        job = jobs.new()
        job.scenario, job.reference = study.load("national"), "national"
        ids.append(job.id)
    form = f"reps={REPS // 2}&seed=11".encode()

    def post(job_id):
        req = urllib.request.Request(f"{url}/job/{job_id}/run", data=form, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(req).read()

    threads = [threading.Thread(target=post, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    deadline = time.time() + 600
    states = []
    while time.time() < deadline:
        states = [json.loads(_get(f"{url}/job/{i}/status")[1])["state"] for i in ids]
        if all(s in ("done", "failed") for s in states):
            break
        time.sleep(0.5)
    assert states == ["done", "done"]
    a, b = (jobs.get(i).report.tables["two_views"] for i in ids)
    assert a.equals(b)


def test_the_command_refuses_a_bad_port(capsys):
    assert main(["app", "--port", "70000"]) == 2
    assert "--port = 70000 is invalid" in capsys.readouterr().err


