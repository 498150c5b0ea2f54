"""Time an author's flow in ``pausesim app``, in headless Chromium: a northshire-like inputs
workbook uploaded -> the form -> Run (default replications) -> results -> the three report
files downloaded. Prints each step's seconds.

    python benchmarks/app_flow.py [--reps 1000] [--workers 2] [--screenshots DIR]

Needs the test extra (Playwright, pointed at the system's Chromium) and the app extra.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import openpyxl

from simulation.core import scenario as scenario_mod
from simulation.core import workbook

NORTHSHIRE = {"population.eligible_women_at_start": 64,
              "authority.other_infant_care_entries_per_year": 35,
              "costs.price_year": 2025,
              "costs.programme_cost_per_year_gbp": 340000,
              "costs.programme_cost_per_year_price_year": 2025}


def northshire(path: Path) -> Path:
    """The national template with a northshire-like area's values typed in."""
    path.write_bytes(workbook.template_bytes(scenario_mod.load("national")))
    wb = openpyxl.load_workbook(path)
    ws = wb[workbook.INPUTS_SHEET]
    value = workbook.INPUT_COLUMNS.index("value") + 1
    source = workbook.INPUT_COLUMNS.index("source") + 1
    rows = {f"{ws.cell(r, 1).value}.{ws.cell(r, 2).value}": r for r in range(2, ws.max_row + 1)}
    for key, v in NORTHSHIRE.items():
        ws.cell(rows[key], value).value = v
        ws.cell(rows[key], source).value = "Northshire scoping exercise, 2026"
    sheet = wb[workbook.SCENARIO_SHEET]
    for r in range(2, sheet.max_row + 1):
        if sheet.cell(r, 1).value == "name":
            sheet.cell(r, 2).value = "northshire-2026"
        if sheet.cell(r, 1).value == "title":
            sheet.cell(r, 2).value = "Northshire's Pause practice"
    wb.save(path)
    return path


def main() -> int:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from simulation.app import server

    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--screenshots", type=Path, default=None)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="app-flow-"))
    book = northshire(tmp / "northshire.xlsx")
    app = server.create(args.workers, root=tmp)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    while not srv.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    times = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                    args=["--no-sandbox", "--disable-dev-shm-usage"])
        page = browser.new_context(accept_downloads=True,
                                   viewport={"width": 1280, "height": 900}).new_page()
        t = time.perf_counter()
        page.goto(url + "/")
        times["open the page"] = time.perf_counter() - t
        t = time.perf_counter()
        page.set_input_files("#workbook", str(book))
        page.click("#upload")
        page.wait_for_selector("#inputs-form")
        times["upload the workbook, see the form"] = time.perf_counter() - t
        page.fill("#reps", str(args.reps))
        t = time.perf_counter()
        page.click("#run")
        page.wait_for_selector("#results, #run-error", timeout=3_600_000)
        times[f"run ({args.reps} replications a view) and show the results"] = \
            time.perf_counter() - t
        if args.screenshots:
            args.screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.screenshots / "flow-results.png"), full_page=True)
        t = time.perf_counter()
        for name in ("report-html", "report-docx", "report-xlsx"):
            with page.expect_download() as info:
                page.click(f"#dl-{name}")
            info.value.save_as(tmp / name)
        times["download the report (HTML, Word, Excel)"] = time.perf_counter() - t
        browser.close()
    srv.should_exit = True
    for step, seconds in times.items():
        print(f"{step}: {seconds:.2f} s")
    server.jobs_of(app).close()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
