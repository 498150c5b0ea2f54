"""The business-case report: files, self-containment, a real browser, numbers traced to tables.

Small runs (12 replications, one worker, fixed seed): these tests check the report's plumbing and
that its numbers agree with each other and with the per-replication table, not the model's
statistics. The browser test needs Debian's ``chromium`` (``apt-get install -y chromium``;
.ci/run installs it) and is skipped, with the reason, only where no chromium binary exists.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
from html import escape

import numpy as np
import pandas as pd
import pytest

from simulation import runner
from simulation.core import scenario as scenario_mod
from simulation.cli import main
from simulation.cli.run import scenario_note
from simulation.report import comparison
from simulation.report.business_case import main as business_case_main
from simulation.report.claims import BY_ID

REPORT = ["report", "--reps", "12", "--workers", "1", "--seed", "5", "--no-progress"]
TABLES = ("headline", "by_year", "assumptions", "council_inputs", "council_method",
          "council_vs_simulation", "activity", "summary", "replications", "sentences")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "national"
    assert main([*REPORT, "--out", str(out)]) == 0
    return out


def test_writes_html_csv_and_provenance(report_dir):
    for name in ("report.html", "run.json", "scenario.toml", *(f"{t}.csv" for t in TABLES)):
        assert (report_dir / name).stat().st_size > 0, name
    record = json.loads((report_dir / "run.json").read_text())
    assert record["seed"] == 5 and record["reps"] == 12 and record["scenario"] == "national"
    note = scenario_note(scenario_mod.load("national"))
    assert "calibration" in note
    assert record["note"] == note and record["scenario_digest"]
    html = (report_dir / "report.html").read_text()
    assert escape(note) in html  # the note on where the parameters come from, from run.py
    assert not [p for p in report_dir.parent.iterdir() if p.name.startswith(".")]


def test_html_is_self_contained(report_dir):
    html = (report_dir / "report.html").read_text()
    assert not re.search(r"(?:src|href)\s*=\s*['\"](?!data:|#)", html), "external reference"
    assert "<script" not in html and "<link" not in html and "url(" not in html
    images = re.findall(r"<img src='(data:image/png;base64,[^']+)'", html)
    assert len(images) == 4
    for uri in images:
        assert base64.b64decode(uri.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------ numbers traced to the CSVs
NUMBER = re.compile(r"(-?)(£?)(\d[\d,]*(?:\.\d+)?)([mk%]?)")
SCALE = {"m": 1e6, "k": 1e3, "%": 0.01, "": 1.0}


def cell(tables: dict, ref: dict) -> float:
    frame = tables[ref["table"]]
    mask = np.ones(len(frame), bool)
    for column, value in ref["row"].items():
        mask &= (frame[column] == value).to_numpy()
    assert mask.sum() == 1, ref
    return float(frame.loc[mask, ref["column"]].iloc[0])


def mismatches(sentences: pd.DataFrame, tables: dict) -> list[str]:
    """Every number parsed from each sentence against the cell it names, to the shown precision
    (half a unit of the last digit shown; money also +/- GBP 1, as it is rounded to the pound)."""
    bad = []
    for text, refs in zip(sentences.text, sentences.refs):
        refs = json.loads(refs)
        tokens = NUMBER.findall(text)
        if len(tokens) != len(refs):
            bad.append(f"{text!r}: {len(tokens)} numbers, {len(refs)} references")
            continue
        for (sign, pound, digits, suffix), ref in zip(tokens, refs):
            decimals = len(digits.split(".")[1]) if "." in digits else 0
            scale = SCALE[suffix]
            shown = float(digits.replace(",", "")) * scale * (-1 if sign else 1)
            tolerance = 0.5 * 10 ** -decimals * scale * (1 + 1e-9) + (1.0 if pound else 1e-9)
            actual = cell(tables, ref)
            if not abs(shown - actual) <= tolerance:
                bad.append(f"{text!r}: shows {sign}{pound}{digits}{suffix}, table has {actual}")
    return bad


@pytest.fixture(scope="module")
def cheap_report_dir(tmp_path_factory):
    """A programme cheap enough to break even in some futures: the other wording of the
    break-even sentence."""
    out = tmp_path_factory.mktemp("report") / "cheap"
    assert main([*REPORT, "--set", "costs.programme_cost_per_year_gbp=60000",
                 "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("which", ["report_dir", "cheap_report_dir"])
def test_every_number_in_the_sentences_is_its_table_cell(which, request):
    report_dir = request.getfixturevalue(which)
    tables = {t: pd.read_csv(report_dir / f"{t}.csv") for t in TABLES}
    sentences = tables["sentences"]
    assert len(sentences) >= 8 and all(json.loads(r) for r in sentences.refs)
    assert mismatches(sentences, tables) == []
    # the check is not vacuous: move one cell (shown as a whole number) by more than one unit,
    # which no rounding can hide
    broken = {**tables, "headline": tables["headline"].copy()}
    row = (broken["headline"].metric == "infants_avoided_cumulative") & \
        (broken["headline"].period == "horizon")
    broken["headline"].loc[row, "hi"] += 1.1
    assert len(mismatches(sentences, broken)) == 1


def test_sentences_appear_in_the_html(report_dir):
    html = (report_dir / "report.html").read_text()
    for text in pd.read_csv(report_dir / "sentences.csv").text:
        assert escape(text) in html


def test_tables_agree_with_the_replications(report_dir):
    """BCR, net, P(net saving) and the council's percentile recomputed from replications.csv."""
    reps = pd.read_csv(report_dir / "replications.csv").groupby("rep").sum()
    head = pd.read_csv(report_dir / "headline.csv").set_index(["metric", "period"])
    bcr = reps.cost_avoided_discounted / reps.programme_cost_discounted
    assert head.loc[("benefit_cost_ratio_discounted", "horizon"), "median"] == pytest.approx(
        np.median(bcr))
    net = reps.net_cost_avoidance_discounted
    assert head.loc[("net_cost_avoidance_cumulative_discounted", "horizon"), "mean"] == \
        pytest.approx(net.mean())
    assert head.loc[("probability_net_saving_discounted", "horizon"), "mean"] == \
        pytest.approx((net > 0).mean())
    by_year = pd.read_csv(report_dir / "by_year.csv").set_index(["metric", "year"])
    summary = pd.read_csv(report_dir / "summary.csv").set_index(["metric", "period"])
    for metric in ("net_cost_avoidance_cumulative_discounted", "infants_avoided_cumulative",
                   "cost_avoided_cumulative"):
        assert by_year.loc[(metric, 5), "median"] == pytest.approx(
            summary.loc[(metric, "year_5"), "median"])
    versus = pd.read_csv(report_dir / "council_vs_simulation.csv").set_index(["metric", "period"])
    council = versus.loc[("net_cost_avoidance_cumulative_discounted", "horizon")]
    council_table = pd.read_csv(report_dir / "council_method.csv")
    assert council.council == pytest.approx(
        council_table.net_cost_avoidance_cumulative_discounted.iloc[-1])
    share = ((net < council.council).mean() + 0.5 * (net == council.council).mean())
    assert council.share_of_futures_below_council == pytest.approx(share)


