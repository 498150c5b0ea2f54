"""Figures of the sensitivity analyses and comparisons.

Built with :class:`matplotlib.figure.Figure`, never pyplot, so importing this module neither picks
a backend nor registers figures: notebooks show the returned figures as usual, the command line
saves them (``bbox_inches="tight"``, :func:`simulation.sensitivity.analysis_files.write`).
Constrained layout keeps long titles and labels inside the figure.
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure

from simulation.core.parameters import show
from simulation.model.layout import REPORTED_SOURCES
from simulation.results.figures import SOURCE_COLOURS, plain
from simulation.results.metrics import SOURCE_LABELS

from .option_comparison import HEADLINE, SOURCES

LOW, HIGH = "tab:blue", "tab:orange"


def _money(unit: str) -> bool:
    return str(unit).startswith("GBP")


def _scale(unit: str) -> tuple[float, str]:
    """Money is plotted in £ million."""
    if not _money(unit):
        return 1.0, unit
    return 1e-6, "£ million" + (f", {unit[4:]}" if unit.startswith("GBP ") else "")


def _words(name: str) -> str:
    """An outcome name in a few words: the registry's label up to its explanation."""
    from simulation.results.metrics import STATISTIC_BY_NAME, parse

    if name in STATISTIC_BY_NAME:
        return STATISTIC_BY_NAME[name].label.split(" (")[0]
    try:
        metric, _, discounted = parse(name)
    except KeyError:
        return name.replace("_", " ")
    return metric.label.split(" (")[0].split(":")[0] + (" (discounted)" if discounted else "")


def _wrap(text: str, width: int) -> str:
    """Text wrapped to ``width`` and safe for matplotlib (each line made plain)."""
    return "\n".join(plain(line) for line in textwrap.wrap(str(text), width))


def _view(result) -> str:
    """The view a comparison's figure shows, as its title's first words ("" for none)."""
    from simulation.results.views import LABELS

    view = getattr(result, "view", None)
    return f"{LABELS[view]}. " if view else ""


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def psa_figure(result) -> Figure:
    """Variance shares (parameter vs stochastic) by year, and P(net saving) by year."""
    from .simulator import NET

    table = result.decomposition()
    fig = _figure(12, 4.8)
    axes = fig.subplots(1, 2)
    width = 0.8 / len(result.outcomes)
    for i, outcome in enumerate(result.outcomes):
        rows = table[table.outcome == outcome]
        x = rows.year.to_numpy() + (i - (len(result.outcomes) - 1) / 2) * width
        axes[0].bar(x, rows.share_parameter, width, color=f"C{i}",
                    label=f"{textwrap.shorten(_words(outcome), 45)}: parameters")
        axes[0].bar(x, rows.share_stochastic, width, bottom=rows.share_parameter, color=f"C{i}",
                    alpha=0.35, label="... chance (stochastic)")
    axes[0].set(xlabel="year", ylabel="share of variance", ylim=(0, 1),
                title="Where the uncertainty comes from (dark: parameters)",
                xticks=list(result.years))
    axes[0].legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)
    if NET in result.outcomes:
        p = result.probability_positive()
        axes[1].errorbar(p.year, p.probability, yerr=1.96 * p.standard_error.fillna(0),
                         marker="o", capsize=3, label="over draws x replications (±1.96 s.e.)")
        axes[1].plot(p.year, p.share_of_draws_expected_positive, marker="s", ls="--",
                     label="share of draws with an expected net saving")
        axes[1].set(xlabel="year", ylabel="probability", ylim=(-0.02, 1.02),
                    title="P(cumulative discounted net cost avoidance > 0)",
                    xticks=list(result.years))
        axes[1].legend(fontsize=8)
    fig.suptitle(_wrap(f"PSA: {len(result.draws)} parameter draws x "
                                     f"{result.reps} replications. {result.source}", 140),
                 fontsize=9)
    return fig


