"""Options and helpers shared by several sub-commands."""

from __future__ import annotations

import argparse
import contextlib
import tomllib
from datetime import datetime
from pathlib import Path

from simulation import runner
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError
from simulation.runner import default_workers
from simulation.core.scenario import Scenario


def add_scenario_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", nargs="?", default=scenario_mod.DEFAULT_SCENARIO,
                        metavar="SCENARIO|FILE",
                        help="built-in scenario name (see 'pausesim scenarios') or a .toml file "
                             "(default: %(default)s)")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="SECTION.NAME=VALUE",
                        help="override one parameter, e.g. --set practice.practitioners=4 "
                             "(repeatable)")


def add_run_options(parser: argparse.ArgumentParser, reps: int) -> None:
    parser.add_argument("--reps", type=int, default=reps,
                        help="paired Monte Carlo replications (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=20240101,
                        help="random seed; same seed + scenario + version = same numbers "
                             "(default: %(default)s)")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="local worker processes; results do not depend on it "
                             "(default: %(default)s)")
    parser.add_argument("--band", type=float, default=0.9,
                        help="central share of simulated futures reported as lo-hi "
                             "(default: %(default)s)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: results/<scenario>-<date-time>)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    parser.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                        help="no progress bar")
    parser.add_argument("--engine", choices=runner.ENGINES, default="simpy",
                        help="simpy: the reference model; fast: the same model compiled with "
                             "Numba, tens of times faster, no --events (default: %(default)s)")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="run on the dask.distributed cluster at ADDRESS (tcp://host:port) "
                             "instead of local workers; same numbers")
    parser.add_argument("--dask-local", type=int, metavar="N", default=None,
                        help="run on a local dask.distributed cluster of N worker processes")
    parser.add_argument("--checkpoint", type=Path, metavar="DIR", default=None,
                        help="save completed replications in DIR; rerun the same command to "
                             "resume an interrupted run (same numbers)")


def parse_override(text: str) -> tuple[str, object]:
    """``section.name=value`` with a TOML value (numbers, true/false, [lists]; else a string)."""
    if "=" not in text:
        raise PausesimError(f"--set {text!r} is invalid: must be SECTION.NAME=VALUE")
    key, raw = (part.strip() for part in text.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def load_scenario(args: argparse.Namespace) -> Scenario:
    scenario = scenario_mod.load(args.scenario)
    if args.overrides:
        overrides = dict(parse_override(text) for text in args.overrides)
        scenario = scenario.with_overrides(overrides, source="--set on the command line")
    return scenario


def check_run_options(args: argparse.Namespace) -> None:
    if not 0 < args.band < 1:
        raise PausesimError(f"--band = {args.band} is invalid: must be a number in (0, 1)")
    if args.reps < 1:
        raise PausesimError(f"--reps = {args.reps} is invalid: must be an integer >= 1")
    if args.workers < 1:
        raise PausesimError(f"--workers = {args.workers} is invalid: must be an integer >= 1")
    if args.seed < 0:
        raise PausesimError(f"--seed = {args.seed} is invalid: must be an integer >= 0")
    if getattr(args, "dask_local", None) is not None and args.dask_local < 1:
        raise PausesimError(f"--dask-local = {args.dask_local} is invalid: must be an integer >= 1")
    if getattr(args, "scheduler", None) is not None and getattr(args, "dask_local", None):
        raise PausesimError("--scheduler and --dask-local cannot be combined: give one")
    if getattr(args, "events", False) and getattr(args, "engine", "simpy") != "simpy":
        raise PausesimError("--events needs --engine simpy: the fast engine keeps no event log")


@contextlib.contextmanager
def runner_options(args: argparse.Namespace):
    """Keyword arguments of :func:`simulation.runner.run` from the engine and scale-out options
    (``--engine``, ``--checkpoint``, ``--scheduler``/``--dask-local``); a dask client opened for
    them is closed on leaving."""
    with runner.dask_executor(args.scheduler, args.dask_local) as executor:
        yield {"engine": args.engine, "checkpoint": args.checkpoint, "executor": executor,
               "workers": args.workers if executor is None else executor.workers}


def default_out(name: str) -> Path:
    return Path("results") / f"{name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
