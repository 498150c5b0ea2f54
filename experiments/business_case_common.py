"""What the business-case scripts share: run one seed business case's scenario and write its
report with the document's claims against the simulated range.

    python experiments/business_case_<id>.py [--small] [--reps N] [--seed S] [--workers W]
                                             [--engine fast|simpy] [--out DIR]

Output: ``results/experiments/<script name>/`` (report.html, .docx, .xlsx, claims.csv,
every table and figure, parameters.csv, run.json); replaced if it exists.
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import common  # noqa: E402

FULL, SMALL = {"reps": 1000, "draws": 100}, {"reps": 20, "draws": 10}


def run(case_id: str, script: str, argv=None) -> None:
    """The business case ``case_id`` (simulation.report.claims), run by the script named
    ``script`` (its output folder is named after it)."""
    from simulation.core import output
    from simulation.report import build
    from simulation.report.claims import BY_ID

    case = BY_ID[case_id]
    from pathlib import Path

    name = Path(script).stem
    args = common.parse(name, f"Business-case report for {case.title}.", FULL, SMALL, argv=argv)
    scenario = case.scenario()
    main, other = build.simulate(scenario, args.reps, args.seed, draws=args.draws,
                                 engine=args.engine, workers=args.workers, progress=False)
    report = build.build(main, other, case=case)
    with output.atomic_folder(args.out, force=True) as folder:
        build.write(report, folder)
        common.write_record(folder, scenario, args, reps=main.reps, business_case=case.id)
    for text in report.tables["claims"].sentence:
        print(f"- {text}")
