"""pausesim: stochastic microsimulation of Pause-type services.

For notebooks and scripts, one call runs a scenario::

    import simulation
    both = simulation.run_views("dorset-2022", reps=500)  # base case + authority-wide scenario
    both.headline()      # the two views side by side; both.break_even(): the threshold
    res = simulation.run("dorset-2022", reps=500, **{"practice.practitioners": 4})
    res.summary()        # tidy DataFrame (simulation.results.display.formatted: money as text)
    res.fan_chart()      # matplotlib figure

``run``, ``run_views``, ``load`` (a scenario, with a calibration and overrides), ``simulate`` and
``Results`` are loaded on first use, so ``import simulation`` stays light.

Layers (imports point down only): ``cli`` -> ``report | sensitivity | calibration`` ->
``results`` -> ``runner`` -> ``engine | fast`` -> ``model`` -> ``core``.
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("pausesim")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"

#: Names exported lazily: name -> (module, attribute).
_LAZY = {"run": ("simulation.results.study", "run"),
         "run_views": ("simulation.results.study", "run_views"),
         "load": ("simulation.results.study", "load"),
         "simulate": ("simulation.results.study", "simulate"),
         "Results": ("simulation.results.results", "Results")}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'simulation' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
