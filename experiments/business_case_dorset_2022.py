"""Business case: Dorset 2022 Pause Practice procurement (seed 004): GBP 331k a year, 5-year
contract.

Runs the case's scenario (and its direct-effects-only view) and writes its report, with the
document's claims against the simulated range, to
results/experiments/business_case_dorset_2022/ (claims and their
sources: simulation/report/claims.py):

    python experiments/business_case_dorset_2022.py [--reps 1000] [--seed 20240101]
    python -m experiments.business_case_dorset_2022 --small  # quick check
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import business_case_common, common  # noqa: E402


def run(argv=None) -> None:
    business_case_common.run("dorset-2022", __file__, argv)


if __name__ == "__main__":
    common.main(run)
