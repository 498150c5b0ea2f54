"""Calibration of pausesim to the national evaluation and the micro-evidence.

- :mod:`calibration.targets` - the targets, declared as data, and :mod:`calibration.statistics`,
  how the model computes each from a run;
- :mod:`calibration.priors` - the priors of the calibrated parameters, declared as data;
- :mod:`calibration.simulate` - the targets' statistics simulated at a design of parameter sets;
- :mod:`calibration.emulate` - the method: sequential Gaussian-process emulation + MCMC;
- :mod:`calibration.predictive`, :mod:`calibration.fit_report`, :mod:`calibration.workflow` - the
  posterior predictive check, the fit report, and the whole workflow (``pausesim calibrate``).

Posterior files (the shipped ones in ``simulation/data/posteriors/``), their draws and point
estimate are :mod:`simulation.core.posterior`, so that a scenario's ``[scenario] calibration =
"NAME"`` (and ``pausesim run --calibration``) resolves without importing this package.
"""
