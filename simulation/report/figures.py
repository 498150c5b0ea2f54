"""The report's figures: PNG files beside the report, the same bytes embedded in the HTML.

The run's standard figures come from :mod:`simulation.results.figures`; this module marks the
council method's point estimate on the net-cost histogram and adds the cost-effectiveness plane
and acceptability curve of :mod:`simulation.sensitivity` (one point per parameter set).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import pandas as pd

from simulation.results import format as fmt
from simulation.sensitivity import ce, voi_figures


@dataclass(frozen=True)
class Figure:
    name: str  # file name without .png
    caption: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def png(fig, dpi: int = 110) -> bytes:
    """The figure as PNG bytes; closes it (pyplot figures) or drops it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # noqa: BLE001 - a figure made without pyplot has nothing to close
        pass
    return buffer.getvalue()


def net_histogram_with_council(results, band: float, council_net: float, share_below: float):
    """Histogram of discounted net cost avoidance at the horizon, council figure marked."""
    fig = results.net_histogram(band)
    ax = fig.axes[0]
    ax.axvline(council_net / 1e6, color="tab:orange", lw=2.5,
               label=f"council method: {fmt.money(council_net)} "
                     f"({fmt.percent(share_below)} of futures below it)")
    ax.legend(loc="upper right", fontsize=8)
    return fig


def cost_effectiveness(results, plane_points: tuple) -> tuple[pd.DataFrame, pd.DataFrame,
                                                               pd.DataFrame]:
    """(plane, plane summary, acceptability curve) from per-parameter-set means."""
    infants, net, _ = plane_points
    return (ce.plane(infants, net), ce.plane_summary(infants, net),
            ce.acceptability(infants, net))


def all_figures(results, band: float, council_net: float, share_below: float,
                plane: pd.DataFrame, plane_summary: pd.DataFrame, ceac: pd.DataFrame,
                point: str) -> list[Figure]:
    """Every figure of the report, in the order it shows them."""
    unit = results.price_label
    return [
        Figure("sources", "Infants kept out of care in each year, by where the effect comes "
               "from (means over simulated futures).", png(results.sources_chart())),
        Figure("fan_infants_avoided", "Infants kept out of care, cumulative: median and central "
               "bands of the simulated futures.", png(results.fan_chart(band))),
        Figure("costs", f"Care costs avoided (bands) against the programme cost, cumulative and "
               f"discounted ({unit}).", png(results.cost_chart(band))),
        Figure("net_histogram_council", "Net present value at the horizon (discounted, council "
               "costs only) across simulated futures; dashed lines bound the central band, the "
               "orange line is the council method.",
               png(net_histogram_with_council(results, band, council_net, share_below))),
        Figure("ce_plane", f"Cost-effectiveness plane: one point per {point} (its mean over "
               f"replications), incremental cost = minus the net present value ({unit}).",
               png(voi_figures.plane_figure(plane, plane_summary, money_unit=unit))),
        Figure("ce_acceptability", "Cost-effectiveness acceptability curve: the share of "
               f"{point}s under which funding is the better decision, against the value put on "
               "keeping one infant out of care.", png(voi_figures.acceptability_figure(ceac))),
    ]