def _num(x) -> str:
    """A parameter value in at most 3 significant digits (integers whole)."""
    if isinstance(x, (int, np.integer)) or (isinstance(x, float) and x.is_integer()
                                              and abs(x) < 1e6):
        return f"{int(x):,}"
    if isinstance(x, (float, np.floating)):
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
    return show(x)


def tornado_figure(result, outcome: str, most: int = 25, rows=None, what: str = "") -> Figure:
    """One outcome's tornado: for each parameter (largest deviation at the top; at most ``most``,
    and none with no effect at all) the mean outcome at its low value (blue, upper half of the
    row) and its high value (orange, lower half), drawn from the base, each with its paired Monte
    Carlo interval; the parameter's low | base | high values and the base outcome labelled."""
    every = result.table[result.table.outcome == outcome] if rows is None else rows
    moved = every[every.largest_deviation > 1e-9 * max(1.0, abs(every.base_mean.iloc[0]))]
    rows = moved.head(most).iloc[::-1]
    left_out = len(every) - len(rows)
    if rows.empty:
        rows = every.head(1)
    unit = rows.unit.iloc[0]
    s, axis_unit = _scale(unit)
    fig = _figure(9, 1.6 + 0.42 * len(rows))
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    base = rows.base_mean.iloc[0] * s
    for effect, lo, hi, colour, shift, name in (
            ("low_effect", "low_effect_ci_lo", "low_effect_ci_hi", LOW, 0.2, "low value (5%)"),
            ("high_effect", "high_effect_ci_lo", "high_effect_ci_hi", HIGH, -0.2,
             "high value (95%)")):
        e = rows[effect].to_numpy() * s
        err = np.vstack([e - rows[lo].to_numpy() * s, rows[hi].to_numpy() * s - e])
        ax.barh(y + shift, e, left=base, height=0.38, color=colour, label=name)
        ax.errorbar(base + e, y + shift, xerr=np.nan_to_num(np.abs(err)), fmt="none",
                    ecolor="black", elinewidth=0.8, capsize=2)
    ax.axvline(base, color="black", lw=1)
    ax.annotate(f"base: {base:,.3g} {'£m' if _money(unit) else unit}", (base, len(rows) - 0.45),
                xytext=(3, 0), textcoords="offset points", fontsize=8, va="bottom")
    labels = [f"{plain(textwrap.shorten(lab, 48))}\n{_num(lo)} | base {_num(b)} | {_num(hi)}"
              for lab, lo, b, hi in zip(rows.label, rows.low_value, rows.base_value,
                                        rows.high_value)]
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_ylim(-0.6, len(rows) - 0.1)
    ax.set(xlabel=_wrap(f"{_words(outcome)} to year {result.year} ({axis_unit}); mean of "
                        f"{result.reps} paired replications; whiskers: {result.conf:.0%} "
                        "interval of the paired difference", 110),
           title=_wrap(f"Tornado{' of ' + what if what else ''}: {_words(outcome)}. Each "
                       "parameter at its low and high value "
                       "(posterior or declared 5%-95%), the others at the scenario's values"
                       + (f" ({left_out} parameters with smaller or no effect not shown; all in "
                          "tornado.csv)" if left_out else ""), 90))
    ax.xaxis.label.set_size(8)
    ax.title.set_size(10)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def _panels(table, per_row: float = 0.35):
    outcomes = list(dict.fromkeys(table.outcome))
    height = 1.6 + per_row * table.parameter.nunique()
    fig = _figure(7 * len(outcomes), height)
    axes = np.atleast_1d(fig.subplots(1, len(outcomes), squeeze=False)[0])
    return fig, list(zip(axes, outcomes))


