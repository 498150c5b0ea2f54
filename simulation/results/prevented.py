"""Infant care entries a practice is expected to prevent, by month and by authority year, for
each posterior draw of the system effect: what the authority's own counts are compared with
(:mod:`simulation.results.system_update`).

The system effect as the model applies it (``docs/model.md`` s3.9, ``rules.system_reduction``):
in month ``m`` a share ``share x min(1, W / women_for_full_effect)`` of other mothers' entries is
prevented, ``W`` the women enrolled by the end of month ``m - 1``; after a single cohort's
practice stops it ends, or halves every ``effect_half_life_after_stop_months``. Expected entries
prevented in month ``m`` = other mothers' entries a month x that share, averaged over the
simulated replications' enrolment paths (so the build-up follows the simulated practice).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from simulation.model.rates import Rates, system_share

EFFECT = "authority.system_effect_per_year"
FULL = "authority.women_for_full_effect"


def system_by_month(effect: np.ndarray, women_for_full: np.ndarray, rates: Rates,
                    form: str, other_per_year: float, enrolled: np.ndarray,
                    per_replication: bool = False) -> np.ndarray:
    """(draws, months) expected other mothers' entries prevented in each month since launch.

    ``effect``, ``women_for_full``: per draw (entries a year; women); ``enrolled``: (reps,
    months) women enrolled in each month of each simulated replication. ``per_replication``:
    (draws, reps, months), each replication's enrolment path on its own, not averaged."""
    effect = np.asarray(effect, float)
    women_for_full = np.asarray(women_for_full, float)
    share = np.array([system_share(SimpleNamespace(
        system_effect_per_year=e, system_effect_form=form,
        other_infant_care_entries_per_year=other_per_year)) for e in effect])
    months = enrolled.shape[1]
    so_far = np.concatenate([np.zeros((enrolled.shape[0], 1)),
                             np.cumsum(enrolled, axis=1)[:, :-1]], axis=1)  # end of m - 1
    # min(1, W / full) per draw and replication, averaged over replications unless asked not to
    ramp = np.minimum(1.0, so_far[None, :, :] / women_for_full[:, None, None])
    ramp = ramp if per_replication else ramp.mean(axis=1)
    mid = np.arange(months) + 0.5
    after = mid > rates.practice_stops
    if rates.effect_half_life > 0:
        fade = np.where(after, 0.5 ** ((mid - rates.practice_stops) / rates.effect_half_life),
                        1.0)
    else:
        fade = np.where(after, 0.0, 1.0)
    if per_replication:
        return share[:, None, None] * ramp * fade * (other_per_year / 12.0)
    return share[:, None] * ramp * fade[None, :] * (other_per_year / 12.0)


def by_year(monthly: np.ndarray, years: pd.DataFrame) -> np.ndarray:
    """(draws, years): monthly amounts summed over each year's months since launch
    (``years``: ``from_month``, ``to_month``; part months counted by their overlap)."""
    months = monthly.shape[-1]
    start = np.arange(months)
    out = []
    for lo, hi in zip(years["from_month"], years["to_month"]):
        overlap = np.clip(np.minimum(start + 1, hi) - np.maximum(start, lo), 0.0, 1.0)
        out.append(monthly @ overlap)
    return np.stack(out, axis=-1) if out else np.zeros(monthly.shape[:-1] + (0,))


def draws_from(posterior, scenario) -> pd.DataFrame:
    """The posterior's draws (effect, women for the full effect, prior weight), the scenario's
    value standing in for one the posterior does not vary."""
    table = posterior.table
    n = len(table)
    effect = table[EFFECT].to_numpy(float) if EFFECT in table else \
        np.full(n, float(scenario[EFFECT]))
    full = table[FULL].to_numpy(float) if FULL in table else np.full(n, float(scenario[FULL]))
    return pd.DataFrame({"effect": effect, "women_for_full_effect": full,
                         "prior": table["weight"].to_numpy(float)})
