"""Run defaults the command line shows in its help, kept here so that building the parser
imports nothing heavy (``simulation.runner`` and ``simulation.results`` import NumPy)."""

from __future__ import annotations

import os

#: The engines a run can use (same numbers): the compiled kernel and the SimPy reference.
ENGINES = ("fast", "simpy")
#: Random seed of a run when none is given.
DEFAULT_SEED = 20240101
#: Paired replications of ``pausesim run`` and ``simulation.simulate`` when none are asked for.
DEFAULT_REPS = 1000
#: Parameter sets drawn from a calibration posterior when none are asked for.
DEFAULT_DRAWS = 100


def default_workers() -> int:
    """Local workers used when none are asked for: the cores available, at most 8."""
    return max(1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else (os.cpu_count() or 1)))
