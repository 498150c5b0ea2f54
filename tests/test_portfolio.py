"""``pausesim portfolio``: the national total of many practices.

- the national total is the sum of the areas, replication by replication (in memory and in the
  CSV files);
- the areas share the parameter draws (set d is the same posterior draw in every area) but not
  their random numbers (two identical areas give different futures; with the point estimate,
  their futures are uncorrelated);
- bad areas files are one line, exit 2, nothing written, before simulating;
- the XLSX, DOCX and HTML files open and hold the national total; every money figure is at the
  one price base.

Small runs with the SimPy engine (same numbers as the fast one, no compile). Checked to fail:
giving every area the same replication numbers (``OFFSET * 0`` in ``portfolio.simulate``) fails
the two independence tests; summing only the first area in ``National.amounts`` fails the
sum tests.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from simulation import runner
from simulation.cli import main
from simulation.core import deflators
from simulation.report import areas as areas_mod
from simulation.report import portfolio
from simulation.results import costs, study
from simulation.results.metrics import STATISTIC_BY_NAME

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "areas.csv"
RUN = ["--workers", "1", "--no-progress", "--engine", "simpy"]
SEED = 11
THREE = ("area,scenario,practice.practitioners\n"
         "North,national,\n"
         "North twin,national,\n"
         "Dorset,dorset-2022,4\n")


def _areas(tmp_path: Path, text: str, name: str = "areas.csv", **resolve) -> list:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return areas_mod.resolve(areas_mod.read(path), path, **resolve)


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    """Three areas (two identical), 12 replications each over 3 shared posterior draws."""
    areas = _areas(tmp_path_factory.mktemp("three"), THREE)
    return portfolio.simulate(areas, reps=12, seed=SEED, draws=3, engine="simpy")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The CLI's output folder for the three areas, at the 2022/23 price base."""
    folder = tmp_path_factory.mktemp("written")
    (folder / "areas.csv").write_text(THREE, encoding="utf-8")
    out = folder / "out"
    assert main(["portfolio", str(folder / "areas.csv"), "--reps", "8", "--draws", "2",
                 "--seed", str(SEED), "--price-year", "2022", "--out", str(out), *RUN]) == 0
    return out


# --------------------------------------------------------------------------- the total
def test_national_total_is_the_sum_of_the_areas_replication_by_replication(three):
    national = three.national
    for name in (*portfolio.BY_YEAR, *portfolio.AREA_FIGURES, *portfolio.REPLICATION_COLUMNS):
        if name in STATISTIC_BY_NAME:
            continue
        for end in (12.0, 36.0, 60.0):
            total = sum(r.value(name, end) for r in three.results)
            np.testing.assert_allclose(national.value(name, end), total, rtol=1e-12, atol=1e-9)
    # the probability of a net saving is that of the national NPV, not a mix of the areas'
    npv = sum(r.value("net_cost_avoidance_cumulative_discounted", 60.0) for r in three.results)
    stat = STATISTIC_BY_NAME["probability_net_saving_discounted"]
    assert national.statistic(stat, 60.0).mean() == pytest.approx(np.mean(npv > 0))


def test_the_national_total_is_a_whole_results_not_one_with_methods_disabled(three):
    """Its tallies are the areas' summed (counts add across areas), its parameter sets every
    area's, labelled; and the cost of its care entries still comes from each area's costs."""
    national = three.national
    for name in ("enrolled", "care_entries_enrolled", "on_larc"):
        for arm in (0, 1):
            np.testing.assert_array_equal(national.row(name, arm),
                                          sum(r.row(name, arm) for r in three.results))
    assert len(national.replications_by_bin()) == national.reps * (len(national.edges) - 1)
    sets = national.parameter_sets()
    assert list(sets["area"].unique()) == [a.label for a in three.areas]
    assert len(sets) == sum(len(r.parameter_sets()) for r in three.results)
    assert three.parameter_sets().equals(sets)


