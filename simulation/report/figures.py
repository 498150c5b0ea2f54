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
                point: str, views=None) -> list[Figure]:
    """Every figure of the report, in the order it shows them: ``results`` is the base case;
    with ``views`` (:class:`simulation.results.views.Views`), the break-even threshold first and
    the authority-wide scenario's sources beside the base case's."""
    from simulation.results import figures as run_figures

    unit = results.price_label
    first = []
    if views is not None:
        first.append(Figure(
            "break_even", "Break-even threshold: the probability of a net saving to the horizon "
            "(base case: the practice's own women) if the practice also prevents, in "
            "expectation, this many infant care entries among mothers it never works with; "
            "red: the number that brings the mean net present value to zero; green: what the "
            "authority-wide scenario assumes (its median).",
            png(run_figures.break_even_chart(views))))
    out = [
        Figure("sources", "Base case (the practice's own women): infants kept out of care in "
               "each year, by where the effect comes from (means over simulated futures).",
               png(results.sources_chart())),
        Figure("fan_infants_avoided", "Base case (the practice's own women): infants kept out "
               "of care, cumulative: median and central bands of the simulated futures.",
               png(results.fan_chart(band))),
        Figure("costs", f"Base case (the practice's own women): care costs avoided (bands) "
               f"against the programme cost, cumulative and discounted ({unit}).",
               png(results.cost_chart(band))),
        Figure("net_histogram_council", "Base case (the practice's own women): net present "
               "value at the horizon (discounted, council costs only) across simulated futures; "
               "dashed lines bound the central band, the orange line is the council method.",
               png(net_histogram_with_council(results, band, council_net, share_below))),
        Figure("ce_plane", f"Base case (the practice's own women): cost-effectiveness plane: "
               f"one point per {point} (its mean over "
               f"replications), incremental cost = minus the net present value ({unit}).",
               png(voi_figures.plane_figure(plane, plane_summary, money_unit=unit))),
        Figure("ce_acceptability", "Base case (the practice's own women): cost-effectiveness "
               "acceptability curve: the share of "
               f"{point}s under which funding is the better decision, against the value put on "
               "keeping one infant out of care.", png(voi_figures.acceptability_figure(ceac))),
    ]
    if views is not None:
        out.insert(1, Figure(
            "sources_authority", "Authority-wide scenario (if the fall in all infant care entries "
            "measured in five long-running Pause areas also happens here): infants kept out of "
            "care in each year, by where the effect comes from (means over simulated futures).",
            png(views.authority.sources_chart())))
    return first + out
