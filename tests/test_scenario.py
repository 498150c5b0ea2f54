"""Scenario files: loading, every built-in scenario, and one-line validation errors."""

from __future__ import annotations

import re

import pytest

from simulation.core import scenario as scenario_mod
from simulation.core.errors import ScenarioError
from simulation.core.parameters import PARAMETERS

SECTION_TOML = "[{section}]\n{name} = {value}\n"


def _bad_values(param):
    """Values outside what each parameter allows."""
    if param.kind == "bool":
        return ["1", '"yes"']
    if param.kind in ("probabilities", "ratios"):
        n = len(param.labels)
        return [f"[{', '.join(['0.5'] * (n - 1))}]", f"[{', '.join(['-1.0'] * n)}]", "0.5"]
    out = ['"three"', "true", "nan"]
    low = 0.0 if param.kind == "probability" else param.low
    high = 1.0 if param.kind == "probability" else param.high
    if low is not None:
        out.append(repr(low - 1))
    if high is not None:
        out.append(repr(high + 1))
    if param.kind == "int":
        out.append(repr(float(low) + 0.5))
    return out


CASES = [(p, v) for p in PARAMETERS for v in _bad_values(p)]


@pytest.mark.parametrize("param,value", CASES, ids=[f"{p.key}={v}" for p, v in CASES])
def test_each_bad_value_is_named_in_one_line(param, value):
    text = SECTION_TOML.format(section=param.section, name=param.name, value=value)
    with pytest.raises(ScenarioError) as err:
        scenario_mod.parse(text, origin="my.toml")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("my.toml: ")
    assert param.key in message
    assert "must be" in message


def test_defaults_are_valid_and_in_range():
    sc = scenario_mod.parse("", origin="empty")
    for p in PARAMETERS:
        assert scenario_mod.validate_value(p, sc[p.key]) == sc[p.key]
        assert p.source and p.unit is not None and p.description


@pytest.mark.parametrize("text,fragment", [
    ("[practice]\nbogus = 1\n", "unknown parameter 'practice.bogus'"),
    ("[nonsense]\nx = 1\n", "unknown section [nonsense]"),
    ("[practice\n", "not valid TOML"),
    ("[scenario]\ncolour = 'red'\n", "[scenario] has unknown keys"),
    ("[practice]\npractitioners = { value = 3, note = 'x' }\n", "keys 'value' and optionally 'source'"),
    ("[population]\nage_band_probabilities = [0.5, 0.5, 0, 0, 0, 0, 0]\n"
     "[pregnancy]\nage_rate_ratios = [0, 0, 1, 1, 1, 1, 1]\n", "age_rate_ratios"),
])
def test_structural_errors(text, fragment):
    with pytest.raises(ScenarioError, match=re.escape(fragment)):
        scenario_mod.parse(text, origin="f.toml")


def test_table_values_keep_their_source():
    sc = scenario_mod.parse('[practice]\npractitioners = { value = 4, source = "seed 004" }\n')
    assert sc["practice.practitioners"] == 4
    assert sc.sources["practice.practitioners"] == "seed 004"
    assert sc.capacity == 32


@pytest.mark.parametrize("name", scenario_mod.builtin_names())
def test_builtin_scenarios_load_and_cite_every_value(name):
    sc = scenario_mod.load(name)
    assert sc.name == name and sc.description
    for key, source in sc.sources.items():
        assert "no source given" not in source, f"{name}: {key} has no source"


def test_national_is_the_default():
    assert scenario_mod.load().name == "national"
    assert "national" in scenario_mod.builtin_names()


def test_full_toml_round_trips(tmp_path):
    for name in scenario_mod.builtin_names():
        sc = scenario_mod.load(name)
        path = tmp_path / f"{name}.toml"
        path.write_text(sc.to_toml())
        again = scenario_mod.load(path)
        assert dict(again.values) == dict(sc.values)
        assert again.digest() == sc.digest()


def test_overrides_are_validated(national):
    assert national.with_overrides({"practice.practitioners": 4}).capacity == 32
    with pytest.raises(ScenarioError, match="practice.practitioners = 0 is invalid"):
        national.with_overrides({"practice.practitioners": 0})
    with pytest.raises(ScenarioError, match="unknown parameter 'practice.nope'"):
        national.with_overrides({"practice.nope": 1})


def test_unknown_scenario_and_missing_file():
    with pytest.raises(ScenarioError, match="neither a built-in scenario"):
        scenario_mod.load("atlantis")
    with pytest.raises(ScenarioError, match="cannot read scenario file"):
        scenario_mod.load("/no/such/file.toml")
