"""Uncertainty and sensitivity analysis of pausesim runs, centred on the scenario.

- :mod:`.analyses`: every analysis as one call, the registry the CLI and the experiments use.
- :mod:`.varied`: which parameters vary and how (the calibration posterior for the calibrated
  ones, the registry :mod:`simulation.core.uncertainty` centred on the scenario for the others);
  :mod:`.draws`: parameter sets from them (joint posterior draws + Latin hypercube).
- :mod:`.simulator`: the simulation as a function of parameter sets -> per-replication outcomes of
  the metric registry by year, under common random numbers.
- :mod:`.psa`: probabilistic sensitivity analysis, variance decomposition, P(net saving) by year.
- :mod:`.oneway`: tornado (one-way, paired Monte Carlo intervals).
- :mod:`.sobol`: global sensitivity with SALib (Sobol indices, Morris screening).
- :mod:`.evppi`: value of information of funding the practice from a PSA (:mod:`.voi`,
  :mod:`.metamodel`, :mod:`.ce`, :mod:`.psa_outcomes`, :mod:`.voi_figures`); :mod:`.evsi`: of an
  authority's own infant care counts (``pausesim monitor``).
- :mod:`.option_comparison`: scenarios and variants side by side, paired differences per
  replication (``pausesim compare``); :mod:`.option_comparison_text`: its printout.
- :mod:`.plots`, :mod:`.analysis_files`: figures (no backend forced) and writing an analysis
  (tables, figures, ``parameters.csv``, ``run.json``).
"""
