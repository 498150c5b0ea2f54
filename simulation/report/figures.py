"""The report's figures, embedded in the HTML as base64 PNG (no external files).

The run's standard figures come from :mod:`simulation.plots`; this module adds the council
method's point estimate to the net-cost figures so a reader sees where it falls.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd

from simulation.results import figures as plots
from simulation.runner import MonteCarloResult
from simulation.results.summary import series

plt = plots.plt  # matplotlib with the non-interactive backend plots.py selected


def data_uri(fig, dpi: int = 110) -> str:
    """The figure as a ``data:image/png;base64,...`` URI; closes the figure."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def net_histogram_with_council(result: MonteCarloResult, band: float, council_net: float,
                               share_below: float):
    """Histogram of discounted net cost avoidance at the horizon, council figure marked."""
    fig = plots.net_histogram(result, band)
    ax = fig.axes[0]
    ax.axvline(council_net / 1e6, color="tab:orange", lw=2.5,
               label=f"council method: £{council_net / 1e6:.2f}m "
                     f"({share_below:.0%} of futures below it)")
    ax.legend(loc="upper right")
    return fig


def net_fan_with_council(result: MonteCarloResult, band: float, council: pd.DataFrame):
    """Cumulative discounted net cost avoidance by month (bands), with the council method's
    cumulative net at each year end."""
    unit, net = series(result)["net_cost_avoidance_discounted"]
    cum = np.cumsum(net, axis=1) / 1e6
    months = np.arange(1, cum.shape[1] + 1)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    plots._bands(ax, months, cum, band, "simulated", "tab:purple")
    year_end = np.minimum(12 * council.year.to_numpy(), months[-1])
    ax.plot(year_end, council.net_cost_avoidance_cumulative_discounted / 1e6, "o-",
            color="tab:orange", label="council method (year ends)")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xlabel="months since the practice started",
           ylabel=f"cumulative net, £ million ({unit}, discounted)",
           title=f"{result.scenario.name}: net cost avoidance, simulated vs council method")
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    return fig


def all_figures(result: MonteCarloResult, band: float, council: pd.DataFrame,
                council_net: float, share_below: float) -> list[tuple[str, str, str]]:
    """(name, caption, data URI) of every figure in the report."""
    return [
        ("fan_infants_avoided", "Infants kept out of care, cumulative: median and central bands "
         "of the simulated futures.", data_uri(plots.fan_chart_infants(result, band))),
        ("costs", "Care costs avoided (bands) against the programme cost, cumulative and "
         "discounted.", data_uri(plots.cost_chart(result, band))),
        ("net_fan_council", "Cumulative net cost avoidance (discounted): simulated bands and the "
         "council method's point estimates.", data_uri(net_fan_with_council(result, band, council))),
        ("net_histogram_council", "Net cost avoidance at the horizon (discounted) across "
         "simulated futures; dashed lines bound the central band, the orange line is the "
         "council method.", data_uri(net_histogram_with_council(result, band, council_net,
                                                                share_below))),
    ]
