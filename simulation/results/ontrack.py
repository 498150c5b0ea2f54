"""On track? A running practice's observed series against its forecast at the same months.

For each observed value (a practice row of the monitoring file, :mod:`simulation.core.monitoring`)
and each view (base case, authority-wide scenario; :mod:`simulation.results.views`): the forecast's
band of simulated futures at that month, the observed value's percentile among them (mid-rank:
``100 x (share below + half the share equal)``, so a count that many futures share sits in the
middle of them) and a plain-words verdict. Counts are cumulative from launch to the month (the
practice's women, programme arm), except ``on_larc``, women on LARC at the end of the month.

The practice's women's series come from the same model in both views; they differ only as the
two calibrations' posteriors differ on the women's parameters (the system effect touches only
other mothers' infants, which no practice series counts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.core.monitoring import PRACTICE_SERIES
from simulation.model.layout import SOURCES

from .metrics import PROGRAMME

#: Each monitoring series: (tallied rows summed, cumulative?, label, more is better?).
SERIES = {
    "offered": (("women_offered",), True, "women offered a place", True),
    "enrolled": (("enrolled",), True, "women enrolled", True),
    "completed": (("completed",), True, "women who completed the programme", True),
    "left_early": (("dropped_out", "exited_pregnant"), True, "women who left early", False),
    "on_larc": (("on_larc",), False, "women on LARC at the end of the period", True),
    "pregnancies": (("pregnancies",), True, "pregnancies (women on the list)", False),
    "live_births": (("live_births",), True, "live births (women on the list)", False),
    "infants_entering_care": (tuple(f"care_entries_{s}" for s in SOURCES[:-1]), True,
                              "infants entering care (women on the list)", False),
}
assert tuple(SERIES) == PRACTICE_SERIES


def forecast(res, series: str, month: int) -> np.ndarray:
    """Per replication: the series at the end of ``month`` (months since launch)."""
    rows, cumulative, _, _ = SERIES[series]
    values = sum(res.row(r, PROGRAMME) for r in rows)
    if cumulative:
        values = np.cumsum(values, axis=-1)
    return values[:, res.end_bin(float(month))]


def percentile(simulated: np.ndarray, observed: float) -> float:
    """Mid-rank percentile of ``observed`` among ``simulated`` (0-100)."""
    return float(100.0 * (np.mean(simulated < observed) + 0.5 * np.mean(simulated == observed)))


def verdict(pct: float, band: float, more_is_better: bool) -> str:
    """Plain words for a percentile against the central ``band``."""
    tail = 100.0 * (1.0 - band) / 2.0
    if pct < tail:
        side, good = "below", not more_is_better
    elif pct > 100.0 - tail:
        side, good = "above", more_is_better
    else:
        return f"on track: inside the forecast's {band:.0%} band"
    return (f"{side} the forecast: {'fewer' if side == 'below' else 'more'} than in "
            f"{100 - tail:.0f}% of simulated futures ({'better' if good else 'worse'} than "
            "forecast)")


def table(views, observed: pd.DataFrame) -> pd.DataFrame:
    """One row per observed value and view: ``series, month, observed, view, lo, median, hi,
    band, percentile, verdict``."""
    rows = []
    for _, obs in observed.iterrows():
        s, month, value = obs["series"], int(obs["to_month"]), float(obs["observed"])
        for name, res in views.items():
            sim = forecast(res, s, month)
            q = (1.0 - res.band) / 2.0
            pct = percentile(sim, value)
            rows.append({"series": s, "label": SERIES[s][2], "month": month,
                         "observed": value, "view": name,
                         "lo": float(np.quantile(sim, q, method="lower")),
                         "median": float(np.median(sim)),
                         "hi": float(np.quantile(sim, 1.0 - q, method="higher")),
                         "band": res.band,
                         "percentile": pct, "verdict": verdict(pct, res.band, SERIES[s][3])})
    return pd.DataFrame(rows, columns=["series", "label", "month", "observed", "view", "lo",
                                       "median", "hi", "band", "percentile", "verdict"])


def fan_chart(views, observed: pd.DataFrame):
    """One panel per observed series: each view's band by month and the observed points."""
    import matplotlib.pyplot as plt

    names = [s for s in PRACTICE_SERIES if s in set(observed["series"])]
    cols = min(2, max(1, len(names)))
    rows = max(1, -(-len(names) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 3.2 * rows), squeeze=False)
    end = int(max(observed["to_month"].max() + 12, 24)) if len(observed) else 24
    for ax, s in zip(axes.ravel(), names):
        for (name, res), color in zip(views.items(), ("tab:blue", "tab:orange")):
            months = np.arange(1, int(min(end, res.horizon)) + 1)
            sims = np.stack([forecast(res, s, m) for m in months], axis=1)
            q = (1.0 - res.band) / 2.0
            ax.fill_between(months, np.quantile(sims, q, axis=0),
                            np.quantile(sims, 1 - q, axis=0), color=color, alpha=0.2,
                            label=f"{'base case' if name == 'base' else 'authority-wide'} "
                                  f"{res.band:.0%} band")
            ax.plot(months, np.median(sims, axis=0), color=color, lw=1)
        points = observed[observed["series"] == s]
        ax.plot(points["to_month"], points["observed"], "ko", label="observed")
        ax.set_title(SERIES[s][2], fontsize=10)
        ax.set_xlabel("months since launch")
    for ax in axes.ravel()[len(names):]:
        ax.set_visible(False)
    if names:
        axes.ravel()[0].legend(fontsize=8)
    fig.tight_layout()
    return fig
