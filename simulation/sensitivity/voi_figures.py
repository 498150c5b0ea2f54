"""Figures of the decision analysis: cost-effectiveness plane, CEAC, EVPPI against λ.

Each function returns a :class:`matplotlib.figure.Figure` built without pyplot, so importing this
module neither picks a backend nor registers figures globally; save with :func:`save`.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .psa_outcomes import LAMBDA_UNIT


def _money(values, unit: str) -> tuple[float, str]:
    """Scale factor and axis unit so that GBP figures read in GBP, thousands or millions."""
    top = float(np.nanmax(np.abs(values))) if np.size(values) else 0.0
    if top >= 2e6:
        return 1e-6, f"million {unit}"
    if top >= 2e3:
        return 1e-3, f"thousand {unit}"
    return 1.0, unit


def save(fig: Figure, path, dpi: int = 120) -> Path:
    """Write ``fig`` to ``path`` (format from the suffix), trimmed to its contents."""
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return Path(path)


def plane_figure(plane: pd.DataFrame, summary: pd.DataFrame, money_unit: str = "GBP",
                 lambdas_shown=(0.0, 50_000.0, 100_000.0, 250_000.0)) -> Figure:
    """Incremental cost against infants kept out of care, one point per draw, with the mean and
    the lines cost = λ x infants (below a line, funding is the better decision at that λ)."""
    s = summary.iloc[0]
    scale, unit = _money(plane.incremental_cost, money_unit)
    fig = Figure(figsize=(7, 5.5), layout="constrained")
    ax = fig.add_subplot()
    x, y = plane.infants_avoided.to_numpy(), plane.incremental_cost.to_numpy() * scale
    ax.scatter(x, y, s=8, alpha=0.35, color="tab:blue", label="PSA draws (per-draw means)")
    ax.scatter([s.mean_infants_avoided], [s.mean_incremental_cost * scale], s=60, marker="X",
               color="black", zorder=3, label="mean")
    ax.axhline(0, color="grey", lw=0.8)
    ax.axvline(0, color="grey", lw=0.8)
    xs = np.array([min(0.0, x.min()), max(0.0, x.max())])
    for i, lam in enumerate(lambdas_shown):
        ax.plot(xs, lam * xs * scale, ls="--", lw=1, color=f"C{i + 1}",
                label=f"λ = {lam:,.0f} {LAMBDA_UNIT}")
    ax.set_ylim(*_padded(y))
    ax.set(xlabel="infants kept out of care (funded minus not funded, per decision)",
           ylabel=f"incremental cost = -net cost avoidance ({unit})")
    ax.set_title(f"Cost-effectiveness plane: {int(s.n_draws)} parameter draws\n"
                 + textwrap.fill(s.interpretation, 95), fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    return fig


def _padded(values: np.ndarray) -> tuple[float, float]:
    lo, hi = min(0.0, float(np.min(values))), max(0.0, float(np.max(values)))
    pad = 0.08 * (hi - lo or 1.0)
    return lo - pad, hi + pad


def acceptability_figure(ceac: pd.DataFrame) -> Figure:
    """P(funding is the better decision) against λ, with a ±1.96 standard error band."""
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.add_subplot()
    lam = ceac["lambda"].to_numpy() / 1e3
    p, se = ceac.probability_fund_best.to_numpy(), ceac.standard_error.to_numpy()
    ax.plot(lam, p, marker="o", ms=3, label="P(fund is better) over draws")
    ax.fill_between(lam, np.clip(p - 1.96 * se, 0, 1), np.clip(p + 1.96 * se, 0, 1), alpha=0.2,
                    label="±1.96 s.e. (binomial)")
    switch = _break_even(ceac["lambda"].to_numpy(),
                         ceac.expected_incremental_net_benefit.to_numpy())
    if switch is not None:
        ax.axvline(switch / 1e3, color="black", ls=":", lw=1,
                   label=f"expected net benefit favours funding above {switch:,.0f}")
    ax.set(xlabel=f"λ, thousand {LAMBDA_UNIT}", ylabel="probability (share of parameter draws)",
           ylim=(-0.02, 1.02), title=f"Cost-effectiveness acceptability curve "
                                     f"({int(ceac.n_draws.iloc[0])} draws)")
    ax.legend(fontsize=8, loc="best")
    return fig


def _break_even(lambdas: np.ndarray, expected: np.ndarray) -> float | None:
    """λ where the expected INB turns positive, inside the grid (exact: INB is linear in λ)."""
    up = np.flatnonzero((expected[:-1] <= 0) & (expected[1:] > 0))
    if not up.size:
        return None
    i = up[0]
    return float(lambdas[i] - expected[i] * (lambdas[i + 1] - lambdas[i])
                 / (expected[i + 1] - expected[i]))


def evppi_figure(evppi: pd.DataFrame, evpi: pd.DataFrame, money_unit: str = "GBP",
                 population: bool = False) -> Figure:
    """EVPPI against λ per parameter group (band ±1.96 bootstrap s.e.), with the EVPI."""
    m = evpi.population_multiplier.to_numpy() if population else 1.0
    best, raw = evpi.evpi_per_decision.to_numpy() * m, evpi.evpi_raw.to_numpy() * m
    col = "population_evppi" if population else "evppi_per_decision"
    se_col = "population_standard_error" if population else "standard_error"
    scale, unit = _money(np.concatenate([best, raw, evppi[col].to_numpy()]), money_unit)
    n_groups = evppi.parameter_group.nunique()
    # the legend sits below the axes in columns (beside them it took half the width): the figure
    # grows by its rows, never squashing the axes; constrained layout keeps everything inside
    ncol = 2
    legend_rows = -(-(n_groups + 2) // ncol)
    fig = Figure(figsize=(8, 4.6 + 0.2 * legend_rows), layout="constrained")
    ax = fig.add_subplot()
    lam = evpi["lambda"].to_numpy() / 1e3
    ax.plot(lam, best * scale, color="black", lw=2,
            label=f"EVPI ({evpi.evpi_source.iloc[0].split(':')[0]})")
    if evpi.evpi_smoothed.notna().any():
        ax.plot(lam, raw * scale, color="black", ls=":", lw=1,
                label="EVPI from per-draw means (includes replication noise)")
    for i, (name, rows) in enumerate(evppi.groupby("parameter_group", sort=False)):
        x = rows["lambda"].to_numpy() / 1e3
        v = rows[col].to_numpy() * scale
        se = rows[se_col].to_numpy()
        ax.plot(x, v, color=f"C{i % 10}", label=textwrap.shorten(str(name), 64))
        if np.isfinite(se).any():
            ax.fill_between(x, v - 1.96 * se * scale, v + 1.96 * se * scale, color=f"C{i % 10}",
                            alpha=0.15)
    what = "population EVPPI (all decisions informed)" if population else "EVPPI per decision"
    ax.set(xlabel=f"λ, thousand {LAMBDA_UNIT}", ylabel=f"{what}\n({unit})")
    ax.set_title("Expected value of (partial) perfect information by parameter group\n"
                 "(bands: ±1.96 bootstrap standard errors)", fontsize=10)
    ax.set_ylim(bottom=0)
    fig.legend(fontsize=7, loc="outside lower center", ncol=ncol, frameon=False)
    return fig
