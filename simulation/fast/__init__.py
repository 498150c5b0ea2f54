"""The fast engine: the SimPy engine's model compiled with Numba, for mass Monte Carlo.

Selected with ``runner.run(..., engine="fast")`` or ``pausesim run --engine fast``. It simulates the
same model (:mod:`simulation.engine`) and returns the same monthly metrics, replication after
replication in compiled loops (:mod:`simulation.fast.kernel`); its random numbers differ from the
SimPy engine's (see :mod:`simulation.fast.draws`), so the two agree in distribution, not draw for
draw. It keeps no event log. The first use after installing compiles it (about a minute, once: the
machine code is cached next to the module).
"""

from simulation.fast.engine import compile_kernel, simulate_reps, simulate_women

__all__ = ["compile_kernel", "simulate_reps", "simulate_women"]
