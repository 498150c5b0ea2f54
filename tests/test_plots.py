"""Sensitivity figures (simulation/sensitivity/plots.py, voi_figures.py): drawn from small made-up
inputs, no simulation. One colour per source (shared with simulation/results/figures.py), the
tornado of unit costs and care pathways beside the model's, the EVPPI figure's layout."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from simulation.model.layout import REPORTED_SOURCES
from simulation.results import figures as results_figures
from simulation.results.figures import SOURCE_COLOURS
from simulation.results.metrics import SOURCE_LABELS


def test_costs_and_pathways_tornado_beside_the_models():
    """Old behaviour: one tornado mixing every group. The figures split unit costs and care
    pathways from the model's parameters (each outcome), each only with its own rows."""
    import pandas as pd

    from simulation.sensitivity.oneway import TornadoResult

    rows = []
    for i, (key, group) in enumerate((("costs.adoption_cost_gbp", "costs"),
                                      ("care.adoption_mean_months", "pathways"),
                                      ("outreach.enrol_probability", "delivery"))):
        rows.append({"outcome": "net", "unit": "GBP", "parameter": key, "label": key,
                     "group": group, "base_value": 1.0, "low_value": 0.5, "high_value": 2.0,
                     "base_mean": 0.0, "low_effect": -(i + 1.0), "high_effect": i + 1.0,
                     "low_effect_ci_lo": -(i + 2.0), "low_effect_ci_hi": -i,
                     "high_effect_ci_lo": float(i), "high_effect_ci_hi": i + 2.0,
                     "largest_deviation": i + 1.0, "rank": 3 - i})
    figs = TornadoResult(pd.DataFrame(rows), year=5, reps=10).figures()
    assert set(figs) == {"tornado_net", "tornado_costs_pathways_net"}
    labels = [t.get_text() for t in figs["tornado_costs_pathways_net"].axes[0].get_yticklabels()]
    assert any("adoption_cost" in t for t in labels) and not any("enrol" in t for t in labels)
    assert "unit costs and care pathways" in figs["tornado_costs_pathways_net"].axes[0].get_title()


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


def test_compare_figure_keeps_axis_labels_legend_and_title_apart():
    """`pausesim compare`'s figure: the long money axis label clear of the figure's title, and
    one legend below the panels (inside a panel it covered an option's bar)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from simulation.sensitivity import option_comparison, plots

    reps, metrics = 40, option_comparison.HEADLINE
    rng = np.random.default_rng(2)
    units = {metrics[0]: "infants", metrics[1]: "GBP 2021/22 prices, discounted"}
    result = SimpleNamespace(
        labels=["dorset-2022", "no action", "caseload 6", "4 practitioners"],
        periods=["year_5"], metrics=list(metrics), band=0.9, conf=0.95, reps=reps, seed=1,
        clusters=np.repeat(np.arange(10), 4), unit=units.get,
        values=rng.normal(1e6, 3e5, (4, reps, len(metrics), 1)))
    fig = plots.compare_figure(result)
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    title = fig._suptitle.get_window_extent(renderer)
    for ax in fig.axes:
        assert not ax.yaxis.label.get_window_extent(renderer).overlaps(title)
    legend, = fig.legends
    box = legend.get_window_extent(renderer)
    assert all(box.y1 <= ax.get_window_extent(renderer).y0 for ax in fig.axes)
    assert box.y0 >= fig.bbox.y0 - 1
    assert all(ax.get_legend() is None for ax in fig.axes)
