"""Options and helpers shared by several sub-commands.

Building the parser imports nothing heavy (``pausesim --help`` starts at once): the runner and
the results, which import NumPy, are imported inside the functions that run a command."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from simulation.core import defaults, inputs, output
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError
from simulation.core.parameters import BY_KEY

if TYPE_CHECKING:
    from simulation.core.scenario import Scenario

DEFAULT_SEED = defaults.DEFAULT_SEED


def add_scenario_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", nargs="?", default=scenario_mod.DEFAULT_SCENARIO,
                        metavar="SCENARIO|FILE",
                        help="built-in scenario name (see 'pausesim scenarios'), or a .toml or "
                             ".xlsx scenario file (default: %(default)s)")
    add_set_option(parser)


def add_set_option(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="SECTION.NAME=VALUE",
                        help=help_text or "override one parameter, e.g. --set "
                        "practice.practitioners=4 (repeatable; a value set here is never replaced "
                        "by calibration draws)")


def add_calibration_options(parser: argparse.ArgumentParser, draws: bool = True) -> None:
    parser.add_argument("--calibration", default=None, metavar="NAME|FILE|none",
                        help="calibration posterior for the calibrated parameters: a shipped name "
                             "(national, national-micro, national-no-T1), a NAME.csv posterior "
                             "file, or none (default: the scenario's own, 'national' unless it "
                             "says otherwise)")
    parser.add_argument("--point", action="store_true",
                        help="run the calibration's point estimate instead of drawing parameter "
                             "sets from its posterior (the ranges are then chance alone)")
    if draws:
        parser.add_argument("--draws", type=int, default=defaults.DEFAULT_DRAWS,
                            help="parameter sets drawn from the posterior, each run for an "
                                 "equal share of --reps (so at most --reps of them) "
                                 "(default: %(default)s)")


def add_run_options(parser: argparse.ArgumentParser, reps: int, calibration: bool = True,
                    reps_help: str = "paired Monte Carlo replications in all, rounded up to a "
                                     "whole number per parameter draw (default: %(default)s)"
                    ) -> None:
    parser.add_argument("--reps", type=int, default=reps, help=reps_help)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="random seed; same seed + scenario + version = same numbers "
                             "(default: %(default)s)")
    parser.add_argument("--workers", type=int, default=defaults.default_workers(),
                        help="local worker processes; results do not depend on it "
                             "(default: %(default)s)")
    parser.add_argument("--band", type=float, default=0.9,
                        help="central share of simulated futures reported as lo-hi "
                             "(default: %(default)s)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: results/<scenario>-<date-time>)")
    parser.add_argument("--force", action="store_true",
                        help="replace --out if it holds an earlier pausesim output")
    parser.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                        help="no progress bar")
    parser.add_argument("--engine", choices=defaults.ENGINES, default="fast",
                        help="fast: the model compiled with Numba (its first use compiles it, "
                             "about a minute, once); simpy: the readable reference engine, same "
                             "numbers, keeps an event log (default: %(default)s)")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="run on the dask.distributed cluster at ADDRESS (tcp://host:port) "
                             "instead of local workers; same numbers")
    parser.add_argument("--dask-local", type=int, metavar="N", default=None,
                        help="run on a local dask.distributed cluster of N worker processes")
    parser.add_argument("--horizon-months", default=None, metavar="MONTHS",
                        help="months simulated, a whole number from 12 to 240 (default: the "
                             "scenario's practice.horizon_months; a part-year at the end is "
                             "reported as its own period, e.g. months 13-18)")
    parser.add_argument("--checkpoint", type=folder_name, metavar="DIR", default=None,
                        help="save completed replications in DIR; rerun the same command to "
                             "resume an interrupted run (same numbers)")
    if calibration:
        add_calibration_options(parser)


def folder_name(text: str) -> Path:
    """An option's folder, refused if empty (``Path('')`` would be the working folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is invalid: give a folder name")
    return Path(text)


def parse_override(text: str) -> tuple[str, object]:
    """``section.name=value`` with a TOML value (numbers, true/false, [lists]; else a string)."""
    if "=" not in text:
        raise PausesimError(f"--set {text!r} is invalid: must be SECTION.NAME=VALUE")
    key, raw = (part.strip() for part in text.split("=", 1))
    return key, inputs.parse_value(raw, origin=f"--set {key}")


def parse_overrides(texts, option: str = "--set") -> dict[str, object]:
    """Several ``section.name=value`` overrides: each parameter known and given once."""
    out: dict[str, object] = {}
    for text in texts:
        key, value = parse_override(text)
        if key not in BY_KEY:
            scenario_mod.lookup(key, f"{option} {text!r}")  # one line, with "did you mean"
        if key in out:
            raise PausesimError(f"{option} {key} is given twice ({out[key]!r} and {value!r}): "
                                "give each parameter once")
        out[key] = value
    return out