# ---------------------------------------------------------------------------- a real browser
PROBE = """<script>
window.addEventListener('load', function () {
  var imgs = Array.from(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute('data-images', imgs.length);
  document.body.setAttribute('data-images-loaded', ok);
  document.body.setAttribute('data-tables', document.querySelectorAll('table').length);
});
</script>"""
CHROMIUM = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--virtual-time-budget=5000"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.skip("no chromium binary: install Debian's chromium (apt-get install -y chromium) to "
                "render the report in a real browser")


def render(page, tmp_path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), *CHROMIUM, f"--user-data-dir={tmp_path / 'profile'}", *args,
                           page.as_uri()], capture_output=True, text=True, timeout=120)


def test_report_renders_in_chromium_with_its_figures(report_dir, tmp_path):
    html = (report_dir / "report.html").read_text()
    # the page's policy forbids scripts; let only the probe run (images stay data:-only)
    probed = html.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';")
    assert probed != html
    page = tmp_path / "probe.html"
    page.write_text(probed.replace("</body>", PROBE + "</body>"))
    dom = render(page, tmp_path, "--dump-dom").stdout
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert 'data-images="4"' in body and 'data-images-loaded="4"' in body, body
    assert int(re.search(r'data-tables="(\d+)"', body).group(1)) >= 8
    # the probe is not vacuous: a broken image is counted as not loaded
    broken = page.read_text().replace("</body>", "<img src='data:image/png;base64,AAAA'></body>")
    page.write_text(broken)
    body = re.search(r"<body([^>]*)>", render(page, tmp_path, "--dump-dom").stdout).group(1)
    assert 'data-images="5"' in body and 'data-images-loaded="4"' in body, body


