"""Scenario files: inheritance from ``national``, calibration, what a file "gives", price years,
round trips, one-line errors, control characters, staff and cost warnings."""

from __future__ import annotations

import dataclasses

import pytest

from simulation import runner
from simulation.cli import main
from simulation.core import scenario as scenario_mod
from simulation.core.errors import ScenarioError
from simulation.core.parameters import BY_KEY, PARAMETERS, defaults


@pytest.mark.parametrize("name", scenario_mod.builtin_names())
def test_builtin_scenarios_load_and_cite_every_value(name):
    sc = scenario_mod.load(name)
    assert sc.name == name and sc.description
    for key, source in sc.sources.items():
        assert source and "no source given" not in source, key
    assert sc.calibration is not None  # every built-in scenario inherits a calibration


def test_a_short_file_inherits_national_and_its_calibration():
    sc = scenario_mod.parse("[practice]\npractitioners = 4\n", origin="short.toml")
    national = scenario_mod.load("national")
    assert sc.calibration == national.calibration
    assert sc.given == frozenset({"practice.practitioners"})
    assert sc["practice.practitioners"] == 4
    for key in national.values:
        if key != "practice.practitioners":
            assert sc[key] == national[key], key
    assert set(sc.calibrated_keys()) == set(national.calibrated_keys())


def test_calibration_none_takes_the_registry_defaults():
    sc = scenario_mod.parse('[scenario]\ncalibration = "none"\n', origin="plain.toml")
    assert sc.calibration is None and sc.calibrated_keys() == []
    assert dict(sc.values) == defaults()


def test_a_value_the_file_gives_is_never_drawn_even_with_a_calibration_source():
    """A copied file that keeps a 'calibration ...' source text still gives its own value."""
    key = "pregnancy.counterfactual_rate_per_year"
    text = (f"[{key.split('.')[0]}]\n{key.split('.')[1]} = {{ value = 0.3, source = "
            "\"calibration 'national': posterior point estimate\" }\n")
    sc = scenario_mod.parse(text, origin="copy.toml")
    assert key in sc.given and key not in sc.calibrated_keys() and sc[key] == 0.3


def test_with_calibration_switches_point_estimates_but_keeps_given_values():
    sc = scenario_mod.parse("[care]\nremoval_probability = 0.5\n", origin="x.toml")
    plain = sc.with_calibration(None)
    assert plain.calibration is None and plain["care.removal_probability"] == 0.5
    for key in sc.calibrated_keys():
        assert plain[key] == BY_KEY[key].default
    again = plain.with_calibration(sc.calibration)
    assert dict(again.values) == dict(sc.values)


def test_overrides_count_as_given_unless_they_are_draws(national):
    key = national.calibrated_keys()[0]
    assert key not in national.with_overrides({key: BY_KEY[key].default}).calibrated_keys()
    drawn = national.with_overrides({key: BY_KEY[key].default}, given=False)
    assert key in drawn.calibrated_keys()


def test_the_full_toml_reloads_to_the_same_scenario_with_any_unicode(national):
    named = dataclasses.replace(national, name="Poole 🙂", description="£ and 🦋 \"quoted\"")
    back = scenario_mod.parse(named.to_toml(), origin="written")
    assert (back.name, back.description) == (named.name, named.description)
    assert dict(back.values) == dict(named.values)
    assert back.calibration == named.calibration
    assert set(back.calibrated_keys()) == set(named.calibrated_keys())  # left to the posterior


@pytest.mark.parametrize("text,fragment", [
    ("", "the scenario file is empty"),
    ("  \n# only a comment\n", "the scenario file is empty"),
    ("[practice]\npractioners = 1\n", "did you mean 'practice.practitioners'"),
    ("[pratice]\nx = 1\n", "did you mean 'practice'"),
    ("[practice\n", "TOML"),
    ("[scenario]\ncalibration = \"nationl\"\n", "did you mean 'national'"),
    ("[scenario]\nname = 3\n", "must be a text string"),
    ("[scenario]\nbogus = 1\n", "unknown keys"),
    ("[costs]\nprice_year = 2012\n", "GDP deflator table covers"),
    ("[costs]\nsetup_cost_price_year = 2030\n", "GDP deflator table covers"),
    ("[costs]\nplacement_basis = \"cheap\"\n", "one of 'infant-mix', 'all-ages-mean'"),
    ("[costs]\nprogramme_cost_by_year_gbp = [1, 2, 3, 4, 5, 6]\n", "more than the horizon"),
    ("[costs]\nprogramme_cost_by_year_gbp = [1, -2]\n", "must be a list of at most"),
    ("[care]\nroute_probabilities = [0.5, 0.5, 0.5, 0.5]\n", "summing to 1"),
    ("[practice]\npractitioners = 1e400\n", "practice.practitioners"),
])
def test_bad_files_are_one_line_errors(text, fragment):
    with pytest.raises(ScenarioError) as err:
        scenario_mod.parse(text, origin="my.toml")
    message = str(err.value)
    assert "\n" not in message and message.startswith("my.toml")
    assert fragment in message, message


def test_every_parameter_is_declared_with_label_unit_range_and_source():
    for p in PARAMETERS:
        assert p.label and p.description and p.source and p.unit is not None, p.key
        assert scenario_mod.validate_value(p, p.default) == p.default
        if p.is_money:
            assert BY_KEY[p.price_year_key].kind == "int"