def load_scenario(args: argparse.Namespace, reference: str | None = None) -> Scenario:
    """The scenario the options name: file or built-in, ``--calibration``, ``--set``; a warning
    line for each money amount given without its price year, and for an authority size that is
    not the area's own."""
    from simulation.results import study

    overrides = parse_overrides(getattr(args, "overrides", []))
    horizon = horizon_months(args)
    if horizon is not None:
        if HORIZON in overrides:
            raise PausesimError(f"--horizon-months and --set {HORIZON} are both given: give one")
        overrides[HORIZON] = horizon
    scenario = study.load(args.scenario if reference is None else reference,
                          getattr(args, "calibration", None), overrides or None)
    warn_about(scenario)
    return scenario


HORIZON = "practice.horizon_months"


def horizon_months(args: argparse.Namespace) -> float | None:
    """``--horizon-months`` checked as the parameter is (a whole number of months, 12-240), or
    None when not given."""
    text = getattr(args, "horizon_months", None)
    if text is None:
        return None
    if isinstance(text, str):
        try:
            value = float(text.strip())
        except ValueError:
            raise PausesimError(f"--horizon-months = {text!r} is invalid: must be a whole number "
                                "of months in [12, 240]") from None
    else:
        value = float(text)
    return float(scenario_mod.validate_value(BY_KEY[HORIZON], value, "--horizon-months"))


def warn_about(scenario: Scenario) -> None:
    """One stderr line for each money amount given without its price year, and for an authority
    size that is not the area's own (each line once per process)."""
    for warning in scenario_mod.unpriced_money(scenario) + \
            scenario_mod.placeholder_authority(scenario) + \
            scenario_mod.cost_schedule_mismatch(scenario) + \
            scenario_mod.inherited_inflow(scenario):
        if warning not in _WARNED:
            _WARNED.add(warning)
            print(f"pausesim: warning: {warning}", file=sys.stderr)


_WARNED: set[str] = set()


def uncertainty(args: argparse.Namespace) -> str:
    return "point" if getattr(args, "point", False) else "posterior"


def check_run_options(args: argparse.Namespace) -> None:
    """Option values that can be judged before anything is loaded or simulated."""
    if not 0 < args.band < 1:
        raise PausesimError(f"--band = {args.band} is invalid: must be a number in (0, 1)")
    if args.reps < 1:
        raise PausesimError(f"--reps = {args.reps} is invalid: must be an integer >= 1")
    if args.workers < 1:
        raise PausesimError(f"--workers = {args.workers} is invalid: must be an integer >= 1")
    if args.seed < 0 or args.seed >= 2 ** 63:
        raise PausesimError(f"--seed = {args.seed} is invalid: must be an integer in [0, 2^63)")
    if getattr(args, "draws", 1) < 1:
        raise PausesimError(f"--draws = {args.draws} is invalid: must be an integer >= 1")
    if getattr(args, "dask_local", None) is not None and args.dask_local < 1:
        raise PausesimError(f"--dask-local = {args.dask_local} is invalid: must be an integer >= 1")
    if getattr(args, "scheduler", None) is not None and getattr(args, "dask_local", None):
        raise PausesimError("--scheduler and --dask-local cannot be combined: give one")
    if getattr(args, "events", False) and getattr(args, "engine", "fast") != "simpy":
        raise PausesimError("--events needs --engine simpy: the fast engine keeps no event log")
    if getattr(args, "scheduler", None) is not None:
        from simulation import runner

        runner.executors.check_scheduler_address(args.scheduler)
    if getattr(args, "checkpoint", None) is not None:
        output.check_folder("--checkpoint", args.checkpoint)


#: Simulation cost of one woman in one paired replication, seconds of one CPU (benchmarks W1:
#: 10,000 replications of ~173 women in 3.4 s on 2 workers, pool start included), and the
#: estimate above which a command says how long it will take before starting.
SECONDS_PER_WOMAN_REPLICATION = 7e-6
ANNOUNCE_SECONDS = 20.0


def estimate_seconds(reps: int, scenario: Scenario, workers: int = 1) -> float:
    """A rough wall time of ``reps`` paired replications of ``scenario`` on ``workers``."""
    horizon_years = scenario["practice.horizon_months"] / 12.0
    women = scenario["population.eligible_women_at_start"] + \
        scenario["population.new_eligible_women_per_year"] * horizon_years
    return reps * max(women, 1.0) * SECONDS_PER_WOMAN_REPLICATION / max(1, min(workers,
                                                                           cpu_count()))


