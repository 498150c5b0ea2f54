"""pausesim: stochastic microsimulation of Pause-type services.

Layout (one job per module):
``parameters`` -> ``scenario`` -> ``population`` -> ``engine`` (SimPy processes) ->
``runner`` (Monte Carlo) -> ``results`` / ``costs`` -> ``plots`` / ``output``; ``cli`` on top.
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("pausesim")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"