def test_the_written_total_is_the_sum_of_the_written_areas(written):
    national = pd.read_csv(written / "replications.csv")
    per_area = pd.read_parquet(written / "area_replications.parquet")
    assert per_area.area.nunique() == 3
    columns = list(portfolio.REPLICATION_COLUMNS)
    summed = per_area.groupby(["rep", "year"])[columns].sum()
    mine = national.set_index(["rep", "year"])[columns]
    # CSV numbers are rounded to 10 significant digits (format.tidy_frame)
    np.testing.assert_allclose(mine.loc[summed.index].to_numpy(), summed.to_numpy(),
                               rtol=1e-8, atol=1e-3)


# ------------------------------------------------------- shared draws, independent chance
def test_areas_share_parameter_draws_but_not_random_numbers(three):
    north, twin, dorset = three.results
    # identical inputs, independent chance: the futures differ
    for name in ("care_entries_counterfactual_cumulative", "infants_avoided_cumulative"):
        assert not np.array_equal(north.value(name, 60.0), twin.value(name, 60.0)), name
    assert np.array_equal(twin.simulated.rep_number, north.simulated.rep_number +
                          portfolio.OFFSET)
    assert np.array_equal(dorset.simulated.rep_number, north.simulated.rep_number +
                          2 * portfolio.OFFSET)
    # parameter set d is posterior draw d in every area (study.parameter_plan's draws), except
    # the site effects on enrolment and engagement: each area is its own site (issue 21)
    from simulation.core.uncertainty import SITE_BY_KEY

    sc = north.scenario
    draws = sc.posterior().draws(3, SEED)
    for results in three.results:
        assert np.array_equal(results.simulated.set_index, north.simulated.set_index)
        keys = [k for k in results.scenario.calibrated_keys() if k not in SITE_BY_KEY]
        assert keys
        for d, drawn in enumerate(results.simulated.scenarios):
            assert {k: drawn[k] for k in keys} == pytest.approx({k: draws[d][k] for k in keys})
    enrol = "outreach.enrol_probability"
    if enrol not in twin.scenario.given:  # identical inputs, independent sites
        assert [s[enrol] for s in twin.simulated.scenarios] != \
            [s[enrol] for s in north.simulated.scenarios]


def test_the_first_area_is_the_scenario_run_on_its_own(three):
    """Area 0's random numbers are not offset: it reproduces ``pausesim run`` of its scenario
    (same seed, draws and replications), replication by replication. Tallies are float32,
    summed by year here and by month there: money agrees to float32 rounding (rtol 1e-5)."""
    north = three.results[0]
    alone = study.simulate(north.scenario, reps=12, seed=SEED, draws=3, engine="simpy")
    for name in ("infants_avoided_cumulative", "net_cost_avoidance_cumulative_discounted"):
        np.testing.assert_allclose(north.value(name, 60.0), alone.value(name, 60.0), rtol=1e-5)


def test_chance_is_uncorrelated_between_identical_areas(tmp_path):
    """With the point estimate nothing is shared, so two identical areas' futures are
    independent: their correlation over n replications has standard error about 1/sqrt(n);
    |r| < 4/sqrt(n) fails by chance with probability < 1e-4 (the same random numbers would
    give r = 1)."""
    n = 60
    areas = _areas(tmp_path, "area,scenario\nA,national\nB,national\n")
    run = portfolio.simulate(areas, reps=n, seed=SEED, uncertainty="point", engine="simpy")
    a, b = (r.value("care_entries_counterfactual_cumulative", 60.0) for r in run.results)
    assert np.std(a) > 0 and np.std(b) > 0
    assert abs(np.corrcoef(a, b)[0, 1]) < 4 / np.sqrt(n)


# ------------------------------------------------------------------------ bad inputs
@pytest.fixture
def no_simulation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("simulated before rejecting the input")

    monkeypatch.setattr(runner, "run", refuse)
    monkeypatch.setattr(study, "simulate_options", refuse)


