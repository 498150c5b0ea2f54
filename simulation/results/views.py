"""The two views every headline gives, and the break-even threshold between them.

- **Base case** (``base``): what the evidence on the practice's own women supports. The scenario
  under the micro-evidence calibration (``national-micro``), with no system effect: infants of
  the women the practice works with, and nothing else.
- **Authority-wide scenario** (``authority``): *if the fall in all infant care entries measured in
  five long-running Pause areas also happens here* (evidence.md s0.1-0.2). The scenario under its
  own calibration (``national`` by default), whose system effect on other mothers' infants is
  calibrated to the national figures. No study measured that effect on other mothers; it is a
  scenario, shown beside the base case with equal prominence, never instead of it.

Both are simulated with the same seed, replications and options (common random numbers for the
practice's women). The **break-even threshold** says how many infant care entries among other
mothers the practice must prevent, on top of the base case, for its net present value to reach
zero (:func:`break_even`), and how likely a net saving is for each size of that effect
(:func:`net_saving_curve`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from simulation.core import posterior as posterior_mod
from simulation.core.scenario import Scenario

from .results import (
    Results,
    band_stats,
    is_span,
    mean_se,
    measured_t1,
    measured_t2,
    period_words,
    periods,
)

#: The calibration of the base case: the micro-evidence on the women only (no system effect).
BASE_CALIBRATION = "national-micro"
#: The calibration of the authority-wide scenario when the scenario itself is the base case's.
AUTHORITY_CALIBRATION = "national"
SYSTEM_EFFECT = "authority.system_effect_per_year"
NPV = "net_cost_avoidance_cumulative_discounted"

#: Each view's name in tables, and the plain words every citable sentence carries.
LABELS = {"base": "Base case: the practice's own women",
          "authority": "Authority-wide scenario"}
WORDS = {"base": "base case (the practice's own women, as the evidence on them supports)",
         "authority": "authority-wide scenario (if the fall in all infant care entries measured "
                      "in five long-running Pause areas also happens here)"}
SHORT = {"base": "base case", "authority": "authority-wide scenario"}


@dataclass
class Views:
    """The base case and the authority-wide scenario of one scenario, same seed and options."""

    base: Results
    authority: Results

    def items(self):
        return (("base", self.base), ("authority", self.authority))

    @property
    def scenario(self) -> Scenario:
        return self.authority.scenario

    def headline(self) -> pd.DataFrame:
        return headline(self)

    def break_even(self) -> pd.DataFrame:
        return break_even(self)

    def net_saving_curve(self) -> pd.DataFrame:
        return net_saving_curve(self)

    def break_even_chart(self):
        from .figures import break_even_chart

        return break_even_chart(self)

    def text(self) -> str:
        """The printed summary of both views (as ``pausesim run`` shows it)."""
        from .text import views_text

        return views_text(self)

    def p_no_effect(self) -> float | None:
        """The authority-wide calibration's posterior probability of no system effect at all
        (None without a calibrated system effect)."""
        return p_no_effect(self.authority.scenario)


def p_no_effect(scenario: Scenario) -> float | None:
    """Posterior probability of no system effect in ``scenario``'s calibration, whole (before
    any conditioning on an effect); None without a calibrated system effect."""
    if SYSTEM_EFFECT not in scenario.calibrated_keys():
        return None
    return posterior_mod.p_no_effect(posterior_mod.load(whole(scenario.calibration)))


def t2_as_measured(res: Results) -> np.ndarray:
    """Infants kept out of care a year over years 3-5 (months 24-60), per replication: the
    national T2 figure as measured (calibration/targets.py)."""
    cum = res.value("infants_avoided_cumulative", 60) - res.value("infants_avoided_cumulative", 24)
    return cum / 3.0


def scenarios(scenario: Scenario) -> tuple[Scenario, Scenario]:
    """The base case and the authority-wide scenario of ``scenario``: the base case under
    :data:`BASE_CALIBRATION` with the system effect at none; the authority-wide scenario under the
    scenario's own calibration (:data:`AUTHORITY_CALIBRATION` if that is the base case's) *given
    a system effect* - the scenario is "if the fall ... also happens here", so the posterior's
    draws with no effect (whose probability :meth:`Views.p_no_effect` reports) are set aside. A
    scenario without a calibration keeps its own values in both (with no system effect in the
    base case)."""
    own = scenario.calibration
    base = scenario.with_calibration(BASE_CALIBRATION) if own else scenario
    base = base.with_overrides({SYSTEM_EFFECT: 0.0}, source="base case: no system effect")
    authority = scenario.with_calibration(AUTHORITY_CALIBRATION) \
        if own == BASE_CALIBRATION else scenario
    if SYSTEM_EFFECT in authority.calibrated_keys() and \
            not authority.calibration.endswith(posterior_mod.GIVEN_EFFECT):
        authority = authority.with_calibration(authority.calibration + posterior_mod.GIVEN_EFFECT)
    return base, authority


def calibration_words(calibration: str | None) -> str:
    """A calibration reference as people read it: ``'national', given a system effect`` for the
    authority-wide scenario's conditioned posterior, ``'national-micro'``, or ``none``."""
    if calibration is None:
        return "none"
    if calibration.endswith(posterior_mod.GIVEN_EFFECT):
        return f"'{whole(calibration)}', given a system effect"
    return f"'{calibration}'"


