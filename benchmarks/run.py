"""Run the benchmark workloads and print wall time, replications/s, woman-months/s, peak memory and
the speed ratio between the engines measured in the same run.

    python -m benchmarks.run W1                      # both engines, full size
    python -m benchmarks.run W1 W2 W3 W4 W5 --workers 2 --repeat 2
    python -m benchmarks.run W1 W2 --scale 0.05      # a quick check
    python -m benchmarks.run W2 --engine fast --json benchmarks/results/w2.json
    python -m benchmarks.run W6 --workers 2          # the whole `pausesim portfolio` command
    python -m benchmarks.run startup compile W1 W5 --workers 2 --baseline d1a3049
                                                     # before/after side by side (before_after.py)

The SimPy engine runs a subset of each workload (``--simpy-fraction`` of the replications of every
parameter set) and its full wall time is projected from its replications/s; the output says so.
Both engines use the same runner, workers and seed; each measurement runs in a fresh process (so
that its peak memory and CPU time are its own), timing ``runner.run`` from the start of its
process pool and the loading of the compiled kernel (start-up included) to its result (and, for a
report workload, the results' tables and figures).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from simulation import runner

from .before_after import ROOT, SPECIAL, first_compile, side_by_side, startup
from .workloads import WORKLOADS, Workload

#: Default share of the replications the SimPy engine runs, for every parameter set.
SIMPY_FRACTION = {"W1": 0.02, "W2": 0.01, "W3": 0.02, "W4": 0.01}
#: Targets (issue 14; W3 from issue 12): W1 under 1 s on 2 workers with the fast engine; the fast
#: engine at least 100x the SimPy engine's CPU time per replication on W1; W2 within 1 GiB; the
#: calibration design (W4) under 2 min; a report with parameter uncertainty (W5) under 30 s; a
#: 25-area portfolio (W3) under a minute, and the whole `pausesim portfolio` command on it (W6)
#: too (issue 12: "A 25-area portfolio runs in under a minute on 2 cores").
TARGETS = {"W1_s": 1.0, "W1_cpu_ratio": 100.0, "W2_bytes": 2 ** 30, "W4_s": 120.0,
           "W5_s": 30.0, "W3_s": 60.0, "W6_s": 60.0}


def peak_memory(workers: int) -> int:
    """Peak memory of a measurement, in bytes: this process's peak resident size plus ``workers``
    times the largest worker's (an upper bound: forked workers share pages with this process)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return own + (workers * worker if workers > 1 else 0)


def measure(workload: Workload, engine: str, workers: int, seed: int) -> dict:
    """Run one workload on one engine in a fresh process."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_measure, workload, engine, workers, seed).result()


def _measure(workload: Workload, engine: str, workers: int, seed: int) -> dict:
    if workload.kind == "command":
        return _measure_command(workload, engine, workers, seed)
    # the runner's workers are forked in ordinary use (pausesim run): fork them here too
    multiprocessing.set_start_method("fork", force=True)
    import matplotlib

    matplotlib.use("Agg")
    cpu = _cpu_seconds()
    start = time.perf_counter()
    sim = runner.run(list(workload.scenarios), workload.numbers(), seed, workers=workers,
                     progress=False, engine=engine, edges=workload.edges)
    wall = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    peak = peak_memory(workers)
    from simulation.model.layout import INDEX

    months = float(sim.tally[:, :, INDEX["woman_months"]].sum())
    return {"engine": engine, "reps": sim.reps, "wall_s": wall, "reps_per_s": sim.reps / wall,
            "woman_months_per_s": months / wall, "peak_bytes": peak,
            "cpu_s": cpu, "cpu_ms_per_rep": 1000 * cpu / sim.reps}


def _measure_command(workload: Workload, engine: str, workers: int, seed: int) -> dict:
    """A ``pausesim`` command as a user runs it: a process of its own (Python start-up and
    imports included), from reading its inputs to the last output file."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix=f"pausesim-{workload.name.lower()}-") as tmp:
        for name, text in workload.extra.get("files", {}).items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "simulation", *workload.extra["command"], "--workers",
                   str(workers), "--engine", engine, "--seed", str(seed), "--no-progress",
                   "--out", "out"]
        cpu = _cpu_seconds()
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp)
        wall = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu
        if done.returncode != 0:
            raise RuntimeError(f"pausesim {workload.extra['command'][0]} failed: "
                               f"{done.stderr.strip()[-2000:]}")
    reps = workload.total_reps * workload.extra.get("simulated", 1)
    return {"engine": engine, "reps": reps, "wall_s": wall, "reps_per_s": reps / wall,
            "woman_months_per_s": float("nan"), "peak_bytes": peak_memory(workers),
            "cpu_s": cpu, "cpu_ms_per_rep": 1000 * cpu / reps}


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished workers (user + system)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def run_workload(name: str, engines: list[str], scale: float, workers: int, seed: int,
                 simpy_fraction: float | None, repeat: int = 1) -> dict:
    """Measure each engine ``repeat`` times, alternating engines (so that both see the same
    machine); report each run and the best (the run least disturbed by other load)."""
    workload = WORKLOADS[name](scale)
    print(f"\n{name}: {workload.description}; {workload.total_reps} replications "
          f"(scale {scale:g}, workers {workers}, seed {seed})", flush=True)
    print(f"  {'engine':<7}{'reps':>9}{'wall s':>9}{'reps/s':>10}{'woman-months/s':>16}"
          f"{'peak MiB':>10}{'CPU ms/rep':>12}", flush=True)
    fraction = simpy_fraction if simpy_fraction is not None else SIMPY_FRACTION.get(name, 1.0)
    if workload.kind == "command" and "simpy" in engines:
        engines = [e for e in engines if e != "simpy"]
        print("  (a whole command: fast engine only; W1-W3 compare the engines)", flush=True)
    runs: dict[str, list[dict]] = {engine: [] for engine in engines}
    for _ in range(repeat):
        for engine in engines:
            part = workload
            if engine == "simpy" and fraction < 1:
                part = workload.subset(fraction)
            row = measure(part, engine, workers, seed)
            row["projected_wall_s"] = workload.total_reps / row["reps_per_s"]
            runs[engine].append(row)
            note = "" if part is workload else \
                f"  subset; full workload projected {row['projected_wall_s']:.0f} s"
            print(f"  {engine:<7}{row['reps']:>9}{row['wall_s']:>9.2f}{row['reps_per_s']:>10.0f}"
                  f"{row['woman_months_per_s']:>16.3g}{row['peak_bytes'] / 2**20:>10.0f}"
                  f"{row['cpu_ms_per_rep']:>12.3f}{note}", flush=True)
    rows = {engine: min(rs, key=lambda r: r["wall_s"]) for engine, rs in runs.items()}
    out = {"workload": name, "description": workload.description, "scale": scale,
           "workers": workers, "total_reps": workload.total_reps, "best": rows, "runs": runs}
    if "fast" in rows and "simpy" in rows:
        cpu = {e: min(r["cpu_ms_per_rep"] for r in runs[e]) for e in ("fast", "simpy")}
        out["cpu_ratio"] = cpu["simpy"] / cpu["fast"]
        out["ratio"] = rows["fast"]["reps_per_s"] / rows["simpy"]["reps_per_s"]
        print(f"  fast/SimPy: CPU time per replication {out['cpu_ratio']:.0f}x; replications/s "
              f"{out['ratio']:.0f}x (SimPy's pool start-up weighs on its short subset)",
              flush=True)
    _check_targets(name, scale, workers, rows, out.get("cpu_ratio"))
    return out


