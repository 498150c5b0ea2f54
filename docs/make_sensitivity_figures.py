"""Regenerate the figures of docs/sensitivity.md (small PNGs in docs/figures/).

    python docs/make_sensitivity_figures.py [--workers 2]

Small runs of the national and dorset-2022 scenarios (fixed seed; a few minutes): a tornado, a PSA,
value of information (CE plane, CEAC by year, EVPPI) and the Dorset comparison. The sizes are for
illustration; the numbers quoted in the text come from the commands shown there.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "docs" / "figures"
DPI = 72  # small files
SEED = 20240101


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from simulation.results import study
    from simulation.sensitivity import (
        analysis_files,
        draws,
        evppi,
        oneway,
        option_comparison,
        psa,
        varied,
    )
    from simulation.sensitivity.simulator import SimulationModel

    FIGURES.mkdir(parents=True, exist_ok=True)

    def save(fig, name):
        analysis_files.save_figure(fig, FIGURES / f"{name}.png", dpi=DPI)
        print(f"wrote docs/figures/{name}.png", file=sys.stderr)

    national = study.load("national")
    selection = varied.select(national, scalar=True)
    tornado = oneway.tornado(SimulationModel(national, 100, SEED, workers=args.workers),
                             selection, year=5)
    save(tornado.figures()["tornado_infants_avoided_cumulative"], "tornado_infants")
    save(tornado.figures()["tornado_net_cost_avoidance_cumulative_discounted"], "tornado_net")

    everything = varied.select(national)
    sets = draws.sample(everything, 1000, SEED)  # value of information needs 1000 or more
    result = psa.psa(SimulationModel(national, 5, SEED, workers=args.workers), sets)
    save(result.figures()["psa"], "psa")
    # λ where the decision is in doubt (the default grid runs to 500k): 0 to 100k in 5k steps
    lambdas = [5_000.0 * k for k in range(21)]
    options = evppi.check(everything, len(sets), lambdas, population=10, bootstrap=20)
    analysis = evppi.analyse(result, options, 5, national, SEED, progress=False)
    figures = analysis.figures()
    for name in ("ce_plane", "ceac_by_year", "evppi"):
        save(figures[name], name)
    tables = analysis.tables()
    print(tables["evpi"][["lambda", "evpi_per_decision", "evpi_source"]].head(3).to_string(),
          file=sys.stderr)
    print(tables["evppi"][["parameter_group", "lambda", "evppi_per_decision", "r_squared",
                           "fit_warnings"]].query("`lambda` == 0").to_string(), file=sys.stderr)

    dorset = study.load("dorset-2022")
    options = [("dorset-2022", dorset),
               ("no action", dorset.with_overrides({"practice.operates": False},
                                                   name="no action")),
               ("caseload 6", dorset.with_overrides({"practice.caseload_per_practitioner": 6})),
               ("4 practitioners", dorset.with_overrides({"practice.practitioners": 4}))]
    comparison = option_comparison.compare(options, 500, SEED, workers=args.workers)
    save(comparison.figures()["comparison"], "compare_dorset")
    save(comparison.figures()["sources"], "compare_dorset_sources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
