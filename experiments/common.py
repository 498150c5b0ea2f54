"""What every experiment script shares: one quick option, one output place, one record.

- **Sizes.** Every script has full-size defaults (the deliverable). ``--small`` runs a quick check
  at small sizes; ``PAUSESIM_REPS=N`` sets the replications (and implies small sizes for every
  other size), so CI and a curious user can run any script in seconds.
- **Outputs** go to ``results/experiments/<name>/`` (git-ignored) unless ``--out`` says
  otherwise; each output folder holds ``parameters.csv`` (every parameter of the scenario with
  its value, unit and source) and ``run.json`` (seed, sizes, version, engine), written
  atomically; an earlier output of the same script is replaced.
- **Running**: ``python experiments/NAME.py`` and ``python -m experiments.NAME`` both work
  (:func:`bootstrap` puts the repository on the import path for the first form).
- **Errors** a user can cause are one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Callable, Mapping

ROOT = Path(__file__).resolve().parents[1]


def bootstrap() -> None:
    """Make ``import experiments...`` work when a script is run as ``python experiments/x.py``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def small_requested() -> bool:
    return bool(os.environ.get("PAUSESIM_REPS")) or \
        os.environ.get("PAUSESIM_EXPERIMENT_SMALL", "") not in ("", "0")


def env_reps() -> int | None:
    """``$PAUSESIM_REPS`` as an integer, or None; a bad value is a one-line error."""
    from simulation.core.errors import PausesimError

    raw = os.environ.get("PAUSESIM_REPS", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise PausesimError(f"PAUSESIM_REPS = {raw!r} is invalid: must be an integer >= 1")
    return int(raw)


def parse(name: str, description: str, full: Mapping[str, int], small: Mapping[str, int],
          extra: Callable[[argparse.ArgumentParser], None] | None = None,
          argv: list[str] | None = None) -> argparse.Namespace:
    """Options: ``--small``, ``--seed``, ``--workers``, ``--engine``, ``--out``, one option per
    size (``full`` defaults; ``small`` ones with --small or PAUSESIM_REPS; a size called ``reps``
    takes PAUSESIM_REPS itself) and whatever ``extra`` adds."""
    from simulation.core.defaults import ENGINES, default_workers

    p = argparse.ArgumentParser(prog=f"experiments/{name}.py", description=description)
    if extra:
        extra(p)
    p.add_argument("--small", action="store_true", default=small_requested(),
                   help="quick check with small sizes (also PAUSESIM_REPS=N or "
                        "PAUSESIM_EXPERIMENT_SMALL=1)")
    for size, value in full.items():
        p.add_argument(f"--{size.replace('_', '-')}", dest=size, type=int, default=None,
                       help=f"default {value} ({small[size]} with --small)")
    p.add_argument("--seed", type=int, default=20240101, help="random seed (default: %(default)s)")
    p.add_argument("--workers", type=int, default=min(2, default_workers()),
                   help="worker processes; results do not depend on it (default: %(default)s)")
    p.add_argument("--engine", choices=ENGINES, default="fast",
                   help="simulation engine (same numbers; default: %(default)s)")
    p.add_argument("--out", type=Path, default=ROOT / "results" / "experiments" / name,
                   help="output folder, replaced if it exists (default: "
                        "results/experiments/%(prog)s)")
    args = p.parse_args(argv)
    reps = env_reps()
    for size in full:
        if getattr(args, size) is None:
            value = (small if args.small else full)[size]
            if size == "reps" and reps is not None:
                value = reps
            setattr(args, size, value)
    args.name = name
    return args


def write_record(folder: Path, scenario, args: argparse.Namespace, parameters=None,
                 **fields) -> None:
    """``parameters.csv`` (the scenario's every value with unit and source) and ``run.json``.

    ``parameters``: a table to write instead, with those columns first (e.g. a sensitivity
    analysis's, which adds how each varied parameter was varied)."""
    from simulation.core import output
    from simulation.sensitivity.analyses import parameters_table

    if parameters is None:
        parameters = parameters_table(scenario)
    first = ["parameter", "label", "value", "unit", "source"]
    if list(parameters.columns[:5]) != first:
        raise ValueError(f"parameters table must start with the columns {first}")
    output.write_table(parameters, Path(folder), "parameters", parquet=False)  # formulas guarded
    sizes = {k: v for k, v in vars(args).items() if isinstance(v, (int, float, str, bool))}
    output.write_json(Path(folder) / "run.json", output.provenance(
        experiment=args.name, scenario=scenario.name, scenario_digest=scenario.digest(),
        options=sizes, **fields))


def write_analysis(args: argparse.Namespace, *outcomes, **fields) -> None:
    """Write sensitivity analyses (:mod:`simulation.sensitivity.analyses` outcomes of one
    scenario) to ``args.out``, replacing it: their tables and figures, ``parameters.csv`` (what
    was varied, how) and ``run.json`` (each analysis's sizes, and ``fields``)."""
    from simulation.core import output
    from simulation.sensitivity import analysis_files

    first = outcomes[0]
    record = {}
    for outcome in outcomes:
        own = outcome.fields()
        record.update({f"{own['analysis']}_{k}" if len(outcomes) > 1 else k: v
                       for k, v in own.items()})
    if len(outcomes) > 1:
        record["analysis"] = " and ".join(o.plan.analysis.name for o in outcomes)
    with output.atomic_folder(args.out, force=True) as folder:
        for outcome in outcomes:
            analysis_files.write(outcome.result, folder, {})
        write_record(folder, first.scenario, args, parameters=first.selection.table(),
                     **record, **fields, **first.selection.record())


def main(run: Callable[[], None]) -> None:
    """Run an experiment: user errors as one line (exit 2), the wall time at the end."""
    from simulation.core.errors import PausesimError

    start = time.perf_counter()
    try:
        run()
    except PausesimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(f"done in {time.perf_counter() - start:.1f} s", file=sys.stderr)
