"""The monitoring data format (``simulation/core/monitoring.py``): a good file is read with its
missing values missing; each kind of bad file is one line naming file, row, column, value and
what is allowed."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from sheets import type_csv

from simulation.core import monitoring
from simulation.core.errors import PausesimError

HEADER = ",".join(monitoring.COLUMNS)
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / \
    "monitoring-southampton.csv"


def practice(to, offered="", enrolled="", completed="", left="", larc="", preg="", births="",
             infants="", frm=0):
    return f"practice,{frm},{to},{offered},{enrolled},{completed},{left},{larc},{preg}," \
           f"{births},{infants},,"


def authority(frm, count=""):
    return f"authority,{frm},{frm + 12},,,,,,,,,{count},"


GOOD = "\n".join([HEADER, authority(-36, 40), authority(-24, 44), authority(-12, 47),
                  authority(0, 41), practice(3, 30, 20, "", 0), practice(6, 35, "", 0, 1, 18),
                  practice(12, 49, 21, 0, 2, 17, 1, 1, 0)]) + "\n"


def test_a_good_file_keeps_missing_values_missing():
    data = monitoring.parse(GOOD, "good.csv", horizon_months=60)
    p = data.practice
    assert list(p["to_month"]) == [3.0, 6.0, 12.0]
    assert math.isnan(p.loc[1, "enrolled"]) and math.isnan(p.loc[0, "completed"])
    assert p.loc[0, "left_early"] == 0.0  # a zero given is zero
    assert len(data.baseline()) == 3 and len(data.since_launch()) == 1
    observed = data.observed()
    assert not observed["observed"].isna().any()
    assert len(observed) == int(p[list(monitoring.PRACTICE_SERIES)].notna().sum().sum())


def test_the_shipped_example_is_valid_and_gives_only_what_the_paper_gives():
    data = monitoring.load(EXAMPLE, horizon_months=60)
    row = data.practice.iloc[0]
    assert (row["offered"], row["enrolled"]) == (49, 21)
    for missing in ("completed", "left_early", "pregnancies", "live_births",
                    "infants_entering_care"):
        assert math.isnan(row[missing]), missing
    assert data.authority["infants_starting_care"].isna().all()  # the paper gives a rate only


def replace(line_no: int, new: str) -> str:
    lines = GOOD.splitlines()
    lines[line_no] = new
    return "\n".join(lines) + "\n"


BAD = {
    "unknown column": (GOOD.replace("offered", "offerd", 1), "row 1, column 4: 'offerd'"),
    "missing column": (GOOD.replace("section,", "", 1), "'section'"),
    "column twice": (GOOD.replace("note", "offered", 1), "given twice"),
    "negative count": (replace(5, practice(3, 30, -2)), "column enrolled: '-2'"),
    "text in a number": (replace(5, practice(3, "thirty", 20)), "column offered: 'thirty' is not"),
    "fraction": (replace(5, practice(3, 30.5, 20)), "column offered: '30.5'"),
    "nan": (replace(5, practice(3, "nan", 20)), "column offered: 'nan'"),
    "enrolled > offered": (replace(5, practice(3, 10, 20)), "more women enrolled than offered"),
    "beyond the horizon": (replace(7, practice(72, 49, 21)), "beyond the scenario's horizon"),
    "cumulative falls": (replace(7, practice(12, 20, 20)), "column offered: 20 is less than"),
    "ended > enrolled": (replace(7, practice(12, 49, 21, 15, 10)), "more than enrolled"),
    "on LARC > enrolled": (replace(7, practice(12, 49, 21, 0, 0, 30)),
                           "more women on LARC than enrolled"),
    "unknown section": (replace(5, "practise" + practice(3)[8:]), "column section: 'practise'"),
    "empty month": (replace(5, practice("")), "column to_month: is empty"),
    "part month": (replace(5, practice(3.5)), "whole months"),
    "to before from": (replace(5, practice(3, frm=6)), "must be after from_month"),
    "authority not a year": (replace(1, "authority,-36,-30,,,,,,,,,40,"), "one year"),
    "authority straddles launch": (replace(4, authority(-6, 41)), "straddle"),
    "practice cell on authority row": (replace(1, "authority,-36,-24,5,,,,,,,,40,"),
                                       "column offered: '5' is not allowed on a authority row"),
    "authority cell on practice row": (replace(5, practice(3)[:-1] + "7,"),
                                       "column infants_starting_care"),
    "too few baseline years": (replace(1, authority(-36)), "2 pre-launch authority year(s)"),
    "overlapping years": (replace(2, authority(-30, 44)), "overlaps"),
    "two rows one period": (replace(6, practice(3, 31)), "two practice rows"),
    "too many cells": (replace(5, practice(3) + ",x"), "more than the"),
    "header only": (HEADER + "\n", "header only"),
    "empty": ("", "is empty"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_one_line_naming_where_and_what_is_allowed(case):
    text, fragment = BAD[case]
    with pytest.raises(PausesimError) as exc:
        monitoring.parse(text, "m.csv", horizon_months=60)
    message = str(exc.value)
    assert "\n" not in message and message.startswith("m.csv"), message
    assert fragment in message, message
    assert "allowed" in message or "must" in message, message


@pytest.mark.parametrize("name,data,fragment", [
    ("m.txt", b"x", "not a .csv"), ("m.csv", b"\xff\xfe\x00", "not UTF-8"),
    ("folder.csv", None, "is a folder"), ("missing.csv", False, "does not exist")])
def test_files_that_are_not_monitoring_csv_are_one_line(tmp_path, name, data, fragment):
    path = tmp_path / name
    if data is None:
        path.mkdir()
    elif data is not False:
        path.write_bytes(data)
    with pytest.raises(PausesimError, match=fragment):
        monitoring.load(path)


def test_monitor_prints_the_answers_and_writes_its_folder(tmp_path, capsys):
    """A small run (40 replications over 10 posterior draws): each observed value gets a band,
    a percentile and a verdict in both views; the update reweights the draws."""
    import pandas as pd

    from simulation import cli

    data = tmp_path / "m.csv"
    data.write_text(GOOD)
    out = tmp_path / "out"
    code = cli.main(["monitor", "national", str(data), "--reps", "40", "--draws", "10",
                     "--out", str(out), "--no-progress", "--workers", "1", "--plan-sims", "4"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "On track?" in printed and "Update:" in printed and "P(no effect)" in printed
    table = pd.read_csv(out / "on_track.csv")
    observed = monitoring.parse(GOOD, "m.csv").observed()
    assert len(table) == 2 * len(observed)
    assert set(table["view"]) == {"base", "authority"}
    assert table["percentile"].between(0, 100).all() and table["verdict"].notna().all()
    assert (table["lo"] <= table["hi"]).all()
    update = pd.read_csv(out / "system_effect_update.csv")
    assert list(update["posterior"]) == ["prior (calibration)", "updated"]
    assert update["p_no_effect"].between(0, 1).all()
    draws = pd.read_csv(out / "system_effect_draws.csv")
    assert abs(draws["updated_weight"].sum() - 1) < 1e-9
    assert (out / "on_track.png").stat().st_size > 0 and (out / "run.json").is_file()
    plan = pd.read_csv(out / "plan.csv")
    assert list(plan["years_after_launch"]) == [1, 2, 3, 4, 5]
    assert plan["power"].between(0, 1).all() and (plan["sims"] == 4).all()
    assert "Plan:" in printed and "Forecast from here:" in printed
    here = pd.read_csv(out / "forecast_from_here.csv")
    assert set(here["view"]) == {"base", "authority"}
    assert (here["effective_sample_size"] <= here["replications"] + 1e-9).all()
    assert (here["lo_from_here"] <= here["hi_from_here"]).all()
    assert here["local_share"].between(0, 1).all()
    assert here["local_share_practice_series"].between(0, 1).all()
    assert here.loc[here["view"] == "base", "local_share_authority_counts"].isna().all()
    assert here.loc[here["view"] == "authority", "local_share_authority_counts"].between(0, 1).all()
    assert "the headline (infants kept out of care to the horizon) now rests on local" in printed
    women = pd.read_csv(out / "women_parameters_update.csv")
    assert "outreach.enrol_probability" in set(women["parameter"])
    assert (women["effective_sets"] <= women["parameter_sets"] + 1e-9).all()
    evsi = pd.read_csv(out / "evsi.csv")
    assert list(evsi["years_after_launch"]) == [1, 2, 3, 4, 5]
    assert (evsi["evsi_gbp"] >= 0).all()
    assert (evsi["evsi_gbp"] <= evsi["evpi_system_effect_gbp"] + 3 * evsi["evsi_se_gbp"]).all()
    assert "EVSI of 3 year(s)" in printed and "Update: the women's parameters" in printed
    assert "the power and false alarms above are the prior's" in printed  # national: 3%


def test_local_share_is_the_local_datas_weight_in_a_normal_update():
    """Prior N(0, s0^2) sampled, one observation with noise s: the importance-weighted posterior
    variance is 1 / (1/s0^2 + 1/s^2), so the local data's weight is s0^2 / (s0^2 + s^2). The
    tolerance is 4 standard errors of a weighted variance, var_after * sqrt(2 / ESS) over the
    prior variance (seeded; the estimator is otherwise exact)."""
    import numpy as np

    from simulation.results import conditioned

    rng = np.random.default_rng(20261207)
    for s0, s, y in ((1.0, 1.0, 0.3), (2.0, 1.0, -1.0), (1.0, 3.0, 0.5)):
        x = rng.normal(0.0, s0, 200_000)
        w = np.exp(-0.5 * ((x - y) / s) ** 2)
        w /= w.sum()
        ess = 1.0 / (w ** 2).sum()
        truth = s0 ** 2 / (s0 ** 2 + s ** 2)
        tolerance = 4 * (1 - truth) * np.sqrt(2.0 / ess)
        assert abs(conditioned.local_share(x, w) - truth) < tolerance, (s0, s, truth)
    flat = np.full(1000, 1e-3)
    assert conditioned.local_share(rng.normal(size=1000), flat) == 0.0  # no local weight
    assert np.isnan(conditioned.local_share(np.ones(1000), flat))  # nothing to explain


def test_the_plan_says_when_its_figures_are_the_priors_not_the_counts():
    """Under the calibration's 3% P(no effect), authorities with no effect still end near 3%:
    power and false alarms are then the prior's, and the Plan says so; under even odds, whose
    no-effect authorities end near 0.5, it does not."""
    import pandas as pd

    from simulation.results import monitor

    plan = pd.DataFrame({"median_p_no_effect_if_none": [0.04, 0.05, 0.04]})
    assert "--p-no-effect" in monitor.plan_caveat(plan)
    assert monitor.plan_caveat(plan.assign(median_p_no_effect_if_none=[0.5, 0.6, 0.7])) == ""
    assert monitor.plan_caveat(None) == ""


def test_percentile_is_mid_rank_and_verdicts_name_the_side_and_whether_it_is_better():
    import numpy as np

    from simulation.results import ontrack

    assert ontrack.percentile(np.zeros(10), 0.0) == 50.0  # a count every future shares
    assert ontrack.percentile(np.arange(1.0, 5.0), 0.0) == 0.0
    assert ontrack.percentile(np.arange(1.0, 5.0), 9.0) == 100.0
    assert ontrack.verdict(50.0, 0.9, True).startswith("on track")
    assert ontrack.verdict(2.0, 0.9, True) == ("below the forecast: fewer than in 95% of "
                                               "simulated futures (worse than forecast)")
    assert ontrack.verdict(99.0, 0.9, False).endswith("(worse than forecast)")
    assert ontrack.verdict(1.0, 0.9, False).endswith("(better than forecast)")


def test_prevented_entries_follow_the_models_build_up():
    """None before the first enrolment; share x enrolled / women_for_full_effect of the other
    mothers' entries a month while building up; the full share once enough women enrolled."""
    import numpy as np
    import pandas as pd

    from simulation.core import scenario as scenario_mod
    from simulation.model.rates import Rates
    from simulation.results import prevented

    sc = scenario_mod.load("national")
    enrolled = np.zeros((1, 24))
    enrolled[0, 2] = 10.0  # 10 women in month 2
    enrolled[0, 5] = 10.0  # 20 by month 5
    monthly = prevented.system_by_month(np.array([19.0, 0.0]), np.array([20.0, 20.0]),
                                        Rates.from_scenario(sc), "per-practice", 38.0, enrolled)
    per_month = 19.0 / 12.0  # 19 of 38 other entries a year: share 0.5
    assert np.allclose(monthly[0, :3], 0.0)  # nothing before the end of the enrolment month
    assert np.allclose(monthly[0, 3:6], 0.5 * per_month)
    assert np.allclose(monthly[0, 6:], per_month)
    assert np.allclose(monthly[1], 0.0)
    years = pd.DataFrame({"from_month": [0.0, 12.0], "to_month": [12.0, 24.0]})
    assert np.allclose(prevented.by_year(monthly, years)[0],
                       [3 * 0.5 * per_month + 6 * per_month, 12 * per_month])


