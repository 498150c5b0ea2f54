"""The fast engine: the model compiled with Numba, for mass Monte Carlo.

Selected with ``runner.run(..., engine="fast")`` or ``pausesim run --engine fast``. It uses the
same rules, women and random numbers as the SimPy engine (:mod:`simulation.engine`), so the two
give the same results replication by replication; it keeps no event log. The first use after
installing compiles it (about a minute, once: the machine code is cached next to the module).
"""

from .engine import compile_kernel, simulate, simulate_reps, stream_offsets

__all__ = ["compile_kernel", "simulate", "simulate_reps", "stream_offsets"]
