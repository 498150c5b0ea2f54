"""Figures of a run (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from simulation.runner import MonteCarloResult  # noqa: E402
from simulation.results.summary import series  # noqa: E402


def _bands(ax, months, values, band, label, color):
    q = (1.0 - band) / 2.0
    ax.fill_between(months, np.quantile(values, q, axis=0), np.quantile(values, 1 - q, axis=0),
                    color=color, alpha=0.2, label=f"{label}: central {band:.0%} of futures")
    ax.plot(months, np.median(values, axis=0), color=color, label=f"{label}: median")


def fan_chart_infants(result: MonteCarloResult, band: float = 0.9):
    """Cumulative infants kept out of care over time, with bands."""
    _, avoided = series(result)["infants_avoided"]
    cum = np.cumsum(avoided, axis=1)
    months = np.arange(1, cum.shape[1] + 1)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for inner in (band, 0.5):
        q = (1.0 - inner) / 2.0
        ax.fill_between(months, np.quantile(cum, q, axis=0), np.quantile(cum, 1 - q, axis=0),
                        color="tab:blue", alpha=0.18, label=f"central {inner:.0%} of futures")
    ax.plot(months, np.median(cum, axis=0), color="tab:blue", label="median")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(xlabel="months since the practice started", ylabel="infants not entering care (cumulative)",
           title=f"{result.scenario.name}: infants kept out of care ({result.reps} futures)")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def cost_chart(result: MonteCarloResult, band: float = 0.9):
    """Cumulative care cost avoided against cumulative programme cost (discounted)."""
    data = series(result)
    unit, avoided = data["cost_avoided_discounted"]
    _, programme = data["programme_cost_discounted"]
    months = np.arange(1, avoided.shape[1] + 1)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    _bands(ax, months, np.cumsum(avoided, axis=1) / 1e6, band, "care cost avoided", "tab:green")
    ax.plot(months, np.cumsum(programme[0]) / 1e6, color="tab:red", label="programme cost")
    ax.set(xlabel="months since the practice started", ylabel=f"£ million ({unit}, discounted)",
           title=f"{result.scenario.name}: cost avoided vs programme cost")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def net_histogram(result: MonteCarloResult, band: float = 0.9):
    """Distribution of net cost avoidance at the horizon (discounted)."""
    unit, net = series(result)["net_cost_avoidance_discounted"]
    total = net.sum(axis=1) / 1e6
    q = (1.0 - band) / 2.0
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.hist(total, bins=min(60, max(10, result.reps // 20)), color="tab:purple", alpha=0.8)
    for x in np.quantile(total, [q, 1 - q]):
        ax.axvline(x, color="black", ls="--", lw=1)
    ax.axvline(0, color="grey", lw=1)
    ax.set(xlabel=f"net cost avoidance at the horizon, £ million ({unit}, discounted)",
           ylabel="simulated futures",
           title=f"{result.scenario.name}: net cost avoidance (dashed: central {band:.0%})")
    fig.tight_layout()
    return fig


def save_all(result: MonteCarloResult, folder: Path, band: float = 0.9) -> list[Path]:
    """Write the run's standard figures as PNG files into ``folder``."""
    paths = []
    for name, make in (("fan_infants_avoided", fan_chart_infants), ("costs", cost_chart),
                       ("net_cost_histogram", net_histogram)):
        fig = make(result, band)
        path = Path(folder) / f"{name}.png"
        fig.savefig(path, dpi=120)
        plt.close(fig)
        paths.append(path)
    return paths


__all__ = ["fan_chart_infants", "cost_chart", "net_histogram", "save_all"]
