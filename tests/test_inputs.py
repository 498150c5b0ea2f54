"""Reading scenario files users exchange, and writing TOML that always reads back (issue 15,
items 1, 2, 6 and 16)."""

from __future__ import annotations

import gzip

import pytest

from simulation.core import inputs
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError, ScenarioError

GOOD = "[scenario]\nname = \"Poole £\"\n[practice]\npractitioners = 4\n"


def one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text and "Traceback" not in text
    return text


# ------------------------------------------------------------------------------ read_text
def test_utf8_with_and_without_bom_is_read(tmp_path):
    plain, bom = tmp_path / "a.toml", tmp_path / "b.toml"
    plain.write_bytes(GOOD.encode("utf-8"))
    bom.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert inputs.read_text(plain) == inputs.read_text(bom) == GOOD
    assert scenario_mod.load(bom).name == "Poole £"  # wired into scenario.load


@pytest.mark.parametrize("name,data,fragment", [
    ("gzip", gzip.compress(GOOD.encode()), "gzip-compressed"),
    ("utf16", GOOD.encode("utf-16"), "UTF-16"),
    ("utf16-no-bom", GOOD.encode("utf-16-le"), "UTF-16"),
    ("utf32", GOOD.encode("utf-32"), "UTF-32"),
    ("latin1", GOOD.encode("latin-1"), "not UTF-8: byte 0xa3 on line 2 ('£'"),
    ("binary", bytes(range(256)) * 4, "binary file"),
])
def test_files_that_are_not_utf8_are_named(tmp_path, name, data, fragment):
    path = tmp_path / f"{name}.toml"
    path.write_bytes(data)
    with pytest.raises(ScenarioError) as exc:
        scenario_mod.load(path)
    text = one_line(exc)
    assert fragment in text and str(path) in text and "UTF-8" in text


def test_a_folder_named_like_a_scenario_file(tmp_path):
    (tmp_path / "x.toml").mkdir()
    with pytest.raises(ScenarioError) as exc:
        inputs.read_text(tmp_path / "x.toml")
    assert "is a folder" in one_line(exc)


# ----------------------------------------------------------------------------- parse_toml
@pytest.mark.parametrize("text,fragment", [
    ("[practice]\npractitioners = 1" + "0" * 5000 + "\n", "integer is too long"),
    ("[practice]\npractitioners = 1" + "0" * 400 + "\n", "practice.practitioners = an integer"
     " of 401 digits"),
    ("[pregnancy]\nage_rate_ratios = [1, 1" + "0" * 400 + "]\n", "age_rate_ratios[1]"),
    ("v = " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
    ("\n".join("[" + ".".join(["a"] * i) + "]" for i in range(1, 60)), "nested too deeply"),
    ("[practice\n", "not valid TOML"),
])
def test_toml_that_would_break_later_is_refused(text, fragment):
    with pytest.raises(ScenarioError) as exc:
        inputs.parse_toml(text, "f.toml")
    assert fragment in one_line(exc) and one_line(exc).startswith("f.toml: ")
    with pytest.raises(ScenarioError):  # and through the scenario parser
        scenario_mod.parse(text, origin="f.toml")


def test_nesting_a_scenario_needs_is_accepted():
    data = inputs.parse_toml("[pregnancy]\nage_rate_ratios = { value = [1, 1, 1, 1, 1, 1, 1], "
                             "source = \"s\" }\n", "f")
    assert data["pregnancy"]["age_rate_ratios"]["value"] == [1] * 7


# ---------------------------------------------------------------------------- finite_float
@pytest.mark.parametrize("value", [True, False, "3", None, [1], float("nan"), float("inf"),
                                   -float("inf"), 10 ** 400, -(10 ** 400)])
def test_finite_float_refuses_what_is_not_a_finite_number(value):
    assert inputs.finite_float(value) is None


@pytest.mark.parametrize("value", [0, 3, -2.5, 1e308, 10 ** 300])
def test_finite_float_keeps_finite_numbers(value):
    assert inputs.finite_float(value) == float(value)


def test_huge_integer_through_the_python_api_is_one_line(national):
    with pytest.raises(ScenarioError) as exc:
        national.with_overrides({"practice.horizon_months": 10 ** 400})
    assert "practice.horizon_months" in one_line(exc)


# ------------------------------------------------------------------------------ writing
def test_toml_value_round_trips_any_unicode():
    strange = "🙂 cafés \"quoted\" back\\slash tab\t NUL\x00 newline\n 𝔘 \U0010FFFF"
    for value in (strange, [0.1, 2, 1e300], {"value": [1, 2], "source": strange}, True):
        text = f"v = {inputs.toml_value(value)}"
        assert "\n" not in text
        assert inputs.parse_toml(text, "x") == {"v": value}


def test_scenario_with_emoji_reloads_equal(national):
    named = scenario_mod.Scenario("Poole 🙂", "a description with 🦋 and \U0001F600",
                                  national.values, national.sources, national.origin,
                                  national.calibration)
    back = scenario_mod.parse(named.to_toml(), origin="written")
    assert (back.name, back.description) == (named.name, named.description)
    assert back.values == named.values


# ------------------------------------------------------------------------------- suggest
def test_suggest_names_the_closest_choice_or_nothing():
    keys = ["practice.practitioners", "practice.horizon_months", "care.removal_probability"]
    assert scenario_mod.suggest("practice.practioners", keys) == \
        " (did you mean 'practice.practitioners'?)"
    assert scenario_mod.suggest("zzz", keys) == ""


def test_name_list_splits_and_refuses_an_option_that_names_nothing():
    assert inputs.name_list("--targets", None) is None
    assert inputs.name_list("--targets", " T1, ,T2 ") == ["T1", "T2"]
    assert inputs.name_list("--params", ["a", " b "]) == ["a", "b"]
    for given in (",", "", " , ", []):
        with pytest.raises(PausesimError, match="names nothing"):
            inputs.name_list("--targets", given)