def test_unknown_names_and_missing_files():
    with pytest.raises(ScenarioError, match="neither a built-in scenario"):
        scenario_mod.load("no-such-place")
    with pytest.raises(ScenarioError):
        scenario_mod.load("missing.toml")


def test_money_given_without_its_price_year_is_a_warning(tmp_path, capsys, monkeypatch):
    """A council's own budget written without its price year would silently be read at the
    inherited (national) price year: say so, once per amount, before simulating."""

    budget = "[costs]\nprogramme_cost_per_year_gbp = 340000\n"
    unpriced = scenario_mod.unpriced_money(scenario_mod.parse(budget))
    assert len(unpriced) == 1 and "2018/19 prices" in unpriced[0]
    priced = budget + "programme_cost_per_year_price_year = 2025\n"
    assert scenario_mod.unpriced_money(scenario_mod.parse(priced)) == []
    assert scenario_mod.unpriced_money(scenario_mod.parse(  # nothing to price
        "[costs]\nprogramme_cost_per_year_gbp = 0\n")) == []
    for name in scenario_mod.builtin_names():
        assert scenario_mod.unpriced_money(scenario_mod.load(name)) == [], name

    monkeypatch.setattr(runner, "run", lambda *a, **k: pytest.fail("simulated"))
    (tmp_path / "mine.toml").write_text(budget + "[practice]\npractitioners = 0\n")
    assert main(["run", str(tmp_path / "mine.toml"), "--out", str(tmp_path / "o")]) == 2
    assert "warning" not in capsys.readouterr().err  # an error comes alone
    def interrupted(*args, **kwargs):  # stop where the simulation would start
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run", interrupted)
    main(["run", "--set", "costs.programme_cost_per_year_gbp=340000", "--out",
          str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert "pausesim: warning: costs.programme_cost_per_year_gbp = 340000 is read as GBP at " \
           "2018/19 prices" in err


def test_an_authority_size_that_is_not_the_areas_own_is_flagged(tmp_path):
    """Placeholder or inherited authority figures get a warning (the break-even share and the
    share-of-entries form rest on them); the area's own figure and the national scenario don't."""
    from simulation.core.scenario import placeholder_authority

    assert "a placeholder" in placeholder_authority(scenario_mod.load("dorset-2022"))[0]
    assert placeholder_authority(scenario_mod.load("southampton-2021")) == []
    assert placeholder_authority(scenario_mod.load("national")) == []
    own = tmp_path / "mine.toml"
    own.write_text('[scenario]\nname = "mine"\n[practice]\npractitioners = 2\n')
    assert "inherited" in placeholder_authority(scenario_mod.load(own))[0]
    own.write_text('[scenario]\nname = "mine"\n[authority]\n'
                   'other_infant_care_entries_per_year = { value = 41, source = "our LAC data" }\n')
    assert placeholder_authority(scenario_mod.load(own)) == []


def test_the_replaced_system_effect_share_names_what_to_write_instead(national):
    from simulation.core.errors import ScenarioError

    with pytest.raises(ScenarioError, match="authority.system_effect_per_year") as err:
        national.with_overrides({"authority.system_effect": 0.3})
    assert "\n" not in str(err.value) and "0.3 x 38 = 11.4" in str(err.value)


# ------------------------------------------------- horizons, staff and cost warnings (issue 21)


def test_horizon_must_be_whole_months(national):
    with pytest.raises(scenario_mod.ScenarioError, match="whole number of months"):
        national.with_overrides({"practice.horizon_months": 18.5})


def test_fte_decimals(national):
    sc = national.with_overrides({"practice.practitioners": 2.5})
    assert sc.capacity == 20


def test_cost_schedule_shorter_than_cycles_warns(national):
    sc = national.with_overrides({"costs.programme_cost_by_year_gbp": [300000.0, 300000.0]})
    (warning,) = scenario_mod.cost_schedule_mismatch(sc)
    assert "2 year(s) of cost" in warning and "runs 60 months" in warning
    assert scenario_mod.cost_schedule_mismatch(national) == []


def test_inherited_inflow_warns(national):
    sc = national.with_overrides({"population.eligible_women_at_start": 30}, name="myarea")
    (warning,) = scenario_mod.inherited_inflow(sc)
    assert "INHERITED" in warning


def test_money_message_matches_the_workbook_notes(national):
    with pytest.raises(scenario_mod.ScenarioError) as err:
        national.with_overrides({"costs.programme_cost_per_year_gbp": "£300k"})
    assert "£300,000" in str(err.value) and "without '£'" not in str(err.value)


def test_a_given_total_with_other_staff_warns():
    """dorset-2022 gives its total (GBP 331k): a 4th practitioner in compare keeps it, and says
    so (the shipped experiment scaled it by hand). Old behaviour: silence."""
    dorset = scenario_mod.load("dorset-2022")
    four = dorset.with_overrides({"practice.practitioners": 4})
    (line,) = scenario_mod.fixed_total_with_other_staff(dorset, four, "4 practitioners")
    assert "does not follow staff" in line
    own = four.with_overrides({"costs.programme_cost_per_year_gbp": 400000.0})
    assert scenario_mod.fixed_total_with_other_staff(dorset, own, "x") == []


# ---------------------------------------------------------------- control characters (issue 23)


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
