"""Issue 22, item 5: CSVs Excel reads as written, one colour per source, the EVPPI figure's layout,
each notebook chart shown once. No simulation: figures are drawn from small made-up inputs."""

from __future__ import annotations

import ast
import codecs
from pathlib import Path
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from simulation.core import output  # noqa: E402
from simulation.model.layout import REPORTED_SOURCES  # noqa: E402
from simulation.results import figures as results_figures  # noqa: E402
from simulation.results.figures import SOURCE_COLOURS  # noqa: E402
from simulation.results.metrics import SOURCE_LABELS  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


# ------------------------------------------------------------------------------------ CSV
@pytest.mark.parametrize("mixed", [False, True], ids=["arrow writer", "pandas writer"])
def test_csv_starts_with_a_byte_order_mark_and_reads_back_unchanged(tmp_path, mixed):
    frame = pd.DataFrame({"label": ["cost £1,000", "Zoë"], "value": [1.5, 2.0]})
    if mixed:  # a column Arrow cannot hold: pandas' writer, same encoding
        frame["odd"] = [1, "a"]
    path = tmp_path / "t.csv"
    output.write_csv(frame, path)
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and not data[3:].startswith(codecs.BOM_UTF8)
    back = pd.read_csv(path)  # pandas strips the mark: the first column keeps its name
    assert list(back.columns)[:2] == ["label", "value"]
    assert back.label.tolist() == ["cost £1,000", "Zoë"]
    # what Excel does with the mark: decodes as UTF-8 (without it: the code page, "Â£")
    assert "£" in data.decode("utf-8-sig") and "Â£" not in data.decode("utf-8-sig")


def test_results_tables_are_written_with_the_mark(tmp_path):
    output.write_table(pd.DataFrame({"unit": ["GBP at 2024/25 prices"]}), tmp_path, "s",
                       parquet=False)
    assert (tmp_path / "s.csv").read_bytes().startswith(codecs.BOM_UTF8)


# -------------------------------------------------------------------------------- palette
def _bar_colours(fig) -> dict[str, str]:
    ax = fig.axes[0]
    return {c.get_label(): to_hex(c.patches[0].get_facecolor()) for c in ax.containers}


def test_one_colour_per_source_in_run_and_compare_figures():
    from simulation.sensitivity import option_comparison, plots

    years, reps = 3, 4
    rng = np.random.default_rng(1)

    def value(name, end):  # made-up per-replication figures
        return rng.uniform(0, 2, reps)

    run = SimpleNamespace(horizon=12.0 * years, value=value,
                          scenario=SimpleNamespace(name="x"))
    fig_run = results_figures.sources_chart(run)
    metrics = option_comparison.SOURCES
    result = SimpleNamespace(labels=["a", "b"], periods=["year_3"], metrics=metrics,
                             values=rng.uniform(0, 2, (2, reps, len(metrics), 1)))
    fig_compare = plots.sources_figure(result)
    want = {SOURCE_LABELS[s]: SOURCE_COLOURS[s].lower() for s in REPORTED_SOURCES}
    assert _bar_colours(fig_run) == want
    assert _bar_colours(fig_compare) == want
    assert len(set(want.values())) == len(REPORTED_SOURCES)  # distinct colours
    import matplotlib.pyplot as plt

    plt.close(fig_run)


# --------------------------------------------------------------------------------- EVPPI
def _evppi_inputs(groups: int):
    lambdas = np.array([0.0, 25e3, 50e3, 100e3])
    names = [f"parameter group {i}: a fairly long description of what it holds"
             for i in range(groups)]
    evppi = pd.DataFrame([{"parameter_group": n, "lambda": lam,
                           "evppi_per_decision": 1e4 * (i + 1) / (1 + lam / 1e5),
                           "standard_error": 1e3, "population_evppi": 1e5,
                           "population_standard_error": 1e4}
                          for i, n in enumerate(names) for lam in lambdas])
    evpi = pd.DataFrame({"lambda": lambdas, "evpi_per_decision": 5e4 + 0 * lambdas,
                         "evpi_raw": 6e4 + 0 * lambdas, "evpi_smoothed": 5e4 + 0 * lambdas,
                         "evpi_source": "regression on all parameters: additive",
                         "population_multiplier": 10.0})
    return evppi, evpi


@pytest.mark.parametrize("groups", [8, 30])
def test_evppi_figure_keeps_the_axes_wide_and_everything_inside(groups):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from simulation.sensitivity.voi_figures import evppi_figure

    fig = evppi_figure(*_evppi_inputs(groups), money_unit="GBP 2024/25 prices")
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    whole = fig.bbox
    ax = fig.axes[0]
    axes_box = ax.get_window_extent(renderer)
    legend_box = (fig.legends or [ax.get_legend()])[0].get_window_extent(renderer)
    title_box = ax.title.get_window_extent(renderer)
    # the axes take most of the width (the legend beside them took half)
    assert axes_box.width > 0.75 * whole.width
    assert legend_box.y1 <= axes_box.y0  # the legend is below the axes
    for box in (legend_box, title_box):  # nothing runs off the figure
        assert box.x0 >= whole.x0 - 1 and box.x1 <= whole.x1 + 1
        assert box.y0 >= whole.y0 - 1 and box.y1 <= whole.y1 + 1


# ------------------------------------------------------------------------------ notebooks
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