def _index_bars(ax, rows, columns, title, xlabel):
    y = np.arange(len(rows))[::-1]
    height = 0.8 / len(columns)
    for i, (col, conf, label) in enumerate(columns):
        ax.barh(y + (i - (len(columns) - 1) / 2) * height, rows[col], height, xerr=rows[conf],
                capsize=2, label=label, color=f"C{i}")
    ax.set_yticks(y, [plain(textwrap.shorten(lab, 45)) for lab in rows.label], fontsize=7)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_title(_wrap(title, 60), fontsize=9)
    ax.set_xlabel(plain(xlabel), fontsize=8)
    ax.legend(fontsize=8, loc="lower right")


def sobol_figure(result) -> Figure:
    """First-order and total Sobol indices with their confidence intervals, per outcome."""
    fig, panels = _panels(result.table)
    conf = result.table.conf.iloc[0]
    for ax, outcome in panels:
        rows = result.table[result.table.outcome == outcome]
        _index_bars(ax, rows, [("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST")],
                    f"Sobol indices: {_words(outcome)}, year {result.year}",
                    f"index (bars: {conf:.0%} CI; n={result.n}, {result.sets} parameter sets)")
    return fig


def morris_figure(result) -> Figure:
    """Morris mu* (with confidence interval) per outcome, and sigma for interactions."""
    fig, panels = _panels(result.table)
    conf = result.table.conf.iloc[0]
    for ax, outcome in panels:
        rows = result.table[result.table.outcome == outcome].copy()
        s, axis_unit = _scale(rows.unit.iloc[0])
        rows[["mu_star", "mu_star_conf", "sigma"]] *= s
        rows["zero"] = 0.0
        _index_bars(ax, rows, [("mu_star", "mu_star_conf", "mu* (mean |effect|)"),
                               ("sigma", "zero", "sigma (interactions)")],
                    f"Morris screening: {_words(outcome)}, year {result.year}",
                    f"elementary effect over the 5%-95% range, {axis_unit} (bars: {conf:.0%} "
                    f"CI; {result.trajectories} trajectories)")
    return fig


def compare_figure(result, metrics=HEADLINE) -> Figure:
    """Options side by side (boxes over futures) and their paired differences from the
    reference: the central band of the paired differences and the interval of their mean."""
    from .option_comparison import mean_interval

    period = result.periods[-1]
    p = result.periods.index(period)
    fig = _figure(6.5 * len(metrics), 8.5)
    axes = fig.subplots(2, len(metrics), squeeze=False)
    x = np.arange(len(result.labels))
    q = (1.0 - result.band) / 2.0
    names = [plain(textwrap.shorten(lab, 30)) for lab in result.labels]
    for j, metric in enumerate(metrics):
        m = result.metrics.index(metric)
        s, axis_unit = _scale(result.unit(metric))
        values = result.values[:, :, m, p] * s
        ax = axes[0, j]
        ax.boxplot(values.T, whis=(100 * q, 100 * (1 - q)), showfliers=False)
        ax.set_xticks(x + 1, names, rotation=25, ha="right", fontsize=8)
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_title(_wrap(f"{_words(metric)} to {period.replace('_', ' ')}", 55),
                     fontsize=9)
        ax.set_ylabel(_wrap(f"{axis_unit}; whiskers: central {result.band:.0%} of futures", 45),
                      fontsize=8)
        diff = values - values[0]
        stats = [mean_interval(d, result.clusters, result.conf) for d in diff]
        mean = np.array([st[0] for st in stats])
        ci = np.array([[st[0] - st[2], st[3] - st[0]] for st in stats]).T
        ax = axes[1, j]
        ax.vlines(x, np.quantile(diff, q, axis=1), np.quantile(diff, 1 - q, axis=1),
                  color="tab:grey", lw=6, alpha=0.5,
                  label=f"central {result.band:.0%} of paired differences")
        ax.errorbar(x, mean, yerr=np.nan_to_num(ci), fmt="o", color="tab:red", capsize=4, lw=2,
                    label=f"mean difference, {result.conf:.0%} CI")
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(x, names, rotation=25, ha="right", fontsize=8)
        ax.set_title(plain(f"difference from {result.labels[0]!r} (paired per replication)"),
                     fontsize=9)
        ax.set_ylabel(axis_unit, fontsize=8)
    # one legend for both panels, below them: inside a panel it covered an option's bar
    fig.legend(*axes[1, 0].get_legend_handles_labels(), loc="outside lower center", ncol=2,
               fontsize=8)
    fig.suptitle(plain(f"{_view(result)}{len(result.labels)} options, reference "
                       f"{result.labels[0]!r}; "
                       f"{result.reps} replications with common random numbers and the same "
                       f"parameter draws, seed {result.seed}"), fontsize=9)
    return fig


