"""Figures of the sensitivity analyses (matplotlib, no display needed)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from simulation.sensitivity.compare import METRICS  # noqa: E402
from simulation.sensitivity.oneway import paired_interval  # noqa: E402

LABELS = {"infants_avoided": "infants kept out of care",
          "net_cost_avoidance_discounted": "net cost avoidance, £m (discounted)"}
MONEY = {"net_cost_avoidance_discounted", "cost_avoided_discounted", "programme_cost_discounted"}


def _scale(outcome: str) -> float:
    """Money is plotted in £ million."""
    return 1e-6 if outcome.removesuffix("_cumulative") in MONEY else 1.0


def _label(outcome: str) -> str:
    return LABELS.get(outcome, outcome.replace("_", " "))


def psa_figure(result):
    """Variance shares (parameter vs stochastic) by year, and P(net saving) by year."""
    table = result.decomposition()
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    width = 0.8 / len(result.outcomes)
    for i, outcome in enumerate(result.outcomes):
        rows = table[table.outcome == outcome]
        x = rows.year.to_numpy() + (i - (len(result.outcomes) - 1) / 2) * width
        axes[0].bar(x, rows.share_parameter, width, color=f"C{i}",
                    label=f"{_label(outcome)}: parameters")
        axes[0].bar(x, rows.share_stochastic, width, bottom=rows.share_parameter, color=f"C{i}",
                    alpha=0.35, label=f"{_label(outcome)}: stochastic")
    axes[0].set(xlabel="year", ylabel="share of variance", ylim=(0, 1),
                title="Where the uncertainty comes from (dark: parameters)",
                xticks=list(result.years))
    axes[0].legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)
    if "net_cost_avoidance_discounted" in result.outcomes:
        p = result.probability_positive()
        axes[1].errorbar(p.year, p.probability, yerr=1.96 * p.standard_error.fillna(0), marker="o",
                         capsize=3, label="all draws x replications (±1.96 s.e.)")
        axes[1].plot(p.year, p.share_of_draws_expected_positive, marker="s", ls="--",
                     label="share of draws with expected net saving")
        axes[1].set(xlabel="year", ylabel="probability", ylim=(-0.02, 1.02),
                    title="P(cumulative net cost avoidance > 0)", xticks=list(result.years))
        axes[1].legend(fontsize=8)
    fig.suptitle(f"PSA: {len(result.draws)} parameter draws ({result.source}) x "
                 f"{result.values.shape[1]} replications")
    fig.tight_layout()
    return fig


def _panels(table):
    """A figure with one panel per outcome of ``table``, tall enough for its parameters."""
    outcomes = list(dict.fromkeys(table.outcome))
    height = 1.2 + 0.4 * table.parameter.nunique()
    fig, axes = plt.subplots(1, len(outcomes), figsize=(7 * len(outcomes), height), squeeze=False)
    return fig, list(zip(axes[0], outcomes))


def tornado_figure(result):
    """One tornado per outcome: the effect of each parameter's low and high value on the mean."""
    fig, panels = _panels(result.table)
    for ax, outcome in panels:
        rows = result.table[result.table.outcome == outcome].iloc[::-1]
        s = _scale(outcome)
        y = np.arange(len(rows))
        base = rows.base_mean.iloc[0] * s
        ax.barh(y, rows.low_effect * s, left=base, color="tab:blue", label="low value")
        ax.barh(y, rows.high_effect * s, left=base, color="tab:orange", label="high value")
        ax.axvline(base, color="black", lw=0.8)
        ax.set_yticks(y, [f"{p} [{lo:.3g}, {hi:.3g}]" for p, lo, hi in
                          zip(rows.parameter, rows.low_value, rows.high_value)], fontsize=8)
        ax.set(xlabel=f"to year {result.year}; mean of {result.reps} paired replications",
               title=f"Tornado: {_label(outcome)}")
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def _index_bars(ax, rows, columns, title, xlabel):
    y = np.arange(len(rows))[::-1]
    height = 0.8 / len(columns)
    for i, (col, conf, label) in enumerate(columns):
        ax.barh(y + (i - (len(columns) - 1) / 2) * height, rows[col], height, xerr=rows[conf],
                capsize=2, label=label, color=f"C{i}")
    ax.set_yticks(y, rows.parameter, fontsize=8)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set(title=title, xlabel=xlabel)
    ax.legend(fontsize=8, loc="lower right")