def whole(calibration: str) -> str:
    """The calibration reference without :data:`posterior.GIVEN_EFFECT`."""
    return calibration[:-len(posterior_mod.GIVEN_EFFECT)] \
        if calibration.endswith(posterior_mod.GIVEN_EFFECT) else calibration


def simulate(scenario: Scenario, reps: int, seed: int, uncertainty: str = "posterior",
             draws: int = 100, band: float = 0.9, checkpoint=None, **options) -> Views:
    """Both views of ``scenario`` (``options``: those of :func:`study.simulate`)."""
    from pathlib import Path

    from . import study

    base_sc, authority_sc = scenarios(scenario)
    out = {}
    for name, sc in (("base", base_sc), ("authority", authority_sc)):
        out[name] = study.simulate(sc, reps, seed, uncertainty, draws, band=band,
                                   checkpoint=None if checkpoint is None else
                                   Path(checkpoint) / name, **options)
    return Views(**out)


# --------------------------------------------------------------------------- break-even
def value_per_entry(views: Views, end_month: float) -> float:
    """Discounted care costs (GBP at the price base) avoided, to ``end_month``, per infant care
    entry among other mothers that the practice prevents: the authority-wide scenario's own
    ratio (it times prevented entries as the system effect builds up), or - where that scenario
    prevents none - the mean cost of an other mother's infant care entry without the practice."""
    a = views.authority
    prevented = a.value("infants_avoided_authority_cumulative", end_month).sum()
    if prevented > 0:
        return float(a.value("cost_avoided_authority_cumulative_discounted", end_month).sum()
                     / prevented)
    b = views.base
    i = b.end_bin(end_month)
    cost = np.cumsum(b.care_cost(1, "authority") * b.discount, axis=-1)[:, i].sum()
    entries = b.row("care_entries_authority", 1)[:, : i + 1].sum()
    return float(cost / entries) if entries > 0 else float("nan")


def period_ends(horizon: float) -> dict[str, float]:
    """Year ends to the horizon (a part-year at the end is its own period, ``months_A_B``)."""
    return {p: float(m) for p, m in periods(horizon).items() if is_span(p)}


def break_even(views: Views, band: float | None = None) -> pd.DataFrame:
    """For each period end: infant care entries among other mothers that the practice must
    prevent (cumulative to that end; discounted care costs) for the base case's net present
    value to reach zero. ``threshold``: at the base case's mean NPV (where a run's mean NPV
    crosses zero); ``mean``, ``median``, ``lo``, ``hi``: over the base case's simulated futures
    (each future's own threshold, 0 where it already pays for itself). Also that threshold as a
    share of the authority's other infant care entries in the period, and what the authority-wide
    scenario has the practice prevent (mean and median)."""
    band = views.base.band if band is None else band
    other = float(views.base.scenario["authority.other_infant_care_entries_per_year"])
    sets = views.base.simulated.set_index
    rows = []
    for period, end in period_ends(views.base.horizon).items():
        net = views.base.value(NPV, end)
        value = value_per_entry(views, end)
        threshold = max(-float(net.mean()), 0.0) / value
        entries = other * end / 12.0
        prevented = views.authority.value("infants_avoided_authority_cumulative", end)
        rows.append({"period": period, "months": end, "threshold": threshold,
                     **band_stats(np.maximum(-net, 0.0) / value, band, sets), "band": band,
                     "unit": "infant care entries among other mothers",
                     "share_of_other_entries": threshold / entries if entries > 0
                     else float("nan"),
                     "other_entries_expected": entries, "value_per_entry": value,
                     "authority_scenario_prevents_mean": float(prevented.mean()),
                     "authority_scenario_prevents_median": float(np.median(prevented))})
    return pd.DataFrame(rows)


