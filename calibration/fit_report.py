"""The fit report of one or more calibrations: Markdown + PNG figures.

For the main calibration: each target against its posterior predictive (the expected statistic's
90% interval across parameter draws, and one practice's 90% interval), prior against posterior for
each parameter, and an explicit statement of which parameters the targets push beyond what the
micro-evidence supports - both the evidence ranges declared with the priors and, when a
micro-evidence-only calibration is given as ``reference``, that calibration's 90% intervals.
Further calibrations (e.g. without T1) are compared side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from calibration import priors as priors_mod
from calibration import targets as targets_mod
from calibration.emulate import effective_draws_text
from calibration.predictive import Predictive
from simulation.core.posterior import Posterior, p_no_effect, weighted_quantiles

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")


@dataclass
class Outcome:
    """A calibration as the report needs it."""

    posterior: Posterior
    predictive: Predictive  # at posterior draws
    point: Predictive  # at the point estimate

    @property
    def name(self) -> str:
        return self.posterior.name

    def quantiles(self, key: str, qs=(0.05, 0.5, 0.95)) -> list[float]:
        return weighted_quantiles(self.posterior.table[key].to_numpy(float),
                                  self.posterior.weights, qs)

    def prob_outside(self, key: str, low: float, high: float) -> tuple[float, float]:
        """Posterior probability below ``low`` and above ``high``."""
        x, w = self.posterior.table[key].to_numpy(float), self.posterior.weights
        return float(w[x < low].sum() / w.sum()), float(w[x > high].sum() / w.sum())


# ------------------------------------------------------------------------------ tables
def effective_targets(outcome: Outcome) -> tuple:
    """The declared targets, with any evidence the calibration replaced (``target_values``)."""
    return targets_mod.with_values(outcome.posterior.meta["settings"].get("target_values"))


def target_table(outcome: Outcome) -> pd.DataFrame:
    targets = effective_targets(outcome)
    table = outcome.predictive.table(targets, calibrated=outcome.posterior.targets)
    point = outcome.point.table(targets)
    table["point_estimate"] = point["simulated_mean"].to_numpy()
    return table


def parameter_table(outcome: Outcome, reference: Outcome | None = None) -> pd.DataFrame:
    rows = []
    for key in outcome.posterior.keys:
        prior = priors_mod.BY_KEY_PRIOR[key]
        dist = prior.truncated()
        q5, q50, q95 = outcome.quantiles(key)
        row = {"parameter": key, "prior": _prior_text(prior),
               "prior_lo": float(dist.ppf(0.05)), "prior_hi": float(dist.ppf(0.95)),
               "post_median": q50, "post_lo": q5, "post_hi": q95,
               "point_estimate": outcome.posterior.point_estimate[key],
               "evidence_range": prior.evidence_range, "neutral": prior.neutral}
        if prior.evidence_range:
            lo, hi = prior.evidence_range
            below, above = outcome.prob_outside(key, lo, hi)
            row.update(p_below_evidence=below, p_above_evidence=above,
                       prior_p_outside=float(dist.cdf(lo) + 1 - dist.cdf(hi)))
        if prior.neutral is not None:
            # "close to no effect": within a fifth of the prior range of the neutral value
            near = 0.2 * (prior.bounds[1] - prior.bounds[0])
            lo = max(prior.neutral - near, prior.bounds[0])
            hi = min(prior.neutral + near, prior.bounds[1])
            below, above = outcome.prob_outside(key, lo, hi)
            row.update(near_neutral=(lo, hi), post_p_near_neutral=1 - below - above,
                       prior_p_near_neutral=float(dist.cdf(hi) - dist.cdf(lo)))
        if reference is not None and key in reference.posterior.keys:
            r5, _, r95 = reference.quantiles(key)
            below, above = outcome.prob_outside(key, r5, r95)
            row.update(micro_lo=r5, micro_hi=r95, p_below_micro=below, p_above_micro=above)
        rows.append(row)
    return pd.DataFrame(rows)


def tension_statements(params: pd.DataFrame, targets: pd.DataFrame) -> list[str]:
    """Plain sentences: which parameters the targets push beyond the evidence (compared with
    where the prior alone put them), and by how much; which targets are not met."""
    lines = []
    for _, r in params.iterrows():
        key, med = r.parameter, r.post_median
        interval = f"median {_num(med)}, 90% {_num(r.post_lo)}-{_num(r.post_hi)}"
        if _given(r.get("prior_p_outside")):
            lo, hi = r.evidence_range
            below, above = r.p_below_evidence, r.p_above_evidence
            out, prior_out = below + above, r.prior_p_outside
            side, bound = ("above", hi) if above > below else ("below", lo)
            if out >= 0.5 and out > prior_out:
                lines.append(f"**{key}** is pushed {side} its evidence range "
                             f"{_num(lo)}-{_num(hi)}: "
                             f"{interval} ({med / bound:.2g} times the "
                             f"{'upper' if side == 'above' else 'lower'} end); P(outside) = "
                             f"{out:.0%} (prior {prior_out:.0%}).")
            elif out >= 0.25 and out > prior_out + 0.1:
                lines.append(f"**{key}** leans {side} its evidence range {_num(lo)}-{_num(hi)}: "
                             f"{interval}; P(outside) = {out:.0%} (prior {prior_out:.0%}).")
        if _given(r.get("prior_p_near_neutral")):
            post, prior = r.post_p_near_neutral, r.prior_p_near_neutral
            lo, hi = r.near_neutral
            if post < 0.5 * prior:
                lines.append(f"**{key}** has no evidence at all (neutral {_num(r.neutral)} = no "
                             f"such mechanism), yet the targets require an effect: P(between "
                             f"{_num(lo)} and {_num(hi)}, close to no effect) falls from "
                             f"{prior:.0%} (prior) to {post:.0%}; {interval}.")
        micro = r.get("micro_lo")
        if _given(micro):
            out = r.p_below_micro + r.p_above_micro
            if out >= 0.5:
                lines.append(f"**{key}** lies outside the micro-evidence-only posterior's 90% "
                             f"interval {_num(r.micro_lo)}-{_num(r.micro_hi)} with probability "
                             f"{out:.0%} ({interval}).")
    for _, t in targets.iterrows():
        if t.calibrated and not t.expected_band_covers_target:
            lines.append(f"Target **{t.target}** is not met: its value {_num(t.value)} lies "
                         f"outside the posterior-predictive expected 90% band "
                         f"{_num(t.expected_lo)}-{_num(t.expected_hi)} (simulated mean "
                         f"{_num(t.simulated_mean)}, z = {t.mean_z:.1f}).")
        elif not t.calibrated and not t.expected_band_covers_target:
            lines.append(f"Target **{t.target}** (not used in this calibration) is predicted at "
                         f"{_num(t.simulated_mean)}, outside its 90% range "
                         f"{_num(t.interval90_lo)}-{_num(t.interval90_hi)}.")
    return lines or ["No parameter is pushed outside its evidence range, and every target is met."]


# ----------------------------------------------------------------------------- figures
def plot_targets(outcomes: Sequence[Outcome], path: Path) -> None:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    targets = effective_targets(outcomes[0])
    fig = Figure(figsize=(7.5, 1.05 * len(targets) + 0.8))
    axes = fig.subplots(len(targets), 1)
    for ax, t in zip(axes, targets):
        lo90, hi90 = t.interval90
        ax.axvspan(lo90, hi90, color="0.88", lw=0)
        ax.axvspan(t.low, t.high if t.high > t.low else t.low, color="0.7", lw=0)
        ax.axvline(t.value, color="k", lw=1)
        for k, o in enumerate(outcomes):
            e, s = o.predictive.expected[t.name].dropna(), o.predictive.single[t.name].dropna()
            y = -k
            used = t.name in o.posterior.targets
            c = COLOURS[k % len(COLOURS)]
            ax.plot(s.quantile([0.05, 0.95]), [y, y], color=c, lw=1, alpha=0.7)
            ax.plot(e.quantile([0.05, 0.95]), [y, y], color=c, lw=5, alpha=0.9 if used else 0.35,
                    solid_capstyle="butt")
            ax.plot([e.mean()], [y], "o", color="white", mec=c, ms=5)
        ax.set_ylim(-len(outcomes) + 0.4, 0.6)
        ax.set_yticks([])
        ax.set_title(f"{t.name} ({t.unit})", fontsize=8, loc="left")
        ax.tick_params(labelsize=7)
    handles = [Line2D([], [], color=COLOURS[k % len(COLOURS)], lw=5, label=o.name)
               for k, o in enumerate(outcomes)]
    fig.legend(handles=handles, loc="lower center", ncol=len(outcomes), fontsize=8, frameon=False)
    fig.suptitle("Targets (grey: plausible interval, light: 90%) vs simulated\n(thick: expected "
                 "value, 90% over posterior draws, faded if not fitted; thin: one practice)",
                 fontsize=8)
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    fig.savefig(path, dpi=90)


def plot_parameters(outcomes: Sequence[Outcome], path: Path) -> None:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    keys = list(dict.fromkeys(k for o in outcomes for k in o.posterior.keys))
    cols = 4
    rows = -(-len(keys) // cols)
    fig = Figure(figsize=(11, 2.1 * rows + 0.6))
    axes = fig.subplots(rows, cols)
    for ax, key in zip(np.ravel(axes), keys):
        prior = priors_mod.BY_KEY_PRIOR[key]
        dist = prior.truncated()
        grid = np.linspace(*prior.bounds, 200)
        if prior.evidence_range:
            ax.axvspan(*prior.evidence_range, color="#fff2b3", lw=0)
        ax.plot(grid, [dist.pdf(x) for x in grid], color="0.4", lw=1, ls="--")
        for k, o in enumerate(outcomes):
            if key not in o.posterior.keys:
                continue
            ax.hist(o.posterior.table[key], bins=25, range=prior.bounds, density=True,
                    weights=o.posterior.weights, histtype="step", lw=1.4,
                    color=COLOURS[k % len(COLOURS)])
        ax.set_title(key, fontsize=7)
        ax.tick_params(labelsize=6)
        ax.set_yticks([])
    for ax in np.ravel(axes)[len(keys):]:
        ax.axis("off")
    handles = [Line2D([], [], color="0.4", ls="--", label="prior")] + \
        [Line2D([], [], color=COLOURS[k % len(COLOURS)], label=f"posterior {o.name}")
         for k, o in enumerate(outcomes)] + \
        [Rectangle((0, 0), 1, 1, color="#fff2b3", label="evidence range")]
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(path, dpi=80)


# ------------------------------------------------------------------------------ markdown
def write(outcomes: Sequence[Outcome], folder: Path, reference: Outcome | None = None,
          title: str | None = None, reproduce: Sequence[str] = ()) -> Path:
    """Write ``report.md``, ``targets.png``, ``parameters.png`` and CSV tables into ``folder``.

    ``outcomes[0]`` is the calibration reported on; the rest are compared with it. ``reference``
    (often one of ``outcomes``) is the micro-evidence-only calibration, if any.
    """
    folder = Path(folder)
    main = outcomes[0]
    plot_targets(outcomes, folder / "targets.png")
    plot_parameters(outcomes, folder / "parameters.png")
    ttab = target_table(main)
    ptab = parameter_table(main, reference)
    ttab.to_csv(folder / "targets.csv", index=False, float_format="%.6g")
    ptab.to_csv(folder / "parameters.csv", index=False, float_format="%.6g")
    meta = main.posterior.meta
    lines = [f"# {title or f'Calibration {main.name!r}: fit report'}", ""]
    lines += _overview(main, meta, reproduce)
    lines += ["", "## What the targets force, against the micro-evidence", ""]
    lines += [f"- {s}" for s in tension_statements(ptab, ttab)]
    lines += ["", "## Targets: evidence against simulated", "",
              f"Posterior predictive: {len(main.predictive.draws)} parameter sets drawn from the "
              f"posterior, {main.predictive.reps} paired replications each (seeds of their own). "
              "'Expected' is the 90% interval of the expected statistic across parameter sets "
              "(what the calibration fits); 'one practice' adds the stochastic spread of a single "
              "replication. 'Point' is the point estimate's expected value "
              f"({main.point.reps} replications). 'Met' means the expected 90% band covers the "
              "target's value (or overlaps its plausible range).", "",
              "| target | used | evidence (plausible; 90%) | simulated mean | expected 90% | "
              "one practice 90% | point | met |", "|---|---|---|---|---|---|---|---|"]
    for _, t in ttab.iterrows():
        evidence = _num(t.value) if t.low == t.high else f"{_num(t.low)}-{_num(t.high)}"
        lines.append(f"| {t.target} | {'yes' if t.calibrated else 'no'} | {evidence}; "
                     f"{_num(t.interval90_lo)}-{_num(t.interval90_hi)} | "
                     f"{_num(t.simulated_mean)} | "
                     f"{_num(t.expected_lo)}-{_num(t.expected_hi)} | "
                     f"{_num(t.single_lo)}-{_num(t.single_hi)} | {_num(t.point_estimate)} | "
                     f"{'yes' if t.expected_band_covers_target else '**no**'} |")
    lines += ["", "![targets](targets.png)", ""]
    lines += _sources(main)
    lines += _system_effect(main)
    lines += ["",
              "## Parameters: prior against posterior", "",
              "| parameter | prior | prior 90% | posterior median | posterior 90% | point | "
              "evidence range | P(outside evidence) |" + (" micro-only 90% |" if reference else ""),
              "|---|---|---|---|---|---|---|---|" + ("---|" if reference else "")]
    for _, r in ptab.iterrows():
        ev = f"{_num(r.evidence_range[0])}-{_num(r.evidence_range[1])}" if r.evidence_range \
            else ("none" + (f" (neutral {_num(r.neutral)})" if _given(r.neutral) else ""))
        pout = (f"{r.p_below_evidence + r.p_above_evidence:.0%} (prior {r.prior_p_outside:.0%})"
                if r.evidence_range else "-")
        line = (f"| {r.parameter} | {r.prior} | {_num(r.prior_lo)}-{_num(r.prior_hi)} | "
                f"{_num(r.post_median)} | {_num(r.post_lo)}-{_num(r.post_hi)} | "
                f"{_num(r.point_estimate)} | {ev} | {pout} |")
        if reference:
            micro = r.get("micro_lo")
            line += (f" {_num(r.micro_lo)}-{_num(r.micro_hi)} |" if micro is not None
                     and not pd.isna(micro) else " - |")
        lines.append(line)
    lines += ["", "![parameters](parameters.png)", ""]
    if len(outcomes) > 1:
        lines += _comparison(outcomes)
    lines += _waves(meta)
    lines += _mc_error(meta)
    lines += ["", "## Sources", "", "| target | source |", "|---|---|"]
    lines += [f"| {t.name} | {t.source} |" for t in targets_mod.CHECKED]
    lines += ["", "| parameter | prior source |", "|---|---|"]
    lines += [f"| {k} | {priors_mod.BY_KEY_PRIOR[k].source} |" for k in main.posterior.keys]
    path = folder / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _sources(main: Outcome) -> list[str]:
    """The macro targets split by where the effect comes from (posterior predictive means)."""
    table = main.predictive.sources()
    if table.empty:
        return []
    names = {"declined": "offered, not enrolled", "enrolled": "enrolled at conception",
             "after_programme": "after the programme", "authority": "authority layer (system "
             "effect on other mothers)"}
    out = ["## Where the macro targets come from", "",
           "Posterior-predictive mean of each source of the authority-wide effect, and its "
           "share of the target's mean (the sources sum to the target in every replication).", "",
           "| target | " + " | ".join(names[s] for s in names) + " |",
           "|---|" + "---|" * len(names)]
    for target, group in table.groupby("target", sort=False):
        cells = {r.source: f"{_num(r['mean'])} ({r.share:.0%})" for _, r in group.iterrows()}
        out.append(f"| {target} | " + " | ".join(cells.get(s, "-") for s in names) + " |")
    return out + [""]


SYSTEM_EFFECT = "authority.system_effect_per_year"
#: Parameters whose posterior correlation with the system effect the report shows.
CORRELATED = ("authority.women_for_full_effect", "care.removal_probability")


def system_effect_summary(main: Outcome) -> dict:
    """The system effect's posterior against its prior: P(no effect), median and 90% interval,
    its rank correlation with its build-up and the removal probability (identifiability), and
    what each macro target contributes (the posterior predictive draws reweighted to leave that
    target's likelihood out: an importance-sampling approximation, with its effective size)."""
    post = main.posterior
    if SYSTEM_EFFECT not in post.keys:
        return {}
    prior = priors_mod.BY_KEY_PRIOR[SYSTEM_EFFECT]
    x = post.table[SYSTEM_EFFECT].to_numpy(float)
    out = {"prior_p_none": float(prior.prior.zero_mass),
           "p_none": p_no_effect(post),
           "quantiles": main.quantiles(SYSTEM_EFFECT),
           # among the draws with an effect (the copies at none repeat the others' values)
           "correlation": {k: float(post.table.loc[x > 0, [SYSTEM_EFFECT, k]]
                                    .corr("spearman").iloc[0, 1])
                           for k in CORRELATED if k in post.keys}}
    draws = pd.DataFrame(main.predictive.draws)
    if SYSTEM_EFFECT in draws:
        effect = draws[SYSTEM_EFFECT].to_numpy(float)
        without = {}
        for t in effective_targets(main):
            if t.name not in post.targets or t.kind != "macro":
                continue
            z = t.z(main.predictive.expected[t.name].to_numpy(float))
            logw = 0.5 * z ** 2  # divide the likelihood of this target out
            iw = np.exp(logw - logw.max())
            iw /= iw.sum()
            without[t.name] = {"p_none": float(iw[effect <= 0].sum()),
                               "median": float(weighted_quantiles(effect, iw, (0.5,))[0]),
                               "effective_draws": float(1.0 / np.sum(iw ** 2)),
                               "draws": len(iw)}
        out["without"] = without
    return out


def _system_effect(main: Outcome) -> list[str]:
    """The system effect's posterior against its prior, in words."""
    s = system_effect_summary(main)
    if not s:
        return []
    q5, q50, q95 = s["quantiles"]
    out = ["## The system effect: posterior against prior", "",
           f"`{SYSTEM_EFFECT}` (other mothers' infant care entries a year that the practice "
           f"prevents at its full effect; 0 = none). Prior: P(no effect) = "
           f"{s['prior_p_none']:.0%}, otherwise uniform up to "
           f"{_num(priors_mod.BY_KEY_PRIOR[SYSTEM_EFFECT].bounds[1])}. Posterior: **P(no "
           f"effect) = {s['p_none']:.0%}**; median {_num(q50)}, 90% {_num(q5)}-{_num(q95)} a "
           "year. Nothing but the macro targets informs it: the direct-effects calibration "
           "(`national-micro`) fixes it at 0.", ""]
    if s["correlation"]:
        out += ["Identifiability: posterior rank correlation of the system effect (draws with an "
                "effect) with "
                + ", ".join(f"`{k}` {v:+.2f}" for k, v in s["correlation"].items())
                + " (a strong correlation means the targets fix a combination, not each "
                "parameter).", ""]
    if s.get("without"):
        out += ["What each macro target contributes (posterior predictive draws reweighted to "
                "leave that target out; approximate, with the effective number of draws):", "",
                "| left out | P(no effect) | median (a year) | effective draws |",
                "|---|---|---|---|"]
        out += [f"| {name} | {v['p_none']:.0%} | {_num(v['median'])} | "
                f"{v['effective_draws']:.0f} of {v['draws']} |"
                for name, v in s["without"].items()]
        out.append("")
    return out


def _overview(main: Outcome, meta: dict, reproduce: Sequence[str]) -> list[str]:
    s = meta["settings"]
    waves = meta["waves"]
    valid = [w["validation_within_2sd"] for w in waves if w.get("validation_within_2sd")
             is not None]
    out = [f"pausesim {meta.get('pausesim_version')}, scikit-learn "
           f"{meta.get('sklearn_version')}, emcee {meta.get('emcee_version')}, created "
           f"{meta.get('created_utc')}.", "",
           f"- Method: {meta.get('method')}",
           f"- Scenario: `{s['scenario']}`"
           + (f" with fixed {s['fixed']}" if s.get("fixed") else ""),
           f"- Targets used: {', '.join(s['targets'])}",
           f"- Parameters calibrated: {len(s['parameters'])}; {len(waves)} waves: "
           f"{s['initial_points']} parameter sets from a Latin hypercube over the prior, then "
           f"{s['points_per_wave']} per wave drawn from the current posterior; "
           f"{s['reps_per_point']} paired replications each; seed {s['seed']}",
           f"- Cost: {meta['parameter_sets_simulated']} parameter sets, "
           f"{meta['replications_simulated']} paired replications, "
           f"{meta['wall_seconds'] / 60:.1f} min on {meta['workers']} worker(s) "
           f"({meta.get('machine', '')}; the posterior predictive check below is extra)",
           f"- Posterior: {len(main.posterior.table)} draws from {s['walkers']} MCMC walkers x "
           f"{s['steps']} steps on the last emulators (second half kept; "
           f"{effective_draws_text(waves[-1].get('effective_draws'))}, acceptance "
           f"{waves[-1]['acceptance_fraction']:.2f})"]
    if valid:
        out.append(f"- Emulator validation: the emulators of each wave predicted the next wave's "
                   f"unseen parameter sets with {', '.join(f'{v:.0%}' for v in valid)} of "
                   "standardised errors within 2 sd (95% expected if calibrated)")
    if reproduce:
        out += ["", "Reproduce:", ""] + [f"    {c}" for c in reproduce]
    return out


def _comparison(outcomes: Sequence[Outcome]) -> list[str]:
    names = [o.name for o in outcomes]
    out = ["## Comparison of calibrations", "",
           "Targets used: " + "; ".join(f"`{o.name}`: {', '.join(o.posterior.targets)}"
                                        for o in outcomes), "",
           "Simulated mean of each target (in bold: outside its 90% range):", "",
           "| target | evidence 90% | " + " | ".join(names) + " |",
           "|---|---|" + "---|" * len(names)]
    tables = [o.predictive.table(calibrated=o.posterior.targets) for o in outcomes]
    for i, t in enumerate(targets_mod.CHECKED):
        cells = []
        for tab in tables:
            r = tab.iloc[i]
            v = _num(r.simulated_mean) + ("" if r.calibrated else " (not used)")
            cells.append(v if r.within_interval90 else f"**{v}**")
        lo, hi = t.interval90
        out.append(f"| {t.name} | {_num(lo)}-{_num(hi)} | " + " | ".join(cells) + " |")
    out += ["", "Posterior median [90% interval] of each parameter:", "",
            "| parameter | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    keys = list(dict.fromkeys(k for o in outcomes for k in o.posterior.keys))
    for key in keys:
        cells = []
        for o in outcomes:
            if key in o.posterior.keys:
                q5, q50, q95 = o.quantiles(key)
                cells.append(f"{_num(q50)} [{_num(q5)}, {_num(q95)}]")
            else:
                cells.append("fixed")
        out.append(f"| {key} | " + " | ".join(cells) + " |")
    return out + [""]


def _waves(meta: dict) -> list[str]:
    out = ["## Waves", "", "| wave | parameter sets | simulate (s) | fit (s) | MCMC (s) | "
           "previous emulators: errors within 2 sd |", "|---|---|---|---|---|---|"]
    for w in meta["waves"]:
        v = w.get("validation_within_2sd")
        out.append(f"| {w['wave']} | {w['points']} | {w['simulate_seconds']:.0f} | "
                   f"{w['fit_seconds']:.0f} | {w['mcmc_seconds']:.0f} | "
                   f"{'-' if v is None else f'{v:.0%}'} |")
    return out + [""]


def _mc_error(meta: dict) -> list[str]:
    ratios = meta.get("mc_error_over_sd", {})
    if not ratios:
        return []
    out = ["## Monte Carlo error inside the calibration", "",
           "Each parameter set's statistics are means over "
           f"{meta['settings']['reps_per_point']} replications; the emulators take their "
           "variance as known noise, so it does not bias the fit but it does limit how precisely "
           "the emulators learn each target. Median se/sd over the last wave's sets:", "",
           "| target | se / sd |", "|---|---|"]
    for name, r in ratios.items():
        out.append(f"| {name} | {r:.2f} |")
    return out + [""]


def _given(x) -> bool:
    return x is not None and not (isinstance(x, float) and np.isnan(x))


def _prior_text(prior) -> str:
    if prior.zero_mass > 0:
        return f"P(0) = {prior.zero_mass:g}, else " + _prior_text(
            priors_mod.Calibrated(prior.key, replace(prior.prior, zero_mass=0.0)))
    lo, hi = prior.bounds
    if prior.dist == "uniform":
        return f"uniform({_num(lo)}, {_num(hi)})"
    if prior.dist == "beta":
        return f"beta({_num(prior.args[0])}, {_num(prior.args[1])})"
    return (f"lognormal, 90% {_num(prior.args[0])}-{_num(prior.args[1])}, "
            f"on [{_num(lo)}, {_num(hi)}]")


def _num(x) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "-"
    x = float(x)
    if x == 0:
        return "0"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"