def _check_targets(name, scale, workers, rows, cpu_ratio) -> None:
    fast = rows.get("fast")
    checks = []
    if fast is not None and scale == 1 and workers == 2:
        for workload, key, label in (("W1", "W1_s", "wall < 1 s"), ("W4", "W4_s", "< 2 min"),
                                     ("W5", "W5_s", "< 30 s"), ("W3", "W3_s", "< 1 min"),
                                     ("W6", "W6_s", "< 1 min, the whole command")):
            if name == workload:
                checks.append((f"fast {name} {label} on 2 workers",
                               fast["wall_s"] < TARGETS[key]))
    if name == "W2" and fast is not None and scale == 1:
        checks.append(("fast W2 peak memory < 1 GiB", fast["peak_bytes"] < TARGETS["W2_bytes"]))
    if name == "W1" and cpu_ratio is not None:
        checks.append((f"fast >= {TARGETS['W1_cpu_ratio']:g}x SimPy CPU per replication",
                       cpu_ratio >= TARGETS["W1_cpu_ratio"]))
    for label, ok in checks:
        print(f"  target: {label}: {'met' if ok else 'NOT MET'}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workloads", nargs="*", default=["W1"],
                        choices=sorted(WORKLOADS) + list(SPECIAL), metavar="W",
                        help="workloads: W1 W2 W3 W4 W5 W6, and 'startup' (pausesim --version "
                             "and --help) and 'compile' (the first run's compilation) "
                             "(default: W1)")
    parser.add_argument("--engine", choices=("both", "simpy", "fast"), default="both")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of each workload to run, e.g. 0.05 for a quick check")
    parser.add_argument("--workers", type=int, default=runner.default_workers())
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--simpy-fraction", type=float, default=None,
                        help="share of the (scaled) workload the SimPy engine runs (default: "
                             f"{SIMPY_FRACTION})")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure each engine this many times, alternating, and report the "
                             "best (for a shared machine)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--baseline", metavar="COMMIT", default=None,
                        help="also measure a baseline commit, side by side (fast engine; see "
                             "benchmarks/before_after.py)")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1:
        parser.error(f"--scale = {args.scale} is invalid: must be in (0, 1]")
    if args.baseline is not None:
        print(f"pausesim benchmarks: {os.cpu_count()} CPUs visible, load average "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; this tree against "
              f"{args.baseline}")
        rows = side_by_side(args.workloads, args.baseline,
                            ["--workers", str(args.workers), "--seed", str(args.seed), "--scale",
                             str(args.scale)], args.repeat)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(rows, indent=2) + "\n")
        return 0
    specials = [w for w in args.workloads if w in SPECIAL]
    if specials:
        print(f"{'measurement':<44}{'wall s':>8}")
        for name in specials:
            got = startup(ROOT) if name == "startup" else \
                {"first run: compile into an empty cache": first_compile(ROOT)}
            for key, seconds in got.items():
                print(f"{key:<44}{seconds:>8.2f}", flush=True)
        args.workloads = [w for w in args.workloads if w not in SPECIAL]
        if not args.workloads:
            return 0
    engines = ["fast", "simpy"] if args.engine == "both" else [args.engine]
    print(f"pausesim benchmarks: {os.cpu_count()} CPUs visible, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; python {sys.version.split()[0]}")
    results = [run_workload(w, engines if w in ("W1",) or args.engine != "both" else ["fast"],
                            args.scale, args.workers, args.seed, args.simpy_fraction, args.repeat)
               for w in args.workloads]
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
