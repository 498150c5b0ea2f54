"""Checkpoints of long Monte Carlo runs: completed chunks of replications kept on disk.

A run with a checkpoint folder saves each chunk's monthly metrics as it completes, in a subfolder
named by a hash of everything that determines the numbers (scenario digests, seed, replications,
engine, pausesim version) and of how replications are split into chunks. Run the same command
again after an interruption and the chunks already done are read back instead of simulated; since
every replication depends only on the seed and its number, the result is the one an uninterrupted
run gives.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any, Mapping

import sys

import numpy as np

from simulation.core.errors import PausesimError
from simulation.core.output import write_atomic




class Checkpoint:
    """The saved chunks of one run in ``folder``."""

    def __init__(self, folder: Path | str, identity: Mapping[str, Any]):
        blob = json.dumps(identity, sort_keys=True, default=str)
        self.folder = Path(folder) / hashlib.sha256(blob.encode()).hexdigest()[:16]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            manifest = self.folder / "run.json"
            if not manifest.exists():
                write_atomic(manifest, json.dumps(identity, indent=2, sort_keys=True,
                                                  default=str) + "\n")
        except OSError as exc:
            raise PausesimError(f"--checkpoint {folder}: cannot write there "
                                f"({exc.strerror})") from None

    def _path(self, chunk: str) -> Path:
        return self.folder / f"chunk-{chunk}.npy"

    def load(self, chunk: str) -> np.ndarray | None:
        """The saved metrics of ``chunk``, or None if it was not completed."""
        path = self._path(chunk)
        if not path.exists():
            return None
        return np.load(path, allow_pickle=False)

    def save(self, chunk: str, values: np.ndarray) -> None:
        """Save a completed chunk (atomically: a chunk file is complete or absent)."""
        buffer = io.BytesIO()
        np.save(buffer, values, allow_pickle=False)
        write_atomic(self._path(chunk), buffer.getvalue())

    def completed(self) -> int:
        """Number of chunks saved."""
        return len(list(self.folder.glob("chunk-*.npy")))

    def load_chunk(self, chunk: str, shapes) -> tuple[np.ndarray, ...] | None:
        """The saved arrays of ``chunk`` if they are complete and have the expected ``shapes``
        (float32); None if the chunk was not saved or is damaged (then it is simulated again)."""
        path = self.folder / f"chunk-{chunk}.npz"
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as saved:
                arrays = tuple(saved[f"a{i}"] for i in range(len(shapes)))
        except Exception as exc:  # truncated, empty or not an npz: recompute
            print(f"pausesim: checkpoint chunk {path.name} cannot be read ({type(exc).__name__});"
                  " simulating it again", file=sys.stderr)
            return None
        for array, shape in zip(arrays, shapes):
            if array.shape != tuple(shape) or array.dtype != np.float32 or \
                    not np.isfinite(array).all():
                print(f"pausesim: checkpoint chunk {path.name} has the wrong shape or values; "
                      "simulating it again", file=sys.stderr)
                return None
        return arrays

    def save_chunk(self, chunk: str, arrays) -> None:
        """Save a completed chunk's arrays (atomically: complete or absent)."""
        buffer = io.BytesIO()
        np.savez(buffer, **{f"a{i}": a for i, a in enumerate(arrays)})
        write_atomic(self.folder / f"chunk-{chunk}.npz", buffer.getvalue())
