"""Business case: Leeds Futures 2018 (seed 003): GBP 300k CCG funding over 3 years plus GBP 200k
DfE Innovations funding.

Runs the case's scenario and writes its report, with the document's claims against the
simulated range, to
results/experiments/business_case_leeds_futures_2018/
(claims and their sources: simulation/report/claims.py):

    python experiments/business_case_leeds_futures_2018.py [--reps 1000] [--seed 20240101] [--workers N]
    PAUSESIM_REPS=20 python experiments/business_case_leeds_futures_2018.py   # quick check
"""

from __future__ import annotations

import sys

from simulation.report.business_case import main

if __name__ == "__main__":
    sys.exit(main("leeds-futures-2018"))
