"""Checkpoints of long Monte Carlo runs: completed chunks of replications kept on disk.

A run with a checkpoint folder saves each chunk's tallies as it completes, in a subfolder named by
a hash of everything that determines the numbers (scenario digests, seed, replication numbers,
engine, pausesim version, time bins, chunking). Run the same command again after an interruption
and the chunks already done are read back instead of simulated; since every replication depends
only on the seed and its number, the result is the one an uninterrupted run gives.

Every chunk read back is checked (readable, float32, the expected shape, finite non-negative
counts); a damaged one is simulated again, with a one-line warning. A folder that holds other
runs' checkpoints is said so in one line (they are not resumed).
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from simulation.core.errors import PausesimError
from simulation.core.output import write_atomic

#: What every chunk holds: tallies as the runner keeps them.
DTYPE = np.dtype(np.float32)
_LABELS = {"scenario_digests": "scenario", "replications": "replications",
           "chunks": "chunking", "edges": "time bins"}


class Checkpoint:
    """The saved chunks of one run in ``folder``."""

    def __init__(self, folder: Path | str, identity: Mapping[str, Any]):
        blob = json.dumps(identity, sort_keys=True, default=str)
        self.root = Path(folder)
        self.failed = False  # saving failed once (a full disk): no more attempts
        self.folder = self.root / hashlib.sha256(blob.encode()).hexdigest()[:16]
        new = not self.folder.exists()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            manifest = self.folder / "run.json"
            if not manifest.exists():
                write_atomic(manifest, json.dumps(identity, indent=2, sort_keys=True,
                                                  default=str) + "\n")
        except OSError as exc:
            raise PausesimError(f"--checkpoint {folder}: cannot write there "
                                f"({exc.strerror})") from None
        if new:
            self._note_other_runs(json.loads(blob))

    def _note_other_runs(self, identity: Mapping[str, Any]) -> None:
        """One line when the folder holds checkpoints of other runs: they are not resumed."""
        others = []
        for manifest in self.root.glob("*/run.json"):
            if manifest.parent == self.folder:
                continue
            try:
                other = json.loads(manifest.read_text())
            except (OSError, ValueError):
                continue
            if isinstance(other, dict):
                others.append(sorted(k for k in set(identity) | set(other)
                                     if identity.get(k) != other.get(k)))
        if not others:
            return
        closest = min(others, key=len)
        what = ", ".join(_LABELS.get(k, k) for k in closest) or "the run"
        print(f"pausesim: note: --checkpoint {self.root} holds checkpoints of {len(others)} other "
              f"run(s) (the nearest differs in {what}); not resuming them: this run starts "
              f"{self.folder.name}/", file=sys.stderr)

    def _path(self, chunk: str) -> Path:
        return self.folder / f"chunk-{chunk}.npz"

    def load_chunk(self, chunk: str, shapes: Sequence[Sequence[int]]
                   ) -> tuple[np.ndarray, ...] | None:
        """The saved arrays of ``chunk`` if complete, float32, of the expected ``shapes`` and
        finite non-negative; None if it was not saved - or is damaged (then it is recomputed,
        with a one-line warning)."""
        path = self._path(chunk)
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as saved:
                arrays = tuple(saved[f"a{i}"] for i in range(len(shapes)))
        except Exception as exc:  # truncated, empty, not an npz, a missing array
            return self._bad(path, f"is unreadable ({_one_line(exc)})")
        for array, shape in zip(arrays, shapes):
            if array.dtype != DTYPE:
                return self._bad(path, f"holds {array.dtype}, not {DTYPE}")
            if array.shape != tuple(shape):
                return self._bad(path, f"has shape {array.shape}, expected {tuple(shape)}")
            if not (np.isfinite(array) & (array >= 0)).all():  # counts and months: >= 0
                return self._bad(path, "holds values that are not finite non-negative counts")
        return arrays

    def _bad(self, path: Path, problem: str) -> None:
        print(f"pausesim: warning: checkpoint {path} {problem}: recomputing it", file=sys.stderr)
        return None

    def save_chunk(self, chunk: str, arrays: Sequence[np.ndarray]) -> None:
        """Save a completed chunk's arrays (atomically: complete or absent). If saving fails (a
        full disk), one warning line, and the run goes on without saving more: its results do
        not depend on the checkpoint."""
        if self.failed:
            return
        buffer = io.BytesIO()
        np.savez(buffer, **{f"a{i}": np.asarray(a, dtype=DTYPE) for i, a in enumerate(arrays)})
        try:
            write_atomic(self._path(chunk), buffer.getvalue())
        except OSError as exc:
            self.failed = True
            print(f"pausesim: warning: --checkpoint {self.root}: cannot save completed "
                  f"replications ({exc.strerror or _one_line(exc)}); the run goes on without "
                  "saving more (a rerun resumes only what was saved)", file=sys.stderr)

    def completed(self) -> int:
        """Number of chunks saved."""
        return len(list(self.folder.glob("chunk-*.npz")))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
