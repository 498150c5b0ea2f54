"""Results of runs: the results owner (:class:`Results`), the metric registry, costs, tables,
figures, and runs with parameter uncertainty (:mod:`simulation.results.study`)."""

from .results import Results, band_stats, period_edges, periods
from .study import run, simulate, simulate_options

__all__ = ["Results", "band_stats", "period_edges", "periods", "run", "simulate",
           "simulate_options"]
