"""Writing an analysis (simulation/sensitivity/analysis_files.py): parameters.csv cannot hold
formulas."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from simulation.core import scenario as scenario_mod
from simulation.sensitivity import analysis_files, varied

#: Text a spreadsheet would run, or split into a new row, if written as it is.
FORMULAS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "-2+3+cmd", "+cmd", "a\rb"]


class _NoTables:
    """An analysis result with nothing but its parameters.csv and run.json to write."""

    def tables(self):
        return {}

    def figures(self):
        return {}


def test_sensitivity_parameters_csv_cannot_hold_formulas(tmp_path):
    base = scenario_mod.load("national")
    keys = list(base.values)[:len(FORMULAS)]
    scenario = replace(base, sources={**base.sources, **dict(zip(keys, FORMULAS))})
    analysis_files.write(_NoTables(), tmp_path, {}, varied.select(scenario))
    assert b"\r" not in (tmp_path / "parameters.csv").read_bytes()
    back = pd.read_csv(tmp_path / "parameters.csv", dtype=str, keep_default_na=False)
    assert list(back.loc[back.parameter.isin(keys), "source"]) == [
        "'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)", "'-2+3+cmd", "'+cmd", "a\nb"]