def test_report_screenshot_is_not_blank(report_dir, tmp_path):
    from PIL import Image

    shot = tmp_path / "shot.png"
    render(report_dir / "report.html", tmp_path, "--window-size=1200,2400", "--hide-scrollbars",
           f"--screenshot={shot}")
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert image.size == (1200, 2400) and len(colours) > 50  # text, tables and a chart


# ---------------------------------------------------------------------------- the command line
@pytest.mark.parametrize("args,fragment", [
    (["--council-removals", "-1"], "--council-removals = -1.0 is invalid"),
    (["--set", "practice.practitioners=0"], "practice.practitioners = 0 is invalid"),
    (["--reps", "0"], "--reps = 0"),
    (["atlantis"], "neither a built-in scenario"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, fragment):
    out = tmp_path / "res"
    assert main([*REPORT, "--out", str(out), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and fragment in err, err
    assert not out.exists() and not list(tmp_path.iterdir())


# ---------------------------------------------------------------------- seed business cases
@pytest.fixture(scope="module")
def seed_002():
    case = BY_ID["southampton-2021"]
    result = runner.run(case.scenario(), reps=12, seed=7, workers=1, progress=False)
    return case, comparison.compare(case, result, band=0.9)


def test_claim_sentences_follow_the_numbers(seed_002):
    """Each sentence's placement words and figures come from its row's numbers."""
    case, frame = seed_002
    assert list(frame.claim) == [c.id for c in case.claims]
    for _, row in frame.iterrows():
        if row.kind in ("point", "up_to"):
            claimed = comparison._fmt(row.metric, row.claimed, exact=True)
            assert claimed in row.sentence
            expected = ("above the simulated range" if row.claimed > row.hi else
                        "below the simulated range" if row.claimed < row.lo else
                        "within the simulated range")
            assert expected in row.sentence, row.sentence
            assert comparison._fmt(row.metric, row["median"]) in row.sentence
        if row.kind == "input":
            assert row["median"] == pytest.approx(1_781_440)  # 285,000 + 71,288 a year, 5 years
            assert "£356,440 more (+25%)" in row.sentence
    assert "Of 4 figures" in comparison.overall(frame)


def test_business_case_script_writes_its_report(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PAUSESIM_REPS", "6")
    out = tmp_path / "dorset"
    assert business_case_main("dorset-2022", ["--workers", "1", "--no-progress", "--out",
                                              str(out)]) == 0
    claims = pd.read_csv(out / "claims.csv")
    assert list(claims.claim) == [c.id for c in BY_ID["dorset-2022"].claims]
    assert json.loads((out / "run.json").read_text())["reps"] == 6
    assert "What the business case claimed" in (out / "report.html").read_text()
    assert "Seed 004 claims" in capsys.readouterr().out


def test_compare_seed_claims_page(tmp_path, monkeypatch):
    """The one-page comparison: every case, every claim, one generated sentence each."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "experiments" / "compare_seed_claims.py"
    spec = importlib.util.spec_from_file_location("compare_seed_claims", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setenv("PAUSESIM_REPS", "4")
    out = tmp_path / "claims"
    assert script.main(["--workers", "1", "--no-progress", "--out", str(out)]) == 0
    frame = pd.read_csv(out / "seed_claims.csv")
    assert len(frame) == sum(len(case.claims) for case in BY_ID.values())
    page = (out / "seed_claims.md").read_text()
    for case in BY_ID.values():
        assert f"## {case.title}" in page
    for text in frame.sentence:
        assert f"- {text}" in page
        assert escape(text) in (out / "seed_claims.html").read_text()
    assert scenario_note(scenario_mod.load("national")) in page
    assert json.loads((out / "run.json").read_text())["reps"] == 4
