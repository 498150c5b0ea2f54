"""The practice in the fast engine: outreach cycles and places (:mod:`simulation.engine.practice`).

Women interact only here. At the start of each cycle every woman is advanced to that moment and the
practice offers places to those available, by priority. Each offered woman then decides at her own
moment in the window; she takes a place if she is willing, able and a place is free. Whether a place
is free depends on the women who decided before her and on whether they have already left (by
pregnancy, death or dropout). So every candidate is enrolled tentatively and followed to the end of
the window, places are then allotted in the order of the decisions, and the candidates who found
no free place are put back as they were and recorded as not enrolled.
"""

from __future__ import annotations

import numpy as np

from ..engine.model import Rates
from .arm import ELIGIBLE, NOT_ENROLLED, Arm


def cycle_starts(r: Rates) -> list[float]:
    """Months at which outreach cycles begin, before the horizon (as the practice process)."""
    starts, now = [], float(r.lead_in_months)
    while now < r.horizon_months:
        starts.append(now)
        if not r.successive_cycles:
            break
        programme_end = now + r.outreach_months + r.programme_months
        now = now + (programme_end - now)
    return starts


def run_practice(arm: Arm, rep: np.ndarray) -> None:
    """Run the outreach cycles of one programme arm, then every woman to the horizon. Women are
    ordered by replication and outreach priority (:class:`simulation.fast.draws.Women`)."""
    r = arm.r
    for start in cycle_starts(r):
        arm.advance(None, start)
        window_end = start + r.outreach_months
        programme_end = window_end + r.programme_months
        offered = _offered(arm, rep, start)
        willing, decides = arm.offer(offered, start, window_end)
        before_horizon = decides < r.horizon_months  # later decisions are never seen
        offered, willing, decides = offered[before_horizon], willing[before_horizon], \
            decides[before_horizon]
        arm.advance(offered, decides)
        alive = arm.death[offered] > decides
        able = willing & alive & ~arm.pregnant(offered, decides)
        arm.decline(offered[alive & ~able], decides[alive & ~able])
        candidates, decides = offered[able], decides[able]
        if len(candidates):
            _allot_places(arm, rep, candidates, decides, min(window_end, r.horizon_months),
                          programme_end)
    arm.advance(None, r.horizon_months)


def _offered(arm: Arm, rep: np.ndarray, now: float) -> np.ndarray:
    """Women offered a place at ``now``: the first ``max_offered`` available, by priority."""
    status = arm.status
    available = (arm.arrival <= now) & (arm.death > now) & (arm.pregnant_until <= now) & (
        (status == ELIGIBLE) | (arm.r.reoffer_declined & (status == NOT_ENROLLED)))
    women = np.flatnonzero(available)  # by replication and priority
    return women[_position_in_group(rep[women]) < arm.r.max_offered]


def _position_in_group(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of a sorted array."""
    n = len(groups)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if n else np.zeros(0, int)
    return np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))


def _allot_places(arm: Arm, rep, candidates, decides, window_end, programme_end) -> None:
    """Enrol the candidates who find a free place; the others decline."""
    order = np.lexsort((decides, rep[candidates]))
    candidates, decides = candidates[order], decides[order]
    position = _position_in_group(rep[candidates])
    # The first `capacity` candidates of a replication always find a place; the later ones only
    # if someone before them has left, so they are enrolled tentatively.
    sure = position < arm.r.capacity
    tentative = candidates[~sure]
    saved = arm.save(tentative)
    mark = arm.tally.mark()
    arm.enrol(candidates, decides, programme_end)
    if not len(tentative):
        return
    arm.advance(candidates, window_end)
    places = _first_come_first_served(position, decides, arm.left_month[candidates],
                                      arm.r.capacity)[~sure]
    if places.all():
        return
    refused = tentative[~places]
    arm.restore(tentative, saved, ~places)
    drop = np.zeros(len(rep), dtype=bool)
    drop[refused] = True
    arm.tally.discard(mark, drop)
    arm.decline(refused, decides[~sure][~places])


def _first_come_first_served(position, decides, leaves, capacity: int) -> np.ndarray:
    """Whether each candidate finds a free place when she decides: fewer than ``capacity`` of the
    candidates of her replication who decided earlier took a place and have not left by then.
    Candidates are sorted by replication and time; ``position`` numbers them within each."""
    group = np.cumsum(position == 0) - 1
    width = int(position.max()) + 1
    D = np.full((group[-1] + 1, width), np.inf)
    L = np.full_like(D, -np.inf)
    D[group, position] = decides
    L[group, position] = leaves
    busy = np.zeros(D.shape, dtype=bool)
    busy[:, :capacity] = np.isfinite(D[:, :capacity])
    for k in range(capacity, width):
        in_use = (busy[:, :k] & (L[:, :k] > D[:, k:k + 1])).sum(axis=1)
        busy[:, k] = np.isfinite(D[:, k]) & (in_use < capacity)
    return busy[group, position]