def net_saving_curve(views: Views, end_month: float | None = None,
                     points: int = 41) -> pd.DataFrame:
    """P(net saving) to ``end_month`` (default the horizon) for a system effect preventing, in
    expectation, ``prevented`` other mothers' infant care entries: the base case's futures, each
    with a Poisson number of entries prevented (a thinned Poisson process), each worth
    :func:`value_per_entry`. From none to the authority-wide scenario's 95th percentile (at
    least the break-even threshold's upper end). Each prevented entry is valued at that mean: the
    spread of single infants' care costs is not in this curve, so it is a little steeper than a
    simulation at each size would be."""
    end = views.base.horizon if end_month is None else end_month
    net = views.base.value(NPV, end)
    value = value_per_entry(views, end)
    authority = views.authority.value("infants_avoided_authority_cumulative", end)
    need = np.ceil(np.maximum(-net, 0.0) / value)  # entries each future must have prevented
    top = max(float(np.quantile(authority, 0.95)), float(np.quantile(need, 0.95)), 1.0)
    grid = np.linspace(0.0, top, points)
    p = [float(np.mean(np.where(need <= 0, 1.0, stats.poisson.sf(need - 1, x)))) for x in grid]
    return pd.DataFrame({"prevented": grid, "probability_net_saving": p, "months": end})


def headline(views: Views, band: float | None = None) -> pd.DataFrame:
    """Both views side by side: infants kept out of care in the first 21 months, in the last
    year, a year over years 3-5 (T2 as measured) and to the horizon; net present value and
    P(net saving) to the horizon."""
    rows = []
    for name, res in views.items():
        band_ = res.band if band is None else band
        sets = res.simulated.set_index
        for key, label, values in view_figures(res):
            s = band_stats(values, band_, sets)
            rows.append({"view": name, "view_label": LABELS[name], "figure": key,
                         "label": label, **s, "band": band_,
                         "unit": res.price_label if key.startswith("net") else "infants"})
        net = res.value(NPV, res.horizon)
        rows.append({"view": name, "view_label": LABELS[name],
                     "figure": "probability_net_saving", "label": "P(net saving) to the "
                     "horizon", "mean": float((net > 0).mean()),
                     "mean_se": mean_se((net > 0).astype(float), sets),
                     "median": np.nan, "lo": np.nan, "hi": np.nan,
                     "band": res.band if band is None else band, "unit": "probability"})
    return pd.DataFrame(rows)


def view_figures(res: Results) -> list[tuple[str, str, np.ndarray]]:
    """(key, label, per-replication values) of the headline figures of one view."""
    h = res.horizon
    out = []
    if h >= 21:
        out.append(("infants_first_21_months", "infants kept out of care, first 21 months"
                    + (" (the T1 period)" if measured_t1(res.scenario) else ""),
                    res.value("infants_avoided_cumulative", 21)))
    if h >= 60:
        out.append(("infants_a_year_years_3_5", "infants kept out of care a year, years 3-5"
                    + (" (T2 as measured)" if measured_t2(res.scenario) else
                       " (not T2: the national figure is of a practice running continuously)"),
                    t2_as_measured(res)))
    last = max(period_ends(h).items(), key=lambda kv: kv[1])
    if last[1] >= 12:
        out.append(("infants_last_year", f"infants kept out of care in {period_words(last[0])}",
                    res.value("infants_avoided_in_year", last[1])))
    out.append(("infants_to_horizon", f"infants kept out of care to {_period_words(last[0])}",
                res.value("infants_avoided_cumulative", h)))
    out.append(("net_to_horizon", f"net present value to {_period_words(last[0])}",
                res.value(NPV, h)))
    return out


def _period_words(period: str) -> str:
    if period.startswith("year_"):
        return period.replace("_", " ")
    return f"month {period.split('_')[-1]}"
