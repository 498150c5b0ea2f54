"""Frozen numbers: headline figures of every built-in scenario at a fixed seed and size, kept in
``tests/baseline/headline.csv`` so that any change to the model's numbers is a visible, reviewed
diff (``tests/test_baseline.py`` recomputes them and compares them exactly).

    python -m benchmarks.baseline            # compare with the file: what moved, by how much
    python -m benchmarks.baseline --update   # the same, then write the file anew

For each built-in scenario (``simulation/data/scenarios``) and each of its two views (the base
case and the authority-wide scenario, :func:`simulation.results.views.scenarios`), at the views'
point estimates, ``REPS`` paired replications with seed ``SEED`` on the fast engine: the headline
table's means (:func:`simulation.results.views.headline`: infants kept out of care, net present
value, P(net saving)) and, per arm, the mean per replication over the horizon of the model's main
counts (``MODEL_ROWS``). Values are written with 17 significant digits (exact for float64).

Numbers are exact only on the same platform and libraries (libm, NumPy and Numba can change the
last bits, and a changed bit can flip a draw): the file records them (``# environment:``) and the
test skips, saying why, where they differ. Regenerate after any intended change to the model or
its calibrations, and commit the file with the change.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import platform
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PATH = ROOT / "tests" / "baseline" / "headline.csv"
SEED = 20240101
REPS = 400
#: Tallied rows whose mean per replication (to the horizon, each arm) is frozen.
MODEL_ROWS = ("enrolled", "completed", "dropped_out", "larc_started", "pregnancies",
              "live_births", "care_entries", "child_months_in_care", "deaths")
ARMS = ("programme", "no_programme")
FIELDS = ("scenario", "view", "figure", "value")


def environment() -> dict[str, str]:
    """What exact numbers depend on besides the code: platform and numerical libraries."""
    import numba

    return {"machine": platform.machine(), "system": platform.system(),
            "python": platform.python_version(), "numpy": np.__version__,
            "numba": numba.__version__}


def _fmt(x: float) -> str:
    return repr(float(x)) if math.isfinite(x) else str(float(x))


def compute(names: list[str] | None = None) -> list[dict]:
    """The frozen figures, as rows of ``FIELDS`` (values as exact strings)."""
    from simulation.core.scenario import builtin_names, load
    from simulation.model.layout import INDEX, SOURCES
    from simulation.results import views as views_mod

    rows = []
    for name in names or builtin_names():
        views = views_mod.simulate(load(name), REPS, SEED, uncertainty="point")
        table = views_mod.headline(views)
        for rec in table.itertuples():
            rows.append({"scenario": name, "view": rec.view, "figure": rec.figure,
                         "value": _fmt(rec.mean)})
        for view, res in views.items():
            tally = res.simulated.tally.astype(float)  # (reps, arm, row, bins)
            for arm_index, arm in enumerate(ARMS):
                for row in MODEL_ROWS:
                    rows_of = [INDEX[f"{row}_{s}"] for s in SOURCES] if f"{row}_{SOURCES[0]}" \
                        in INDEX else [INDEX[row]]
                    total = tally[:, arm_index, rows_of, :].sum(axis=(1, 2))
                    rows.append({"scenario": name, "view": view, "figure": f"{arm}:{row}",
                                 "value": _fmt(total.mean())})
    return rows


def render(rows: list[dict]) -> str:
    from simulation import __version__

    env = environment()
    out = io.StringIO()
    out.write("# Frozen headline figures: regenerate with `python -m benchmarks.baseline --update`"
              " (see benchmarks/baseline.py)\n")
    out.write(f"# pausesim {__version__}; seed {SEED}; {REPS} paired replications per view; "
              "fast engine; point estimates\n")
    out.write("# environment: " + "; ".join(f"{k}={v}" for k, v in env.items()) + "\n")
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read(path: Path = PATH) -> tuple[dict[str, str], list[dict]]:
    """The file's recorded environment and rows."""
    lines = path.read_text().splitlines()
    env = {}
    for line in lines:
        if line.startswith("# environment: "):
            env = dict(item.split("=", 1) for item in line[len("# environment: "):].split("; "))
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    return env, rows


def differences(old: list[dict], new: list[dict]) -> list[str]:
    """One line per figure that moved, appeared or disappeared (empty: identical)."""
    key = lambda r: (r["scenario"], r["view"], r["figure"])  # noqa: E731
    before, after = {key(r): r["value"] for r in old}, {key(r): r["value"] for r in new}
    lines = []
    for k in list(before) + [k for k in after if k not in before]:
        a, b = before.get(k), after.get(k)
        if a == b:
            continue
        where = " / ".join(k)
        if a is None or b is None:
            lines.append(f"{where}: {'new' if a is None else 'gone'} ({b if a is None else a})")
            continue
        x, y = float(a), float(b)
        rel = (y - x) / abs(x) if x != 0 else math.inf
        lines.append(f"{where}: {a} -> {b} ({y - x:+.6g}, {100 * rel:+.4g}%)")
    return lines


def environment_mismatch(recorded: dict[str, str]) -> str | None:
    """Why exact comparison is not possible here (None: same platform and libraries)."""
    now = environment()
    diff = [f"{k} {recorded.get(k)} here {v}" for k, v in now.items() if recorded.get(k) != v]
    return None if not diff else "frozen on another platform or libraries (" + \
        ", ".join(diff) + "): regenerate with `python -m benchmarks.baseline --update`"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.baseline",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="write the file anew")
    args = parser.parse_args(argv)
    new = compute()
    if PATH.exists():
        env, old = read()
        why = environment_mismatch(env)
        if why:
            print(f"note: {why}")
        moved = differences(old, new)
        print("\n".join(moved) if moved else "no figure moved")
        print(f"{len(moved)} of {len(new)} figures differ from {PATH.relative_to(ROOT)}")
    else:
        moved = [f"{PATH} did not exist"]
    if args.update:
        PATH.parent.mkdir(parents=True, exist_ok=True)
        PATH.write_text(render(new))
        print(f"wrote {PATH.relative_to(ROOT)}")
        return 0
    return 1 if moved else 0


if __name__ == "__main__":
    sys.exit(main())
