"""The authority layer: infant care entries from mothers *not* on the practice's list.

The national figures (T1, T2) are authority-wide changes in all infant care entries
(evidence.md s0.1), not outcomes of the practice's own women. This layer represents the rest of
the authority explicitly, in both arms:

- entries from other mothers arrive as a Poisson process at
  ``authority.other_infant_care_entries_per_year`` (same arrivals in both arms: common random
  numbers), each with an age at entry, an exit route and months in care drawn as for any infant;
- in the programme arm an entry at month ``t`` is avoided when its thinning draw falls below the
  system effect then (:func:`simulation.model.rules.system_reduction`), which grows with the women
  the practice has enrolled by the end of the previous month and fades once it stops. With
  ``authority.system_effect_per_year = 0`` the two arms are identical.

Entries are tallied under source ``authority`` and costed like any other care entry. Used by both
engines after they have simulated the practice's women (it needs the programme arm's enrolments).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .layout import AUTHORITY, AUTHORITY_WOMAN, DRAWS_PER_AUTHORITY_ENTRY, M_ENROLLED, S_AUTHORITY
from .rng import block
from .rules import care_delay, care_episode, system_reduction
from .tally import care_episode as tally_episode


@njit(cache=True)
def simulate(r, seed, rep, programme, counterfactual, post_programme, post_counterfactual):
    """Add replication ``rep``'s authority entries to both arms' tallies (``programme`` already
    holds the practice's enrolments, row ``enrolled``)."""
    rate = r.other_entries_per_month
    horizon = r.horizon_months
    if rate <= 0.0:
        return
    n_months = programme.shape[1]
    # women enrolled by the end of each month
    enrolled = np.cumsum(programme[M_ENROLLED])
    month = 0.0
    i = 0
    while True:
        woman = AUTHORITY_WOMAN + 1 + i
        first = block(seed, rep, woman, S_AUTHORITY, 0)  # draws 0-3
        month += -math.log1p(-first[0]) / rate
        if not month < horizon:
            return
        age = care_delay(r, first[2])
        route, months = care_episode(r, first[3], block(seed, rep, woman, S_AUTHORITY, 1)[0], age)
        tally_episode(counterfactual, post_counterfactual, AUTHORITY, month, route, months,
                      horizon)
        m = min(int(month), n_months)
        before = enrolled[m - 1] if m > 0 else 0.0
        if first[1] >= system_reduction(r, before, month):
            tally_episode(programme, post_programme, AUTHORITY, month, route, months, horizon)
        i += 1


assert DRAWS_PER_AUTHORITY_ENTRY == 5