def sources_figure(result) -> Figure:
    """Mean infants kept out of care by source, per option, at the last shared period."""
    period = result.periods[-1]
    p = result.periods.index(period)
    fig = _figure(8, 4.8)
    ax = fig.add_subplot()
    x = np.arange(len(result.labels))
    bottom_pos, bottom_neg = np.zeros(len(x)), np.zeros(len(x))
    for source, metric in zip(REPORTED_SOURCES, SOURCES):
        means = result.values[:, :, result.metrics.index(metric), p].mean(axis=1)
        bottom = np.where(means >= 0, bottom_pos, bottom_neg)
        ax.bar(x, means, bottom=bottom, color=SOURCE_COLOURS[source],
               label=SOURCE_LABELS[source])
        bottom_pos += np.maximum(means, 0)
        bottom_neg += np.minimum(means, 0)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, [plain(textwrap.shorten(lab, 30)) for lab in result.labels], rotation=25,
                  ha="right", fontsize=8)
    ax.set(ylabel=f"infants kept out of care to {period.replace('_', ' ')} (mean)",
           title=_wrap(f"{_view(result)}Where the effect comes from, by option", 70))
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def ceac_by_year_figure(ceac) -> Figure:
    """P(funding is the better decision) against λ, one line per year."""
    fig = _figure(7.5, 4.5)
    ax = fig.add_subplot()
    for i, (year, rows) in enumerate(ceac.groupby("year")):
        ax.plot(rows["lambda"] / 1e3, rows.probability_fund_best, marker="o", ms=2,
                color=f"C{i % 10}", label=f"to year {year}")
    ax.set(xlabel=f"λ, thousand {ceac.lambda_unit.iloc[0]}",
           ylabel="share of parameter draws where funding is better", ylim=(-0.02, 1.02),
           title="Cost-effectiveness acceptability curve by year (outcomes cumulative to the "
                 "year's end)")
    ax.title.set_size(9)
    ax.legend(fontsize=8)
    return fig


def plane_by_year_figure(plane, money_unit: str) -> Figure:
    """The cost-effectiveness plane of each year (one panel per year, shared axes)."""
    years = sorted(plane.year.unique())
    cols = min(3, len(years))
    rows_n = int(np.ceil(len(years) / cols))
    fig = _figure(4 * cols, 3.4 * rows_n)
    axes = np.atleast_1d(fig.subplots(rows_n, cols, sharex=True, sharey=True, squeeze=False)
                         ).ravel()
    for ax, year in zip(axes, years):
        rows = plane[plane.year == year]
        ax.scatter(rows.infants_avoided, rows.incremental_cost / 1e6, s=5, alpha=0.35)
        ax.scatter([rows.infants_avoided.mean()], [rows.incremental_cost.mean() / 1e6], s=40,
                   marker="X", color="black")
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_title(f"to year {year}", fontsize=9)
    for ax in axes[len(years):]:
        ax.set_visible(False)
    fig.supxlabel("infants kept out of care (funded minus not funded; per-draw means)",
                  fontsize=8)
    fig.supylabel(plain(f"incremental cost = -net cost avoidance (£ million, {money_unit})"),
                  fontsize=8)
    fig.suptitle("Cost-effectiveness plane by year (X: mean)", fontsize=9)
    return fig
