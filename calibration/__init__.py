"""Calibration of pausesim to the national evaluation and the micro-evidence.

- :mod:`calibration.targets` - the targets, declared as data, and :mod:`calibration.statistics`,
  how the model computes each from a run;
- :mod:`calibration.priors` - the priors of the calibrated parameters, declared as data;
- :mod:`calibration.emulate` - the method: sequential Gaussian-process emulation + MCMC;
- :mod:`calibration.posterior` - posterior files (the shipped ones in ``posteriors/``), draws and
  the point estimate; used by ``[scenario] calibration = "NAME"`` and ``pausesim run --posterior``;
- :mod:`calibration.predictive`, :mod:`calibration.report`, :mod:`calibration.workflow` - the
  posterior predictive check and the fit report (``pausesim calibrate``).

Nothing heavy is imported here: :mod:`simulation.scenario` imports :mod:`calibration.posterior`.
"""
