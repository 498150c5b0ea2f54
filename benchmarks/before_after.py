"""Before and after in one run: the workloads on this tree and on a baseline commit, side by
side, on the same machine at the same time (alternating), so that other load disturbs both.

    python -m benchmarks.run W1 W5 --workers 2 --baseline d1a3049
    python -m benchmarks.run startup compile --baseline d1a3049

The baseline is a plain export of the commit (``git archive``: no worktree is registered) under
``benchmarks/results/baseline-<commit>/``, its Numba kernels compiled once before anything is
timed. Each side runs this tree's benchmark code (``benchmarks/``) against its own ``simulation``
package, in processes of its own. Besides W1-W6 there are two measurements of a user's first
minute:

- ``startup``: ``pausesim --version``, ``pausesim --help`` and ``pausesim run --help``, each the
  median wall time of 5 fresh processes;
- ``compile``: the first run after installing: compiling the fast engine into an empty Numba
  cache (``NUMBA_CACHE_DIR`` a new folder), in a fresh process.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
#: Measurements of a user's first minute, besides the workloads.
SPECIAL = ("startup", "compile")
STARTUP = (("--version",), ("--help",), ("run", "--help"))


def export(ref: str) -> Path:
    """The tree of commit ``ref`` under benchmarks/results/ (exported once per commit)."""
    sha = subprocess.run(["git", "rev-parse", "--short", f"{ref}^{{commit}}"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.strip()
    tree = RESULTS / f"baseline-{sha}"
    if not (tree / "simulation").is_dir():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", "--format=tar", sha], cwd=ROOT,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def bench_code() -> Path:
    """A copy of this tree's ``benchmarks/`` alone, so that either side's ``simulation`` is
    imported from its own tree while both run the same benchmark code."""
    where = RESULTS / "bench-code"
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(ROOT / "benchmarks", where / "benchmarks",
                    ignore=shutil.ignore_patterns("results", "__pycache__"))
    return where


def _env(tree: Path, **extra) -> dict:
    return {**os.environ, "PYTHONPATH": str(tree), "MPLBACKEND": "Agg", **extra}


def compile_kernels(tree: Path) -> None:
    """Compile (or load) ``tree``'s fast engine once, untimed."""
    subprocess.run([sys.executable, "-c", "from simulation.fast import compile_kernel; "
                    "compile_kernel()"], cwd=tree, env=_env(tree), check=True)


def startup(tree: Path, runs: int = 5) -> dict[str, float]:
    """Median wall seconds of each start-up command, fresh processes, run in ``tree``."""
    out = {}
    for argv in STARTUP:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "simulation", *argv], cwd=tree, env=_env(tree),
                           capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        out["pausesim " + " ".join(argv)] = statistics.median(times)
    return out


def first_compile(tree: Path) -> float:
    """Wall seconds to compile ``tree``'s fast engine into an empty Numba cache."""
    with tempfile.TemporaryDirectory(prefix="pausesim-numba-") as cache:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "from simulation.fast import compile_kernel; "
                        "compile_kernel()"], cwd=tree, env=_env(tree, NUMBA_CACHE_DIR=cache),
                       capture_output=True, check=True)
        return time.perf_counter() - start


def workload(code: Path, tree: Path, name: str, options: list[str]) -> float:
    """Best fast-engine wall seconds of workload ``name`` on ``tree`` (this tree's benchmark
    code in ``code``)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run([sys.executable, "-m", "benchmarks.run", name, "--engine", "fast",
                        *options, "--json", f.name], cwd=code, env=_env(tree),
                       stdout=subprocess.DEVNULL, check=True)
        return json.loads(Path(f.name).read_text())[0]["best"]["fast"]["wall_s"]


def side_by_side(names: list[str], ref: str, options: list[str], repeat: int = 1) -> list[dict]:
    """Measure ``names`` on the baseline ``ref`` and on this tree, alternating; print a table
    of wall seconds (best of ``repeat``) and their ratio."""
    base = export(ref)
    code = bench_code()
    trees = {f"baseline {ref}": base, "this tree": ROOT}
    if any(name not in SPECIAL for name in names):
        print("compiling (or loading) the fast engine of each tree, untimed ...", flush=True)
        for tree in trees.values():
            compile_kernels(tree)
    print(f"\nwall seconds (best of {repeat}); baseline {ref} = {base.name}\n"
          f"  {'measurement':<44}{'baseline':>10}{'this tree':>11}{'speed-up':>9}", flush=True)
    rows = []
    for name in names:
        best: dict[str, dict[str, float]] = {label: {} for label in trees}
        for _ in range(repeat):
            for label, tree in trees.items():
                if name == "startup":
                    got = startup(tree)
                elif name == "compile":
                    got = {"first run: compile into an empty cache": first_compile(tree)}
                else:
                    got = {name: workload(code, tree, name, options)}
                for key, seconds in got.items():
                    best[label][key] = min(seconds, best[label].get(key, float("inf")))
        for key in best[f"baseline {ref}"]:
            before, after = best[f"baseline {ref}"][key], best["this tree"][key]
            rows.append({"measurement": key, "baseline_s": before, "this_tree_s": after,
                         "ratio": before / after})
            print(f"  {key:<44}{before:>10.2f}{after:>11.2f}{before / after:>8.1f}x",
                  flush=True)
    return rows

