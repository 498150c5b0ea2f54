"""The notebooks (notebooks/*.ipynb; pytest --nbmake runs them): each chart shown once."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


#: The chart methods that draw with pyplot (Results and Views): pyplot's inline backend shows
#: the figure, so a cell that also returns it shows it twice.
PYPLOT_CHARTS = {"fan_chart", "cost_chart", "net_histogram", "sources_chart",
                 "break_even_chart"}


def test_the_pyplot_chart_methods_are_the_ones_listed():
    from simulation.results import Results

    drawn = {n for n in dir(Results) if n.endswith(("_chart", "_histogram"))}
    assert drawn | {"break_even_chart"} == PYPLOT_CHARTS


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_cells_show_each_chart_once(path):
    nb = nbformat.read(path, as_version=4)
    twice = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        code = "\n".join(line for line in cell.source.splitlines()
                         if not line.lstrip().startswith(("%", "!")))
        body = ast.parse(code).body
        if not body or not isinstance(body[-1], ast.Expr):
            continue
        last = body[-1].value
        called = last.func.attr if isinstance(last, ast.Call) and isinstance(
            last.func, ast.Attribute) else None
        if called in PYPLOT_CHARTS and not cell.source.rstrip().endswith(";"):
            twice.append((i, cell.source))
    assert twice == [], f"{path.name}: end these cells with ';' (the chart shows twice): {twice}"
