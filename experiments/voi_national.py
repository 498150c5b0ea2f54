"""Value of information of funding a national practice: EVPI, EVPPI by parameter group, the
cost-effectiveness plane and acceptability curve (by year), and the share of the variance of
infants kept out of care by year 5 each group explains.

A PSA of the national scenario (calibrated parameters jointly from the posterior, the others around
the scenario's values), then the regression method of Strong, Oakley & Brennan (2014); money in
GBP at the scenario's price base, discounted; population EVPPI for --population decisions a year
over the 5-year horizon. Writes evpi.csv, evppi.csv, evppi_fits.csv, variance_shares.csv,
ce_plane*.csv, ceac*.csv and figures to results/experiments/voi_national/ (with parameters.csv and
run.json).

    python experiments/voi_national.py [--small] [--draws 1000] [--reps 20] [--bootstrap 200]
                                       [--population 10]
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import common  # noqa: E402


def _options(p) -> None:
    p.add_argument("--population", type=float, default=10.0,
                   help="decisions informed a year (default: %(default)s)")


def run(argv=None) -> None:
    args = common.parse("voi_national", __doc__.splitlines()[0],
                        {"draws": 1000, "reps": 20, "bootstrap": 200},
                        {"draws": 60, "reps": 3, "bootstrap": 10}, extra=_options, argv=argv)
    from simulation.results import study
    from simulation.sensitivity import analyses

    # each parameter alone too at full size; quick checks keep to the groups
    outcome = analyses.analyse("evppi", study.load("national"), args.reps, args.seed, args.engine,
                               args.workers, year=5, draws=args.draws,
                               population=args.population, single=not args.small,
                               bootstrap=args.bootstrap)
    common.write_analysis(args, outcome,
                          population_multiplier=outcome.result.result.population_multiplier,
                          notes=list(outcome.result.result.notes))
    print(outcome.text())

if __name__ == "__main__":
    common.main(run)
