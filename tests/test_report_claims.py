"""The seed business cases' claims against the simulation, the business-case scripts and the
one-page comparison.

Small runs (4-8 replications, simpy engine, fixed seeds): these check that every claim gets one
generated sentence whose placement words follow its row's numbers, and that the seed review's
corrections are in the data (authority-wide claims said so, Dorset's 14 a year also over 5 years,
Southampton 2021's year-2 accrual, the 2019 pilot's future pregnancies, money in each document's
price year). Checked to fail: testing 'above' against the range's low end in claims_check.sentence
breaks test_claim_sentences_follow_the_numbers.
"""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path

import pandas as pd
import pytest

from simulation.report import claims_check
from simulation.report.claims import AUTHORITY_WIDE, BUSINESS_CASES, BY_ID
from simulation.report.sentences import PREFIX
from simulation.results import study

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the experiments package sits at the repository root
    sys.path.insert(0, str(ROOT))

SMALL = dict(reps=8, seed=7, draws=4, engine="simpy", workers=1, progress=False)


@pytest.fixture(scope="module")
def seed_002():
    case = BY_ID["southampton-2021"]
    results = study.simulate(case.scenario(), **SMALL)
    return case, claims_check.compare(case, results)


def test_claim_sentences_follow_the_numbers(seed_002):
    case, frame = seed_002
    assert list(frame.claim) == [c.id for c in case.claims]
    for _, row in frame.iterrows():
        assert row.sentence.startswith("Seed 002")
        if row.kind in ("point", "up_to"):
            assert claims_check._fmt(row.metric, row.claimed, exact=True) in row.sentence
            expected = ("above the simulated range" if row.claimed > row.hi else
                        "below the simulated range" if row.claimed < row.lo else
                        "within the simulated range")
            assert expected in row.sentence, row.sentence
            assert claims_check._fmt(row.metric, row["median"]) in row.sentence
    assert "Of 4 figures" in claims_check.overall(frame)


def test_authority_wide_claims_say_so(seed_002):
    _, frame = seed_002
    wide = frame[frame.authority_wide]
    assert set(wide.claim) == {"infants_21_months", "infants_year_5"}
    assert all("authority-wide total" in s for s in wide.sentence)
    assert all(m == "infants_avoided_cumulative" or m == "infants_avoided_in_year"
               for m in wide.metric)  # the authority-wide metrics of the registry


def test_seed_review_corrections_are_claims():
    dorset = {c.id: c for c in BY_ID["dorset-2022"].claims}
    assert dorset["infants_5_years"].value == 5 * dorset["infants_per_year"].value
    assert dorset["infants_5_years"].metric == "infants_avoided_cumulative"
    assert AUTHORITY_WIDE in dorset["infants_per_year"].note
    assert "300,000" in dorset["cba_cost"].note
    accrual = {c.id: c for c in BY_ID["southampton-2021"].claims}["accrual_from_year_2"]
    assert (accrual.metric, accrual.period, accrual.kind) == ("cost_avoided_in_year", "year_1",
                                                              "zero")
    pilot = {c.id: c for c in BY_ID["southampton-2019-pilot"].claims}["future_pregnancies"]
    assert pilot.kind == "below" and pilot.value == 0.5
    years = {case.id: case.price_year for case in BUSINESS_CASES}
    assert years == {"southampton-2018-scoping": 2018, "southampton-2019-pilot": 2018,
                     "southampton-2021": 2021, "leeds-futures-2018": 2017, "dorset-2022": 2021}
    for case in BUSINESS_CASES:  # money reported in the document's own price year
        assert case.scenario()["costs.price_year"] == case.price_year


def test_pilot_future_pregnancies_from_the_parameter_sets():
    case = BY_ID["southampton-2019-pilot"]
    results = study.simulate(case.scenario(), **SMALL)
    row = claims_check.compare(case, results).set_index("claim").loc["future_pregnancies"]
    expected = [min(1.0, sc["care.removal_probability"]
                    * sc["post_programme.removal_rate_ratio_completed"])
                for sc in results.simulated.scenarios]
    assert min(expected) - 1e-12 <= row["median"] <= max(expected) + 1e-12
    assert f"below in {claims_check.FORMATS['pct'](row.share_below)}" in row.sentence


def test_business_case_script_writes_its_report(tmp_path, monkeypatch, capsys):
    from experiments import business_case_dorset_2022 as script

    monkeypatch.setenv("PAUSESIM_REPS", "4")
    out = tmp_path / "dorset"
    script.run(["--engine", "simpy", "--workers", "1", "--draws", "2", "--out", str(out)])
    claims = pd.read_csv(out / "claims.csv")
    assert list(dict.fromkeys(claims.view)) == ["base", "authority"]  # the base case first
    for view in ("base", "authority"):  # each claim against each view, the view named
        rows = claims[claims.view == view]
        assert list(rows.claim) == [c.id for c in BY_ID["dorset-2022"].claims]
        assert all(s.startswith(PREFIX[view] + "Seed 004") for s in rows.sentence)
    assert json.loads((out / "run.json").read_text())["reps"] == 4
    assert (out / "parameters.csv").exists() and (out / "report.docx").exists()
    assert "What the business case claimed" in (out / "report.html").read_text()
    assert "Seed 004 claims" in capsys.readouterr().out


def test_compare_seed_claims_page(tmp_path, monkeypatch):
    """The one-page comparison: every case, every claim in both views (the base case first),
    one generated sentence each, naming its view."""
    from experiments import compare_seed_claims as script

    monkeypatch.setenv("PAUSESIM_REPS", "4")
    out = tmp_path / "claims"
    script.run(["--engine", "simpy", "--workers", "1", "--draws", "2", "--out", str(out)])
    frame = pd.read_csv(out / "seed_claims.csv")
    assert len(frame) == 2 * sum(len(case.claims) for case in BUSINESS_CASES)
    assert list(dict.fromkeys(frame.view)) == ["base", "authority"]
    assert frame.sentence.str.startswith(("Base case (", "Authority-wide scenario (")).all()
    page = (out / "seed_claims.md").read_text()
    html = (out / "seed_claims.html").read_text()
    for case in BUSINESS_CASES:
        assert f"## {case.title}" in page
        assert f"GBP {case.price_year}/" in page
    for text in frame.sentence:
        assert f"- {text}" in page and escape(text) in html
    assert json.loads((out / "run.json").read_text())["options"]["reps"] == 4
