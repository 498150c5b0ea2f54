"""The practice: cycles of assertive outreach followed by an 18-month programme.

Capacity is a :class:`simpy.Container` of free places (practitioners x caseload): a woman takes a
place when she enrols and gives it back when she completes or leaves. Cohorts are closed: a place
freed after the outreach window (by a dropout, say) is not refilled until the next cycle's outreach;
one freed during the window can be taken by a woman enrolling later in it.
"""

from __future__ import annotations

import simpy

from simulation.engine.woman import Woman


def practice(env: simpy.Environment, women: list[Woman], rates) -> simpy.events.ProcessGenerator:
    """Run outreach cycles from the end of the lead-in until the horizon."""
    places = simpy.Container(env, capacity=rates.capacity, init=rates.capacity)
    if rates.lead_in_months > 0:
        yield env.timeout(rates.lead_in_months)
    while True:
        window_end = env.now + rates.outreach_months
        programme_end = window_end + rates.programme_months
        offered = [w for w in women if w.available_for_outreach(env.now, rates.reoffer_declined)]
        offered.sort(key=lambda w: w.priority)
        for woman in offered[:rates.max_offered]:
            env.process(woman.outreach(places, window_end, programme_end))
        if not rates.successive_cycles:
            return
        yield env.timeout(programme_end - env.now)
