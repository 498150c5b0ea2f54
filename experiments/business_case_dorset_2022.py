"""Business case: Dorset 2022 Pause Practice procurement (seed 004): GBP 331k a year, 5-year
contract.

Runs the case's scenario and writes its report, with the document's claims against the
simulated range, to
results/experiments/business_case_dorset_2022/
(claims and their sources: simulation/report/claims.py):

    python experiments/business_case_dorset_2022.py [--reps 1000] [--seed 20240101] [--workers N]
    PAUSESIM_REPS=20 python experiments/business_case_dorset_2022.py   # quick check
"""

from __future__ import annotations

import sys

from simulation.report.business_case import main

if __name__ == "__main__":
    sys.exit(main("dorset-2022"))