# ------------------------------------------------------------------ the workbook's sheet
def _workbook_with(tmp_path, text: str) -> Path:
    """The ``pausesim template`` workbook with ``text`` (CSV) typed into its Monitoring sheet,
    numbers as numbers (as Excel stores them) and everything else as text."""
    import openpyxl

    from simulation.core import scenario, workbook

    path = tmp_path / "area.xlsx"
    workbook.write_template(scenario.load("national"), path)
    wb = openpyxl.load_workbook(path)
    type_csv(wb[workbook.MONITORING_SHEET], text)
    wb.save(path)
    return path


def test_the_workbook_sheet_reads_as_the_csv_does(tmp_path):
    from_csv = monitoring.parse(GOOD, "good.csv", horizon_months=60)
    from_xlsx = monitoring.load(_workbook_with(tmp_path, GOOD), horizon_months=60)
    for a, b in ((from_csv.practice, from_xlsx.practice),
                 (from_csv.authority, from_xlsx.authority)):
        assert a.drop(columns="row").equals(b.drop(columns="row"))  # NaN where NaN: never 0


def test_an_empty_template_sheet_is_a_header_only(tmp_path):
    from simulation.core import scenario, workbook

    path = tmp_path / "blank.xlsx"
    workbook.write_template(scenario.load("national"), path)
    with pytest.raises(PausesimError, match=r"sheet 'Monitoring': has a header only"):
        monitoring.load(path)


