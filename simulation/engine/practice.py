"""The practice: cycles of assertive outreach followed by a programme period.

Capacity is a :class:`simpy.Container` of free places (practitioners x caseload): a woman takes a
place when she enrols and gives it back when she completes or leaves. A place freed during an
outreach window (a dropout, say) can be taken by a woman deciding later in the same window; one
freed after the window stays empty until the next cycle's outreach.
"""

from __future__ import annotations

import simpy

from ..model.rates import cycle_starts
from .woman import Woman


def practice(env: simpy.Environment, women: list[Woman], rates) -> simpy.events.ProcessGenerator:
    """Run outreach cycles from the end of the lead-in until the horizon (``women`` in outreach
    priority: the first is offered first)."""
    places = simpy.Container(env, capacity=rates.capacity, init=rates.capacity)
    for start in cycle_starts(rates):
        if start > env.now:
            yield env.timeout(start - env.now)
        window_end = start + rates.outreach_months
        programme_end = window_end + rates.programme_months
        offered = [w for w in women if w.available_for_outreach(start)]
        for woman in offered[:rates.max_offered]:
            env.process(woman.outreach(places, start, window_end, programme_end))
