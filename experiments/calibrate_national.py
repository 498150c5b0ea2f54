"""Reproduce the shipped calibrations and their fit report.

    python experiments/calibrate_national.py [--workers 2] [--out results/calibration]
                                             [--only NAME] [--small] [--install]
                                             [--install-only]

Three calibrations of the national scenario with the shipped settings (seeded: the same numbers
whatever --workers), each written to OUT/NAME/ exactly as ``pausesim calibrate`` writes it:

- ``national-micro``: the micro-evidence targets only - what the evidence alone supports
  (``pausesim calibrate --targets micro``);
- ``national-no-T1``: T2 and the micro targets; T1 is unverified (evidence.md s2)
  (``pausesim calibrate --without T1``);
- ``national``: every target, the default posterior (``pausesim calibrate``), whose report compares
  all three and measures the pull of the macro targets against ``national-micro``.

``--install`` copies the posteriors into calibration/posteriors/ and the report of ``national``
(with its figures) into docs/calibration/. ``--small`` runs tiny designs (a smoke test; never
install those).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from calibration import targets as targets_mod
from calibration import workflow
from calibration.emulate import Settings
from simulation.cli.calibrate import reproduce_line

ROOT = Path(__file__).resolve().parents[1]
MICRO = tuple(targets_mod.MICRO)
EVERY = tuple(t.name for t in targets_mod.TARGETS)
RUNS = (("national-micro", MICRO),
        ("national-no-T1", tuple(n for n in EVERY if n != "T1")),
        ("national", EVERY))
SMALL = {"initial_points": 40, "points_per_wave": 20, "waves": 2, "reps_per_point": 3,
         "walkers": 32, "steps": 200, "posterior_size": 100}
SMALL_CHECKS = workflow.CheckSettings(draws=8, reps=3, point_reps=10)
REPORT_FILES = ("report.md", "targets.png", "parameters.png", "targets.csv", "parameters.csv")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("results/calibration"))
    parser.add_argument("--only", choices=[name for name, _ in RUNS], default=None)
    parser.add_argument("--small", action="store_true", help="tiny designs (smoke test)")
    parser.add_argument("--install", action="store_true",
                        help="copy posteriors to calibration/posteriors/, report to docs/")
    parser.add_argument("--install-only", action="store_true",
                        help="install the outputs already in --out, without calibrating")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the reports of the outputs already in --out (no "
                             "simulation), e.g. after a change to calibration/report.py")
    args = parser.parse_args(argv)
    if args.small and (args.install or args.install_only):
        parser.error("--small results are not to be installed")
    if args.report_only:
        rewrite_reports(args.out, args.workers)
    if args.install_only or args.report_only:
        if args.install or args.install_only:
            install(args.out)
        return 0
    done: dict[str, workflow.report_mod.Outcome] = {}
    timings = {}
    for name, targets in RUNS:
        out = args.out / name
        if args.only and name != args.only:
            if out.exists():
                done[name] = workflow.load_outcome(out)
            continue
        settings = Settings(name=name, targets=targets, **(SMALL if args.small else {}))
        compare = [done[n] for n in ("national-no-T1", "national-micro") if n in done] \
            if name == "national" else []
        reference = done.get("national-micro") if name != "national-micro" else None
        compare_dirs = [args.out / n for n in ("national-no-T1", "national-micro")
                        if n in done] if name == "national" else []
        start = time.perf_counter()
        done[name] = workflow.run(
            settings, out, workers=args.workers, force=True, compare=compare,
            checks=SMALL_CHECKS if args.small else workflow.CheckSettings(),
            reference=reference, reproduce=[
                reproduce_line(settings, out, compare_dirs,
                               args.out / "national-micro" if reference else None),
                f"python experiments/calibrate_national.py --workers {args.workers}"])
        timings[name] = time.perf_counter() - start
        meta = done[name].posterior.meta
        print(f"{name}: calibration {meta['wall_seconds'] / 60:.1f} min "
              f"({meta['parameter_sets_simulated']} parameter sets, "
              f"{meta['replications_simulated']} replications), with the predictive check "
              f"{timings[name] / 60:.1f} min, {args.workers} workers", file=sys.stderr)
    if args.install:
        install(args.out)
    return 0


def rewrite_reports(out: Path, workers: int) -> None:
    """The reports of existing outputs, from their saved predictive simulations."""
    done = {name: workflow.load_outcome(out / name) for name, _ in RUNS}
    for name, _ in RUNS:
        compare = [done[n] for n in ("national-no-T1", "national-micro")] \
            if name == "national" else []
        reference = done["national-micro"] if name != "national-micro" else None
        settings = workflow.settings_of(done[name].posterior)
        compare_dirs = [out / n for n in ("national-no-T1", "national-micro")] \
            if name == "national" else []
        workflow.report_mod.write(
            [done[name], *compare], out / name, reference=reference, reproduce=[
                reproduce_line(settings, out / name, compare_dirs,
                               out / "national-micro" if reference else None),
                f"python experiments/calibrate_national.py --workers {workers}"])


def install(out: Path) -> None:
    """Ship the posteriors and the national report."""
    shipped = ROOT / "simulation" / "data" / "posteriors"
    docs = ROOT / "docs" / "calibration"
    shipped.mkdir(parents=True, exist_ok=True)
    docs.mkdir(parents=True, exist_ok=True)
    for name, _ in RUNS:
        for suffix in (".csv", ".json"):
            shutil.copyfile(out / name / f"{name}{suffix}", shipped / f"{name}{suffix}")
    for f in REPORT_FILES:
        shutil.copyfile(out / "national" / f, docs / f)
    print(f"installed posteriors into {shipped} and the report into {docs}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