def sobol_figure(result):
    """First-order and total Sobol indices with their confidence intervals, per outcome."""
    fig, panels = _panels(result.table)
    conf = result.table.conf.iloc[0]
    for ax, outcome in panels:
        rows = result.table[result.table.outcome == outcome]
        _index_bars(ax, rows, [("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST")],
                    f"Sobol indices: {_label(outcome)}, year {result.year}",
                    f"index (bars: {conf:.0%} CI; n={result.n}, {result.sets} sets)")
    fig.tight_layout()
    return fig


def morris_figure(result):
    """Morris mu* (with confidence interval) per outcome, and sigma for interactions."""
    fig, panels = _panels(result.table)
    conf = result.table.conf.iloc[0]
    for ax, outcome in panels:
        rows = result.table[result.table.outcome == outcome].copy()
        s = _scale(outcome)
        rows[["mu_star", "mu_star_conf", "sigma"]] *= s
        rows["zero"] = 0.0
        _index_bars(ax, rows, [("mu_star", "mu_star_conf", "mu* (mean |effect|)"),
                               ("sigma", "zero", "sigma (interactions)")],
                    f"Morris screening: {_label(outcome)}, year {result.year}",
                    f"elementary effect over the low-high range (bars: {conf:.0%} CI; "
                    f"{result.trajectories} trajectories)")
    fig.tight_layout()
    return fig


def compare_figure(result, metrics=("infants_avoided", "net_cost_avoidance_discounted")):
    """Options side by side (boxes over futures) and their paired differences from the reference."""
    period = result.periods[-1]
    p = result.periods.index(period)
    fig, axes = plt.subplots(2, len(metrics), figsize=(6.5 * len(metrics), 8), squeeze=False)
    x = np.arange(len(result.labels))
    q = (1.0 - result.band) / 2.0
    for j, metric in enumerate(metrics):
        m = METRICS.index(metric)
        s = _scale(metric)
        values = result.values[:, :, m, p] * s
        ax = axes[0, j]
        ax.boxplot(values.T, whis=(100 * q, 100 * (1 - q)), showfliers=False)
        ax.set_xticks(x + 1, result.labels, rotation=30, ha="right", fontsize=8)
        ax.axhline(0, color="grey", lw=0.8)
        ax.set(title=f"{_label(metric)} to {period.replace('_', ' ')}",
               ylabel=f"whiskers: central {result.band:.0%} of futures")
        diff = values - values[0]
        mean, ci_lo, ci_hi = paired_interval(diff, result.conf)
        lo, hi = np.quantile(diff, q, axis=1), np.quantile(diff, 1 - q, axis=1)
        ax = axes[1, j]
        ax.vlines(x, lo, hi, color="tab:grey", lw=1, label=f"central {result.band:.0%} of futures")
        ax.errorbar(x, mean, yerr=np.nan_to_num([mean - ci_lo, ci_hi - mean]), fmt="o",
                    color="tab:red", capsize=4, lw=2,
                    label=f"mean, {result.conf:.0%} CI")
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(x, result.labels, rotation=30, ha="right", fontsize=8)
        ax.set(title="difference from the reference (paired per replication)")
        ax.legend(fontsize=8, loc="best")
    fig.suptitle(f"{len(result.labels)} options, reference {result.labels[0]!r}; "
                 f"{result.reps} common-random-number replications, seed {result.seed}")
    fig.tight_layout()
    return fig