def _xlsx(path: Path, rows, title: str = "areas", first: str | None = None) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    if first is not None:  # another sheet first: the 'areas' sheet is found by name
        ws.title = first
        ws.append(["not", "the", "areas"])
        ws = wb.create_sheet(title)
    else:
        ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)


CSV_CASES = [
    ("empty.csv", "", [], "empty.csv: the file is empty"),
    ("header.csv", "area,scenario\n", [], "no areas"),
    ("noarea.csv", "name,scenario\nA,national\n", [], "row 1: no column 'area'"),
    ("noscenario.csv", "area,scenaro\nA,national\n", [],
     "no column 'scenario' ('scenaro' looks like it"),
    ("typo.csv", "area,scenario,practice.practioners\nA,national,3\n", [],
     "column 'practice.practioners': unknown parameter 'practice.practioners' (did you mean "
     "'practice.practitioners'?)"),
    ("type.csv", "area,scenario,practice.practitioners\nA,national,three\n", [],
     "row 2 (area 'A'), column 'practice.practitioners': practice.practitioners = 'three' is "
     "invalid: must be a number"),
    ("twice.csv", "area,scenario\nDorset,national\ndorset,dorset-2022\n", [],
     "row 3, column 'area': area 'dorset' is given twice (rows 2 and 3)"),
    ("unknown.csv", "area,scenario\nA,nationl\n", [],
     "row 2 (area 'A'), column 'scenario': 'nationl' is neither a built-in scenario"),
    ("nofile.csv", "area,scenario\nA,mine.toml\n", [], "mine.toml: cannot read scenario file"),
    ("horizons.csv", "area,scenario\nA,national\nB,leeds-futures\n", [],
     "different horizons (practice.horizon_months) (60 in row 2 ('A'); 36 in row 3 ('B'))"),
    ("price.csv", "area,scenario,costs.price_year\nA,national,2020\n", [],
     "column 'costs.price_year': the portfolio puts every area at one price base"),
    ("blank.csv", "area,scenario\n,national\n", [], "row 2, column 'area': blank"),
    ("noref.csv", "area,scenario\nA,\n", [], "row 2 (area 'A'), column 'scenario': blank"),
    ("extra.csv", "area,scenario\nA,national,3\n", [], "beyond the last named column"),
    ("areas.txt", "area,scenario\nA,national\n", [], "must be a .csv or .xlsx file"),
    ("fake.xlsx", "area,scenario\nA,national\n", [], "not an .xlsx workbook"),
    ("ok.csv", "area,scenario\nA,national\n", ["--price-year", "2030"], "--price-year = 2030"),
    ("ok.csv", "area,scenario,practice.horizon_months\nA,national,48\n",
     ["--horizon-months", "60"], "give the horizon once"),
]


@pytest.mark.parametrize("name,text,args,fragment", CSV_CASES)
def test_bad_areas_file_is_one_line_and_writes_nothing(tmp_path, capsys, no_simulation, name,
                                                       text, args, fragment):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _assert_refused(tmp_path, capsys, path, args, fragment)


XLSX_CASES = [
    ("inputs.xlsx", None, "no sheet 'areas', and the first sheet 'Scenario' has no column "
                          "'area' (an inputs workbook"),
    ("nocolumn.xlsx", [["label", "scenario"], ["A", "national"]],
     "sheet 'areas', row 1: no column 'area'"),
    ("date.xlsx", [["area", "scenario", "practice.practitioners"],
                   ["A", "national", pd.Timestamp("2024-01-01").to_pydatetime()]],
     "sheet 'areas', row 2 (area 'A'), column 'practice.practitioners': practice.practitioners "
     "= '2024-01-01 (a date or time)' is invalid"),
    ("twice.xlsx", [["area", "scenario"], ["A", "national"], ["A", "national"]],
     "sheet 'areas', row 3, column 'area': area 'A' is given twice"),
    ("unknown.xlsx", [["area", "scenario"], ["A", "atlantis"]],
     "sheet 'areas', row 2 (area 'A'), column 'scenario': 'atlantis' is neither"),
    ("empty.xlsx", [], "sheet 'areas': the file is empty"),
]


