"""Shared by the sensitivity and comparison experiment scripts: sizes, options, saving.

Every script has full-size defaults (the deliverable) and small ones for a quick check, chosen
with ``--small`` or the environment variable ``PAUSESIM_EXPERIMENT_SMALL=1``. Outputs go to
``results/<script name>/`` (git-ignored) unless ``--out`` says otherwise, replacing what is there.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Callable

from simulation.core.errors import PausesimError
from simulation.runner import default_workers
from simulation.sensitivity import report

SEED = 20240101


def parse(name: str, description: str, full: dict, small: dict,
          extra: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """Command-line options: ``--small``, ``--seed``, ``--workers``, ``--out``, one option per
    size (``full`` defaults, or ``small`` ones with --small / PAUSESIM_EXPERIMENT_SMALL=1) and
    whatever ``extra`` adds."""
    p = argparse.ArgumentParser(prog=f"experiments/{name}.py", description=description)
    if extra:
        extra(p)
    p.add_argument("--small", action="store_true",
                   default=os.environ.get("PAUSESIM_EXPERIMENT_SMALL", "") not in ("", "0"),
                   help="quick check with small sizes (also PAUSESIM_EXPERIMENT_SMALL=1)")
    for size, value in full.items():
        p.add_argument(f"--{size.replace('_', '-')}", dest=size, type=type(value), default=None,
                       help=f"default {value} ({small[size]} with --small)")
    p.add_argument("--seed", type=int, default=SEED, help="random seed (default: %(default)s)")
    p.add_argument("--workers", type=int, default=default_workers(),
                   help="worker processes; results do not depend on it (default: %(default)s)")
    p.add_argument("--out", type=Path, default=Path("results") / name,
                   help="output folder, replaced if it exists (default: %(default)s)")
    args = p.parse_args()
    for size in full:
        if getattr(args, size) is None:
            setattr(args, size, (small if args.small else full)[size])
    return args


def save(result, out: Path, record: dict) -> None:
    """Write an analysis atomically and say where."""
    names = report.save(result, out, record, force=True)
    print(f"wrote {out}/: {', '.join(names)}", file=sys.stderr)


def main(run: Callable[[], None]) -> None:
    """Run an experiment: user errors as one line (exit 2), the wall time at the end."""
    start = time.perf_counter()
    try:
        run()
    except PausesimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(f"done in {time.perf_counter() - start:.1f} s", file=sys.stderr)
