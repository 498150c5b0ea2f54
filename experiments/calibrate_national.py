"""Reproduce the shipped calibrations and their fit report.

    python experiments/calibrate_national.py [--workers 2] [--out DIR] [--only NAME] [--small]
                                             [--install] [--install-only] [--report-only]

Four calibrations of the national scenario with the shipped settings (seeded: the same numbers
whatever --workers), each written to OUT/NAME/ exactly as ``pausesim calibrate`` writes it
(default OUT: results/experiments/calibrate_national/, with parameters.csv and run.json):

- ``national-micro``: the micro-evidence targets only - what the evidence alone supports
  (``pausesim calibrate --targets micro``: without the macro targets the system effect is fixed
  at 0, a direct-effects-only calibration);
- ``national-no-T1``: T2 and the micro targets; T1 is unverified (evidence.md s2)
  (``pausesim calibrate --without T1``);
- ``national-T2-year5``: T2 read as the council documents read it ("year 5 of one practice",
  months 48-60) instead of years 3-5: a structural sensitivity (``pausesim calibrate --targets
  T1,T2-year5,micro``);
- ``national``: every target, the authority-wide scenario's posterior (``pausesim calibrate``),
  whose report compares all four and measures the pull of the macro targets against
  ``national-micro`` (the base case's posterior).

Nothing is installed unless asked: ``--install`` copies the posteriors into
simulation/data/posteriors/ and the report of ``national`` (with its figures) into
docs/calibration/. ``--small`` (or ``PAUSESIM_REPS=N``: N replications per parameter set) runs one
tiny calibration of ``national`` (60 parameter sets, 50 MCMC steps): a smoke test, never installed.
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from experiments import common  # noqa: E402

ROOT = common.ROOT
NAMES = ("national-micro", "national-no-T1", "national-T2-year5", "national")
#: The calibrations the national report compares with (the default one first in the report).
COMPARED = ("national-no-T1", "national-T2-year5", "national-micro")
REPORT_FILES = ("report.md", "targets.png", "parameters.png", "targets.csv", "parameters.csv")
#: Sizes of a smoke test (full sizes: :func:`full_sizes`).
SMALL = {"budget": 60, "reps": 10, "steps": 50, "posterior_size": 50,
         "check_draws": 5, "check_reps": 4}


def full_sizes() -> dict[str, int]:
    """The shipped settings (calibration.emulate.Settings, the fit report's checks)."""
    from calibration import workflow
    from calibration.emulate import Settings

    checks = workflow.CheckSettings()
    return {"budget": Settings.initial_points + (Settings.waves - 1) * Settings.points_per_wave,
            "reps": Settings.reps_per_point, "steps": Settings.steps,
            "posterior_size": Settings.posterior_size, "check_draws": checks.draws,
            "check_reps": checks.reps}


def _options(p) -> None:
    p.add_argument("--only", choices=NAMES, default=None,
                   help="run one calibration (default: all four; with --small: national)")
    p.add_argument("--install", action="store_true",
                   help="copy the posteriors to simulation/data/posteriors/ and the national "
                        "report to docs/calibration/")
    p.add_argument("--install-only", action="store_true",
                   help="install the outputs already in --out, without calibrating")
    p.add_argument("--report-only", action="store_true",
                   help="rewrite the reports of the outputs already in --out (no simulation)")


def targets_of(name: str) -> tuple[str, ...]:
    from calibration import targets as targets_mod

    every = tuple(t.name for t in targets_mod.TARGETS)
    return {"national-micro": tuple(targets_mod.MICRO),
            "national-no-T1": tuple(n for n in every if n != "T1"),
            "national-T2-year5": tuple("T2-year5" if n == "T2" else n for n in every),
            "national": every}[name]


def settings_for(name: str, args):
    """The shipped settings of one calibration, at the sizes asked for (as ``pausesim
    calibrate`` builds them, :meth:`Settings.for_targets`)."""
    from calibration.emulate import Settings

    targets = targets_of(name)
    full = full_sizes()
    given = {}
    if args.budget != full["budget"]:
        waves = Settings.waves
        first = round(0.4 * args.budget)
        given.update(initial_points=first, points_per_wave=(args.budget - first) // (waves - 1))
    for size, field in (("reps", "reps_per_point"), ("steps", "steps"),
                        ("posterior_size", "posterior_size")):
        if getattr(args, size) != full[size]:
            given[field] = getattr(args, size)
    settings = Settings.for_targets(targets, name=name, seed=args.seed, **given)
    settings.check()
    return settings


def run(argv=None) -> None:
    args = common.parse("calibrate_national", __doc__.splitlines()[0], full_sizes(), SMALL,
                        extra=_options, argv=argv)
    from simulation.core.errors import PausesimError
    from simulation.results import study

    if args.small and (args.install or args.install_only):
        raise PausesimError("--install is invalid with --small (or PAUSESIM_REPS): quick "
                            "calibrations are smoke tests, never shipped")
    only = args.only or ("national" if args.small else None)
    out = Path(args.out)
    if args.report_only:
        rewrite_reports(out, args.workers)
    if not (args.install_only or args.report_only):
        calibrate(args, out, only)
    out.mkdir(parents=True, exist_ok=True)
    common.write_record(out, study.load("national"), args, analysis="calibration",
                        calibrations=[n for n in NAMES if only in (None, n)],
                        installed=bool(args.install or args.install_only))
    if args.install or args.install_only:
        install(out)


def calibrate(args, out: Path, only: str | None) -> None:
    from calibration import workflow
    from calibration.emulate import reproduce_line

    done = {}
    checks = workflow.CheckSettings(args.check_draws, args.check_reps,
                                    min(2000, args.check_draws * args.check_reps))
    for name in NAMES:
        folder = out / name
        if only and name != only:
            if (folder / f"{name}.json").exists():
                done[name] = workflow.load_outcome(folder)
            continue
        settings = settings_for(name, args)
        compare = [done[n] for n in COMPARED if n in done] if name == "national" else []
        compare_dirs = [out / n for n in COMPARED if n in done] if name == "national" else []
        reference = done.get("national-micro") if name != "national-micro" else None
        start = time.perf_counter()
        done[name] = workflow.run(
            settings, folder, workers=args.workers, force=True, progress=False,
            compare=compare, checks=checks, reference=reference, reproduce=[
                reproduce_line(settings, folder, compare_dirs,
                               out / "national-micro" if reference else None),
                f"python experiments/calibrate_national.py --workers {args.workers}"])
        meta = done[name].posterior.meta
        print(f"{name}: calibration {meta['wall_seconds'] / 60:.1f} min "
              f"({meta['parameter_sets_simulated']} parameter sets, "
              f"{meta['replications_simulated']} replications), with the predictive check "
              f"{(time.perf_counter() - start) / 60:.1f} min, {args.workers} workers",
              file=sys.stderr)
        print(done[name].posterior.summary().round(4).to_string())


def rewrite_reports(out: Path, workers: int) -> None:
    """The reports of existing outputs, from their saved predictive simulations."""
    from calibration import workflow
    from calibration.emulate import reproduce_line

    done = {name: workflow.load_outcome(out / name) for name in NAMES}
    for name in NAMES:
        compare = [done[n] for n in COMPARED] if name == "national" else []
        reference = done["national-micro"] if name != "national-micro" else None
        settings = workflow.settings_of(done[name].posterior)
        compare_dirs = [out / n for n in COMPARED] if name == "national" else []
        workflow.fit_report.write(
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
    for name in NAMES:
        for suffix in (".csv", ".json"):
            shutil.copyfile(out / name / f"{name}{suffix}", shipped / f"{name}{suffix}")
    for f in REPORT_FILES:
        shutil.copyfile(out / "national" / f, docs / f)
    print(f"installed posteriors into {shipped} and the report into {docs}", file=sys.stderr)


if __name__ == "__main__":
    common.main(run)