@pytest.mark.parametrize("name,rows,fragment", XLSX_CASES)
def test_bad_areas_workbook_is_one_line_and_writes_nothing(tmp_path, capsys, no_simulation,
                                                           name, rows, fragment):
    path = tmp_path / name
    if rows is None:
        assert main(["template", "national", "--out", str(path)]) == 0
        capsys.readouterr()
    else:
        _xlsx(path, rows)
    _assert_refused(tmp_path, capsys, path, [], fragment)


def _assert_refused(tmp_path, capsys, path, args, fragment):
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "res"
    assert main(["portfolio", str(path), "--reps", "2", "--out", str(out), *RUN, *args]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and fragment in err, err
    assert err.startswith("pausesim portfolio: error: ") and "Traceback" not in err
    if not fragment.startswith("--"):
        assert path.name in err, err  # names the file
    assert captured.out == "" and sorted(p.name for p in tmp_path.iterdir()) == before


# -------------------------------------------------------------------- reading the file
def test_xlsx_areas_sheet_reads_as_the_csv(tmp_path):
    """A workbook's 'areas' sheet (not the first) gives the same scenarios as the CSV file."""
    from_csv = _areas(tmp_path, THREE)
    rows = [line.split(",") for line in THREE.strip().split("\n")]
    _xlsx(tmp_path / "areas.xlsx", [[c if c else None for c in r] for r in rows],
          first="read me")
    from_xlsx = areas_mod.resolve(areas_mod.read(tmp_path / "areas.xlsx"),
                                  tmp_path / "areas.xlsx")
    assert [a.scenario.digest() for a in from_xlsx] == [a.scenario.digest() for a in from_csv]
    assert from_csv[2].scenario["practice.practitioners"] == 4


def test_scenario_files_are_read_relative_to_the_areas_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mine.toml").write_text("[scenario]\nname = 'mine'\n[practice]\n"
                                                "practitioners = 5\n", encoding="utf-8")
    (tmp_path / "sub" / "areas.csv").write_text("area,scenario\nMine,mine.toml\n",
                                                encoding="utf-8")
    [area] = areas_mod.resolve(areas_mod.read(tmp_path / "sub" / "areas.csv"),
                               tmp_path / "sub" / "areas.csv")
    assert area.scenario.name == "mine" and area.scenario["practice.practitioners"] == 5


def test_example_areas_file_has_every_built_in_place_once():
    from simulation.core import scenario as scenario_mod

    areas = areas_mod.resolve(areas_mod.read(EXAMPLE), EXAMPLE)
    # every place a built-in scenario describes (Southampton has two: its pilot and its
    # practice), each once: the total is of distinct practices (issue 22)
    places = {n.split("-", 1)[0] for n in scenario_mod.builtin_names() if n != areas_mod.GENERIC}
    named = [areas_mod.place(a) for a in areas if areas_mod.place(a)]
    assert sorted(named) == sorted(places)
    assert areas_mod.repeated_places(areas) == []
    assert len(areas) > len(places)
    assert len({a.scenario["practice.horizon_months"] for a in areas}) == 1


def test_one_horizon_for_every_area(tmp_path):
    areas = _areas(tmp_path, "area,scenario\nA,national\nLeeds,leeds-futures\n",
                   horizon_months=48.0)
    assert [a.scenario["practice.horizon_months"] for a in areas] == [48.0, 48.0]
    assert areas[1].own_horizon_months == 36.0


