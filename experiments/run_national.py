"""Run the national scenario and write its results (the CLI's default job, as a script).

    python experiments/run_national.py [--reps 1000] [--seed 20240101] [--out results/national]
"""

from __future__ import annotations

import sys

from simulation.cli import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--out" not in args:
        args += ["--out", "results/experiments/national", "--force"]
    sys.exit(main(["run", "national", *args]))