def check_memory(reps: int, scenario: Scenario, workers: int = 1) -> None:
    """Refuse ``--reps`` whose tallies (float32, kept by period when large) would not fit in this
    machine's memory: one line before simulating, not a MemoryError later. A job estimated to
    take more than :data:`ANNOUNCE_SECONDS` says so first, with its size (a progress bar
    follows while it simulates, and a line when it starts writing)."""
    from simulation.results.study import period_bytes_per_replication

    per_rep = period_bytes_per_replication(scenario["practice.horizon_months"])
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not on this system: nothing to compare with
        memory = None
    if memory is not None and reps * per_rep > memory:
        raise PausesimError(f"--reps = {reps} is invalid here: {reps:,} replications need "
                            f"{reps * per_rep / 2**30:,.0f} GiB for their results, more than this "
                            f"machine's {memory / 2**30:,.0f} GiB (allowed: at most "
                            f"{memory // per_rep:,})")
    seconds = estimate_seconds(reps, scenario, workers)  # (only a job that can run is announced)
    if seconds > ANNOUNCE_SECONDS:
        print(f"pausesim: {reps:,} paired replications: roughly {_duration(seconds)} of "
              f"simulation on {max(1, min(workers, cpu_count()))} worker(s) (estimate), then "
              "the output files", file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def writing(out, reps: int) -> None:
    """One line before a large output is written (writing can take as long as simulating)."""
    if reps >= 20_000:
        print(f"pausesim: writing {out}/ ({reps:,} replications' tables and files)",
              file=sys.stderr, flush=True)


def cpu_count() -> int:
    """CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)


def capped_workers(option: str, workers: int) -> int:
    """``workers`` local processes, at most one per CPU, with one warning line when capped
    (more only cost memory; the results do not depend on the number)."""
    cpus = cpu_count()
    if workers <= cpus:
        return workers
    print(f"pausesim: warning: {option} {workers} is more than the {cpus} CPUs available: using "
          f"{cpus} (results do not depend on it)", file=sys.stderr)
    return cpus


def input_paths(args: argparse.Namespace) -> list[Path]:
    """The files and folders a command reads (scenario files, posteriors, checkpoints, earlier
    calibrations): ``--out --force`` never replaces a folder holding one of them."""
    refs = [getattr(args, "scenario", None), *(getattr(args, "scenarios", None) or []),
            getattr(args, "calibration", None), getattr(args, "from_posterior", None),
            getattr(args, "checkpoint", None), *(getattr(args, "compare", None) or []),
            getattr(args, "reference", None), getattr(args, "areas", None),
            getattr(args, "template", None)]
    return [Path(ref) for ref in refs if ref and os.path.exists(ref)]  # False for bad names


@contextlib.contextmanager
def run_options(args: argparse.Namespace):
    """Keyword arguments for :func:`simulation.results.study.simulate` from the engine and
    scale-out options; a dask client opened for them is closed on leaving."""
    from simulation import runner

    local = args.scheduler is None and args.dask_local is None
    workers = capped_workers("--workers", args.workers) if local else args.workers
    dask_local = args.dask_local and capped_workers("--dask-local", args.dask_local)
    with runner.dask_executor(args.scheduler, dask_local) as executor:
        workers = workers if executor is None else executor.workers
        yield {"engine": args.engine, "checkpoint": args.checkpoint, "executor": executor,
               "workers": workers, "progress": args.progress}


def safe_folder_name(name: str, limit: int = 80) -> str:
    """Free text (a scenario name) as one folder name: letters, digits, ``.``, ``_`` and ``-``
    kept, every other run of characters (path separators, spaces, control characters) one
    ``-``; no leading dots, so never ``..`` or hidden; ``scenario`` if nothing is left."""
    text = re.sub(r"[^\w.-]+", "-", unicodedata.normalize("NFC", str(name)), flags=re.UNICODE)
    text = text.strip("-._")[:limit].rstrip("-._")
    return text or "scenario"


def default_out(name: str) -> Path:
    """``results/<name>-<date-time>``, with ``name`` made one safe folder name."""
    return Path("results") / f"{safe_folder_name(name)}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def add_template_option(p) -> None:
    """``--template COUNCIL.docx`` for a command that writes a Word document."""
    p.add_argument("--template", type=Path, default=None, metavar="COUNCIL.docx",
                   help="write the Word document in this council document's styles, page "
                        "set-up, headers and footers (its body text is not copied; a .dotx "
                        "template: save it as .docx first)")


def add_plan_option(p, what: str) -> None:
    """``--plan-sims N``: simulated authorities per figure of the monitoring Plan (``what``
    it is used for, in the help)."""
    p.add_argument("--plan-sims", type=int, default=100, metavar="N",
                   help=f"{what} (power and expected value of sample information; 0: no Plan) "
                        "(default: %(default)s)")


def add_p_no_effect_option(p) -> None:
    """``--p-no-effect P``: the local prior probability that the system effect does not happen
    in this authority (monitoring's update, Plan and EVSI)."""
    p.add_argument("--p-no-effect", type=float, default=None, metavar="P",
                   help="prior probability that the system effect does not happen in this "
                        "authority, for the update (default: the calibration's own, or 0.5 - "
                        "the calibration prior's - when its posterior has none)")


def check_p_no_effect(p: float | None) -> None:
    if p is not None and not (math.isfinite(p) and 0.0 <= p < 1.0):
        raise PausesimError(f"--p-no-effect = {p} is invalid: must be a number in [0, 1)")


def check_plan_sims(n: int) -> None:
    if n < 0:
        raise PausesimError(f"--plan-sims = {n} is invalid: must be an integer >= 0")