# ------------------------------------------------------------------------ price base
def test_every_area_is_at_the_one_price_base(tmp_path):
    """Each area's money is converted to the portfolio's base: its programme cost at base 2022
    is its cost at base 2024 times the GDP-deflator factor from 2024 to 2022."""
    at = {year: _areas(tmp_path, THREE, price_year=year) for year in (2022, 2024)}
    assert [a.scenario["costs.price_year"] for a in at[2022]] == [2022] * 3
    assert [a.own_price_year for a in at[2022]] == [2024, 2024, 2021]
    default = _areas(tmp_path, THREE)
    assert {a.scenario["costs.price_year"] for a in default} == \
        {deflators.latest_outturn_year()}
    for a22, a24 in zip(at[2022], at[2024]):
        total = {y: costs.programme_cost_by_month(a.scenario, 60)[0].sum()
                 for y, a in ((2022, a22), (2024, a24))}
        assert total[2022] == pytest.approx(total[2024] * deflators.factor(2024, 2022))


def test_written_units_name_the_price_base(written):
    label = "GBP 2022/23 prices"
    for path in written.glob("*.csv"):
        frame = pd.read_csv(path)
        for column in ("unit", "price_base", "base"):
            if column in frame.columns:
                money = frame[column].astype(str)
                money = money[money.str.startswith("GBP")]
                assert (money == label).all(), (path.name, column, set(money))
    areas = pd.read_csv(written / "areas.csv")
    assert list(areas.own_price_base) == ["GBP 2024/25 prices", "GBP 2024/25 prices",
                                          "GBP 2021/22 prices"]
    text = (written / "portfolio.html").read_text(encoding="utf-8")
    assert label in text and "2024/25 prices in every area" not in text


# ------------------------------------------------------------------------------ files
def test_files_open_and_hold_the_national_total(written):
    head = pd.read_csv(written / "national_headline.csv")
    row = head[(head.metric == "infants_avoided_cumulative") & (head.period == "year_5")].iloc[0]
    wb = openpyxl.load_workbook(written / "portfolio.xlsx")
    assert {"national_headline", "national_by_year", "areas_headline", "areas",
            "money_inputs", "notes"} <= set(wb.sheetnames)
    sheet = list(wb["national_headline"].values)
    columns = sheet[0]
    cells = [dict(zip(columns, r)) for r in sheet[1:]]
    cell = next(c for c in cells if c["metric"] == row.metric and c["period"] == "year_5")
    assert cell["median"] == pytest.approx(row["median"]) and cell["mean"] == \
        pytest.approx(row["mean"])
    npv = head[head.metric == "net_cost_avoidance_cumulative_discounted"].iloc[0]
    assert str(npv.unit) == "GBP 2022/23 prices"

    import docx

    summary = [p.text for p in docx.Document(str(written / "portfolio.docx")).paragraphs]
    page = unescape(re.sub(r"<[^>]+>", "", (written / "portfolio.html").read_text("utf-8")))
    notes = [c.value for c in wb["notes"]["B"]]
    # the folder holds the base case; its first sentence says so, then the authority-wide one
    first = next(s for s in summary if "across the 3 practices" in s)
    assert first.startswith("Base case (the practice's own women")
    assert f"{row['median']:.0f} (" in first  # the total's median, as the CSV has it
    assert first in page and first in notes
    scenario = [s for s in summary if s.startswith("Authority-wide scenario")]
    assert len(scenario) == 3 and summary.index(scenario[0]) > summary.index(first)
    assert (written / "authority-wide" / "national_headline.csv").exists()
    record = json.loads((written / "run.json").read_text())
    areas = pd.read_csv(written / "areas.csv")
    assert [a["scenario_digest"] for a in record["areas"]] == list(areas.digest)
    assert record["seed"] == SEED and record["draws"] == 2 and record["pausesim_version"]
    assert record["price_base"] == "GBP 2022/23 prices"
    assert {p.name for p in written.glob("*.png")} == {"areas.png", "national_by_year.png"}


# ------ a portfolio that counts one place twice; the national headline in both views (issue 22)


TWICE = ("area,scenario\n"
         "Southampton pilot,southampton-2019-pilot\n"
         "Southampton,southampton-2021\n"
         "North,national\n"
         "South,national\n")


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