@pytest.mark.parametrize("line, new, message", [
    (5, practice(3, 30, 20, "", -1), r"row 6, column left_early: '-1' is invalid"),
    (5, practice(3, 30, 31), r"row 6, column enrolled: 31 is invalid: more women enrolled "
                             "than offered"),
    (5, practice(3, "thirty"), r"row 6, column offered: 'thirty' is not a number"),
    (5, practice(61, 30), r"row 6, column to_month: '61' is beyond the scenario's horizon"),
])
def test_bad_workbook_cells_name_sheet_row_and_column(tmp_path, line, new, message):
    path = _workbook_with(tmp_path, replace(line, new))
    with pytest.raises(PausesimError, match=r"sheet 'Monitoring', " + message):
        monitoring.load(path, horizon_months=60)


def test_a_workbook_without_the_sheet_is_refused(tmp_path):
    import openpyxl

    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.save(path)
    with pytest.raises(PausesimError, match=r"no sheet 'Monitoring'"):
        monitoring.load(path)


def test_report_has_the_local_evidence_section(tmp_path):
    """``pausesim report --monitoring``: the section in the HTML (with the fan chart), the Word
    document and the workbook, its tables as CSV; without --monitoring, no section."""
    import docx
    import openpyxl

    from simulation import cli

    data = tmp_path / "m.csv"
    data.write_text(GOOD)
    out = tmp_path / "report"
    assert cli.main(["report", "national", "--monitoring", str(data), "--reps", "20",
                     "--draws", "5", "--plan-sims", "2", "--no-progress", "--workers", "1",
                     "--p-no-effect", "0.5", "--out", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "Local evidence so far" in html and "href='#local-evidence'" in html
    for heading in ("On track?", "Update: the system effect", "Forecast from here", "Plan"):
        assert f"<h3>{heading}" in html, heading
    section = html[html.index('id="local-evidence"'):]
    assert "data:image/png;base64" in section[:section.index("</section>")]
    assert "now rests on local rather than national evidence for about" in section
    assert "<th>on local evidence</th>" in section
    text = " ".join(p.text for p in docx.Document(out / "report.docx").paragraphs)
    assert "Local evidence so far" in text
    assert "now rests on local rather than national evidence" in text
    wb = openpyxl.load_workbook(out / "report.xlsx")
    assert "Local evidence" in wb.sheetnames  # people's words, print-ready (issue 22)
    assert wb["Local evidence"].page_setup.fitToWidth == 1
    for name in ("local_on_track", "local_system_effect", "local_plan", "local_evsi"):
        assert (out / f"{name}.csv").is_file(), name
    # --p-no-effect reaches the update as pausesim monitor's does (the calibration's own is 0.03)
    import pandas as pd

    prior = pd.read_csv(out / "local_system_effect.csv").iloc[0]
    assert prior["p_no_effect"] == pytest.approx(0.5), prior


def test_the_womens_parameters_move_towards_what_the_practice_observed():
    """A practice that enrolled as many women by month 12 as the most of 40 simulated futures
    (10 parameter sets): the sets whose futures enrol more gain weight, so the updated median
    enrolment probability rises above the prior's, and the effective number of sets falls
    below the number of sets (fixed seed; the direction, not a size, is asserted). 10 sets
    cannot hold 20 effective ones, so a refit is tried (``women_update.refit``: rounds of 10 new
    sets simulated near the updated ones) and used where it ends on more effective sets, its
    effective size reported either way."""
    import pandas as pd

    from simulation.results import ontrack, views, women_update

    both = views.simulate(scenario_for_update(), 40, 7, draws=10, resolution="month",
                          progress=False, workers=1)
    most = float(ontrack.forecast(both.base, "enrolled", 12).max())
    observed = pd.DataFrame({"series": ["enrolled"], "to_month": [12], "observed": [most]})
    table = women_update.table(both, observed)
    row = table[(table["view"] == "base") &
                (table["parameter"] == "outreach.enrol_probability")].iloc[0]
    assert row["median_updated"] > row["median_prior"]
    assert row["effective_sets"] < row["parameter_sets"]
    assert row["effective_sets_before_refit"] < women_update.MIN_SETS_ESS
    assert row["parameter_sets_before_refit"] == 10
    assert row["refit_parameter_sets"] in range(10, 10 * women_update.REFIT_ROUNDS + 1, 10)
    words = women_update.ess_words(row)
    if row["refitted"]:
        assert row["effective_sets"] > row["effective_sets_before_refit"]
        assert "after a refit" in words
    else:
        assert row["effective_sets"] == row["effective_sets_before_refit"]
        assert f"a refit on {int(row['refit_parameter_sets'])} new sets" in words


def scenario_for_update():
    from simulation.core import scenario

    return scenario.load("national")
