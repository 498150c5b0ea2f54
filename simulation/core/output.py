"""Writing results: into a fresh temporary folder, then renamed into place in one step.

A run therefore leaves either a complete output folder or none: a failure half-way (bad input, a
crash, Ctrl-C) leaves no half-written files where the user looks for results.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from simulation import __version__
from simulation.core.errors import PausesimError


def check_writable(out: Path, force: bool) -> None:
    """Fail early (before simulating) if ``out`` exists and may not be overwritten."""
    if out.exists() and not force:
        raise PausesimError(f"--out {out}: folder already exists (use --force to replace it)")
    if out.exists() and not out.is_dir():
        raise PausesimError(f"--out {out}: exists and is not a folder")


@contextlib.contextmanager
def atomic_folder(out: Path, force: bool) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``out``, on failure it is removed."""
    out = Path(out)
    check_writable(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; results are for sharing
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write one file atomically (temporary file + rename)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_table(frame, folder: Path, stem: str, csv: bool = True, parquet: bool = True) -> None:
    """Write a DataFrame as ``stem.csv`` and/or ``stem.parquet``."""
    if csv:
        frame.to_csv(folder / f"{stem}.csv", index=False)
    if parquet:
        frame.to_parquet(folder / f"{stem}.parquet", index=False)


def provenance(**fields) -> dict:
    """The record that makes a run reproducible: version, environment, time, plus ``fields``."""
    import numpy
    import simpy

    return {
        "pausesim_version": __version__,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "simpy": simpy.__version__,
        **fields,
    }


def write_json(path: Path, record: dict) -> None:
    write_atomic(path, json.dumps(record, indent=2, default=_json_default) + "\n")


def _json_default(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
