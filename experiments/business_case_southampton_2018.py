"""Business case: Southampton 2018 scoping (seed 000): a full Pause practice at GBP 450k per 18
months, national values otherwise.

Runs the case's scenario and writes its report, with the document's claims against the
simulated range, to
results/experiments/business_case_southampton_2018_scoping/
(claims and their sources: simulation/report/claims.py):

    python experiments/business_case_southampton_2018.py [--reps 1000] [--seed 20240101] [--workers N]
    PAUSESIM_REPS=20 python experiments/business_case_southampton_2018.py   # quick check
"""

from __future__ import annotations

import sys

from simulation.report.business_case import main

if __name__ == "__main__":
    sys.exit(main("southampton-2018-scoping"))
