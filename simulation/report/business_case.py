"""Running a seed business case from an experiment script: its scenario, its report, its claims.

    python experiments/business_case_southampton_2021.py [--reps N] [--seed S] [--workers W]
                                                          [--out DIR] [--band B]

``--reps`` defaults to ``$PAUSESIM_REPS`` if set (e.g. ``PAUSESIM_REPS=20`` for a quick check),
else 1000. Output: ``results/experiments/business_case_<id>/`` unless ``--out`` is given
(replaced if it exists: experiment outputs are regenerated, not edited).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from simulation.core.errors import PausesimError
from simulation.report.build import make
from simulation.report.claims import BY_ID

DEFAULT_REPS = 1000


def default_reps() -> int:
    """``$PAUSESIM_REPS`` if set, else :data:`DEFAULT_REPS`."""
    raw = os.environ.get("PAUSESIM_REPS", "")
    if not raw:
        return DEFAULT_REPS
    if not raw.isdigit() or int(raw) < 1:
        raise PausesimError(f"PAUSESIM_REPS = {raw!r} is invalid: must be an integer >= 1")
    return int(raw)


def parser(description: str) -> argparse.ArgumentParser:
    """Options of the experiment scripts (a subset of ``pausesim report``'s)."""
    from simulation.cli.common import add_run_options

    p = argparse.ArgumentParser(description=description)
    add_run_options(p, DEFAULT_REPS)
    return p


def main(case_id: str, argv: list[str] | None = None) -> int:
    """Run one business case's scenario and write its report with the claims section."""
    from simulation.cli.common import check_run_options, runner_options

    case = BY_ID[case_id]
    try:
        args = parser(f"Business-case report for {case.title}.").parse_args(argv)
        if "--reps" not in (argv if argv is not None else sys.argv[1:]):
            args.reps = default_reps()
        check_run_options(args)
        out = args.out or Path("results") / "experiments" / f"business_case_{case.id.replace('-', '_')}"
        with runner_options(args) as options:
            report = make(case.scenario(), out, args.reps, args.seed, args.band, force=True,
                          case=case, progress=args.progress, **options)
    except PausesimError as exc:
        print(f"{case.id}: error: {exc}", file=sys.stderr)
        return 2
    for text in report.tables["claims"].sentence:
        print(f"- {text}")
    print(f"wrote {out}/report.html ({report.result.reps} replications)", file=sys.stderr)
    return 0
