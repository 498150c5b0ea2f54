"""The fast engine: the SimPy engine's model, vectorized with NumPy over women and replications.

Selected with ``runner.run(..., engine="fast")`` or ``pausesim run --engine fast``. It simulates the
same model (:mod:`simulation.engine`) and returns the same monthly metrics, many replications at
once; its random numbers differ from the SimPy engine's (see :mod:`simulation.fast.draws`), so the
two agree in distribution, not draw for draw. It keeps no event log.
"""

from .engine import simulate_reps, simulate_women

__all__ = ["simulate_reps", "simulate_women"]
