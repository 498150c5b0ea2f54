"""Uncertainty and sensitivity analysis of pausesim runs.

- :mod:`.uncertain`: which parameters are uncertain, their distributions and tornado ranges (each
  with its source), and parameter draws from them or from a posterior sample (a DataFrame).
- :mod:`.model`: the simulation seen as a function of parameter sets -> per-replication headline
  outcomes by year, under common random numbers.
- :mod:`.psa`: probabilistic sensitivity analysis (parameter draws x replications), variance
  decomposition into parameter and stochastic uncertainty, P(net cost avoidance > 0) by year.
- :mod:`.oneway`: one-way sensitivity over low/high values (tornado).
- :mod:`.sobol`: global sensitivity with SALib (Sobol indices, Morris screening).
- :mod:`.compare`: scenarios and variants side by side, paired differences per replication.
- :mod:`.report`: writing an analysis's tables, figures and provenance.
"""
