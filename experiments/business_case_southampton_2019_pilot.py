"""Business case: Southampton 2019 pilot (seed 001): one cohort of about 16 women, 2 practitioners,
GBP 206,799.

Runs the case's scenario and writes its report, with the document's claims against the
simulated range, to
results/experiments/business_case_southampton_2019_pilot/
(claims and their sources: simulation/report/claims.py):

    python experiments/business_case_southampton_2019_pilot.py [--reps 1000] [--seed 20240101] [--workers N]
    PAUSESIM_REPS=20 python experiments/business_case_southampton_2019_pilot.py   # quick check
"""

from __future__ import annotations

import sys

from simulation.report.business_case import main

if __name__ == "__main__":
    sys.exit(main("southampton-2019-pilot"))
