"""Figures of a run (matplotlib). No backend is chosen here: the command line picks a
non-interactive one; notebooks show the figures as usual."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np

from .metrics import BY_NAME, SOURCE_LABELS

#: One colour per source of infants kept out of care, in every figure that shows sources (run,
#: report, compare, portfolio): the Okabe-Ito palette, distinguishable with colour blindness.
SOURCE_COLOURS = {"declined": "#E69F00", "enrolled": "#0072B2", "after_programme": "#56B4E9",
                  "authority": "#999999"}


def plain(text) -> str:
    """User text (a scenario name, an option label) for a figure, shown exactly as typed:
    ``$`` escaped so matplotlib never parses it as mathtext (``$\\undefined$`` would crash,
    ``$5 to $10`` render as maths) and control characters (NUL, tabs, newlines) made spaces."""
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in str(text))
    return text.replace("$", r"\$")


def _axes(figsize=(8, 4.5)):
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)


def _band(ax, x, values, band, color, label):
    for inner, alpha in ((band, 0.18), (0.5, 0.3)):
        q = (1.0 - inner) / 2.0
        ax.fill_between(x, np.quantile(values, q, axis=0), np.quantile(values, 1 - q, axis=0),
                        color=color, alpha=alpha, lw=0,
                        label=f"{label}: central {inner:.0%} of futures")
    ax.plot(x, np.median(values, axis=0), color=color, label=f"{label}: median")


def fan_chart(results, band: float | None = None):
    """Cumulative infants kept out of care over time (authority-wide), with bands."""
    band = results.band if band is None else band
    fig, ax = _axes()
    x = np.concatenate([[0.0], results.bin_ends])
    cum = results.cumulative(BY_NAME["infants_avoided"])
    cum = np.column_stack([np.zeros(results.reps), cum])
    _band(ax, x, cum, band, "tab:blue", "infants kept out of care")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xlabel="months since the practice started",
           ylabel="infants kept out of care (cumulative)",
           title=plain(f"{results.scenario.name}: infants kept out of care, authority-wide "
                       f"({results.reps} futures)"))
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def cost_chart(results, band: float | None = None):
    """Cumulative care costs avoided against programme cost (discounted)."""
    band = results.band if band is None else band
    fig, ax = _axes()
    x = np.concatenate([[0.0], results.bin_ends])
    avoided = results.cumulative(BY_NAME["cost_avoided"], True) / 1e6
    cost = results.cumulative(BY_NAME["programme_cost"], True) / 1e6
    zeros = np.zeros((results.reps, 1))
    _band(ax, x, np.hstack([zeros, avoided]), band, "tab:green", "care costs avoided")
    ax.plot(x, np.concatenate([[0.0], np.median(cost, axis=0)]), color="tab:red",
            label="programme cost (median)")
    ax.set(xlabel="months since the practice started",
           ylabel=f"£ million ({results.price_label}, discounted)",
           title=plain(f"{results.scenario.name}: care costs avoided and programme cost"))
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def net_histogram(results, band: float | None = None):
    """Distribution of discounted net cost avoidance at the horizon."""
    band = results.band if band is None else band
    total = results.cumulative(BY_NAME["net_cost_avoidance"], True)[:, -1] / 1e6
    q = (1.0 - band) / 2.0
    fig, ax = _axes()
    ax.hist(total, bins=min(60, max(10, results.reps // 20)), color="tab:purple", alpha=0.8)
    for v in np.quantile(total, [q, 1 - q]):
        ax.axvline(v, color="black", ls="--", lw=1)
    ax.axvline(0, color="grey", lw=1)
    ax.set(xlabel=f"net cost avoidance at the horizon, £ million ({results.price_label}, "
                  "discounted)", ylabel="simulated futures",
           title=plain(f"{results.scenario.name}: net cost avoidance (dashed: central "
                       f"{band:.0%})"))
    fig.tight_layout()
    return fig


def sources_chart(results):
    """Infants kept out of care in each year, by where the effect comes from (means)."""
    years = int(results.horizon // 12)
    ends = [12 * y for y in range(1, years + 1)]
    fig, ax = _axes()
    bottom = np.zeros(years)
    for source in ("enrolled", "after_programme", "declined", "authority"):
        colour = SOURCE_COLOURS[source]
        means = np.array([results.value(f"infants_avoided_{source}_in_year", e).mean()
                          for e in ends])
        ax.bar(np.arange(1, years + 1), means, bottom=np.where(means >= 0, bottom, 0),
               color=colour, label=SOURCE_LABELS[source])
        bottom = bottom + np.maximum(means, 0)
    ax.set(xlabel="year of the practice", ylabel="infants kept out of care in the year (mean)",
           title=plain(f"{results.scenario.name}: where the effect comes from"))
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


FIGURES = {"fan_infants_avoided": fan_chart, "costs": cost_chart,
           "net_cost_histogram": net_histogram, "sources": sources_chart}


def break_even_chart(views):
    """P(net saving) to the horizon against the other mothers' infant care entries the practice
    prevents (the system effect's size), with the break-even threshold and the authority-wide
    scenario's median marked."""
    from . import views as views_mod

    curve = views_mod.net_saving_curve(views)
    table = views_mod.break_even(views)
    last = table.iloc[-1]
    fig, ax = _axes((8, 4.2))
    ax.plot(curve.prevented, curve.probability_net_saving * 100, color="tab:blue")
    ax.axvline(last.threshold, color="tab:red", ls="--", lw=1,
               label=f"break-even: {last.threshold:.0f} prevented (mean NPV = 0)")
    ax.axvline(last.authority_scenario_prevents_median, color="tab:green", ls=":", lw=1.5,
               label=f"authority-wide scenario's median: "
                     f"{last.authority_scenario_prevents_median:.0f}")
    ax.set(xlabel="other mothers' infant care entries prevented to the horizon (expected)",
           ylabel="P(net saving) to the horizon (%)", ylim=(-2, 102),
           title=plain(f"{views.scenario.name}: how large must the effect on other mothers "
                       "be?"))
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def save_all(results, folder: Path, band: float | None = None) -> list[Path]:
    """Write the run's standard figures as PNG files into ``folder``."""
    import matplotlib.pyplot as plt

    paths = []
    for name, make in FIGURES.items():
        fig = make(results) if name == "sources" else make(results, band)
        path = Path(folder) / f"{name}.png"
        fig.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(fig)
        paths.append(path)
    return paths
