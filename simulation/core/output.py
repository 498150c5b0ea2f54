"""Writing results: into a fresh temporary folder, then renamed into place in one step.

A run therefore leaves either a complete output folder or none: a failure half-way (bad input, a
crash, Ctrl-C, SIGTERM, a full disk) leaves no half-written files where the user looks for
results. The rename never replaces a folder without ``--force`` (two runs racing for one
``--out``: the first to finish wins, the other fails), and ``--force`` only ever replaces an
earlier pausesim output - never the working folder, a folder holding this run's inputs or one
that pausesim did not write. Temporary folders left by a killed run are removed by the next run
on the same target.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from simulation import __version__
from simulation.core.errors import PausesimError
from simulation.core.inputs import check_path, clip

#: errno values that mean "this location cannot take the results" (a user's problem, one line).
_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO,
                 errno.EFBIG, errno.ENAMETOOLONG}


def check_writable(out: Path, force: bool, inputs: Iterable[Path | str] = ()) -> Path:
    """Fail early (before simulating) if the results could not be written to ``out``; return
    the folder that will be written (``out`` as an absolute path, or the folder it links to).

    ``inputs`` are the files and folders this run reads (scenario file, posterior, checkpoint):
    ``--force`` never replaces a folder that holds one of them."""
    target = _target(out)
    if target.exists() and not target.is_dir():
        raise PausesimError(f"--out {out}: is an existing file, not a folder (allowed: a new "
                            "folder, or an earlier pausesim output with --force)")
    if target.is_dir():
        _check_replaceable(out, target, force, inputs)
    _check_writable_in(f"--out {out}", target.parent)
    return target


def check_folder(option: str, folder: Path | str) -> None:
    """Fail early if ``folder`` (e.g. ``--checkpoint DIR``) is a file, or could not be created or
    written."""
    check_name(option, folder)
    folder = Path(os.path.abspath(os.fspath(folder)))
    if folder.exists() and not folder.is_dir():
        raise PausesimError(f"{option} {folder}: is an existing file, not a folder")
    _check_writable_in(f"{option} {folder}", folder)


def check_name(option: str, path: Path | str) -> None:
    """One line if ``path``, given as ``option`` (``--out``, ``--checkpoint``), is empty, holds
    control characters or is too long for the file system."""
    text = os.fspath(path)
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text):
        raise PausesimError(f"{option} {clip(text)!r} is invalid: a file or folder name cannot "
                            "hold control characters")
    if text.strip() == "":
        raise PausesimError(f"{option} '' is invalid: give a name (the working folder is never "
                            "used for want of one)")
    check_path(option, text)


def _target(out: Path | str) -> Path:
    """``out`` as an absolute path; a symbolic link is followed to the folder it points to."""
    text = os.fspath(out)
    check_name("--out", text)
    path = Path(os.path.abspath(text))
    if path.is_symlink():
        real = path.resolve()
        if not real.exists():
            raise PausesimError(f"--out {out}: is a symbolic link to {real}, which does not exist "
                                "(allowed: a folder, or a link to an existing one)")
        path = real
    return path


def _check_replaceable(out, target: Path, force: bool, inputs: Iterable[Path | str]) -> None:
    cwd = Path.cwd().resolve()
    real = target.resolve()
    if real == cwd or real in cwd.parents:
        where = "" if real == cwd else " or holds it"
        raise PausesimError(f"--out {out}: is the working folder{where}"
                            "; pausesim never replaces it (allowed: a new folder such as "
                            "results/NAME)")
    if not force:
        raise PausesimError(f"--out {out}: folder already exists (use --force to replace an "
                            "earlier pausesim output)")
    for item in inputs:
        path = Path(item).resolve()
        if path == real or real in path.parents:
            raise PausesimError(f"--out {out}: --force refused: the folder holds {item}, an input "
                                "of this run (allowed: a folder without this run's inputs)")
    foreign = not_written_by_pausesim(real)
    if foreign is not None:
        raise PausesimError(f"--out {out}: --force refused: {foreign}, so replacing it could "
                            "delete your own files (allowed: a new folder, or an earlier "
                            "pausesim output as pausesim wrote it)")


#: In every folder pausesim publishes: what it wrote there (``--force`` deletes nothing else).
MANIFEST = ".pausesim-output.json"


def not_written_by_pausesim(folder: Path) -> str | None:
    """None if ``folder`` is empty or holds only what pausesim wrote there (its
    :data:`MANIFEST` lists every file and folder); else why not, for an error line."""
    folder = Path(folder)
    if not any(folder.iterdir()):
        return None
    try:
        record = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        written = set(record["entries"])
    except (OSError, ValueError, TypeError, KeyError):  # checked before walking a big folder
        return f"the folder is not a pausesim output (no readable {MANIFEST})"
    others = sorted(_entries(folder) - written - {MANIFEST})
    if others:
        more = f" and {len(others) - 1} more" if len(others) > 1 else ""
        return f"the folder holds {others[0]!r}{more}, which pausesim did not write"
    return None


def _entries(folder: Path) -> set[str]:
    """Every file and folder under ``folder`` (links not followed), as relative POSIX paths;
    folders end in ``/``."""
    out = set()
    for root, dirs, files in os.walk(folder):
        rel = Path(root).relative_to(folder)
        out.update((rel / d).as_posix() + "/" for d in dirs)
        out.update((rel / f).as_posix() for f in files)
    return out


def _write_manifest(folder: Path) -> None:
    entries = sorted(_entries(folder) | {MANIFEST})
    write_json(folder / MANIFEST, {"written_by": f"pausesim {__version__}", "entries": entries})


def _check_writable_in(label: str, folder: Path) -> None:
    """Create and remove a probe folder in ``folder`` or its nearest existing ancestor: a
    read-only location is found before simulating, not after (permission bits are not enough:
    root ignores them, read-only mounts do not show in them)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise PausesimError(f"{label}: {existing} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".pausesim-probe-", dir=existing))
    except OSError as exc:
        raise PausesimError(f"{label}: cannot write in {existing} ({exc.strerror}); "
                            "choose a writable location") from None


@contextlib.contextmanager
def atomic_folder(out: Path, force: bool, inputs: Iterable[Path | str] = ()) -> Iterator[Path]:
    """Yield a temporary folder; on success it becomes ``out`` (replacing an earlier pausesim
    output only with ``force``), on any failure it is removed."""
    target = check_writable(out, force, inputs)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{_owner()}-", suffix=".partial",
                                    dir=target.parent))
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; results are for sharing
    except OSError as exc:
        raise PausesimError(f"--out {out}: cannot write there ({exc.strerror})") from None
    try:
        yield tmp
        _write_manifest(tmp)
        _publish(tmp, target, out, force, inputs)
        published.append(Path(out))
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if exc.errno not in _WRITE_ERRORS and "No space left" not in str(exc):
            raise
        raise PausesimError(f"--out {out}: writing the results failed "
                            f"({exc.strerror or exc}); nothing was written") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


#: Outputs put in place, complete, by the current command (the CLI clears it on starting, and
#: names them if the command is then interrupted).
published: list[Path] = []


def _publish(tmp: Path, target: Path, out, force: bool, inputs) -> None:
    """Move the finished ``tmp`` to ``target`` without ever replacing a folder another run put
    there meanwhile (unless ``force``, and then only a pausesim output)."""
    try:
        _rename_noreplace(tmp, target)
        return
    except FileExistsError:
        if not force:
            raise PausesimError(f"--out {out}: another run wrote this folder while this one was "
                                "running; its results are kept and this run's discarded (use "
                                "--force to replace it)") from None
    _check_replaceable(out, target, force, inputs)  # what is there now, not at the start
    if _exchange(tmp, target):  # tmp now holds the earlier output
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = target.with_name(f".{target.name}.{_owner()}-{secrets.token_hex(4)}.old")
    os.rename(target, old)
    os.rename(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


# ------------------------------------------------------------------ renames (Linux: renameat2)
_AT_FDCWD = -100
_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2


def _renameat2(src: Path, dst: Path, flags: int) -> bool:
    """``renameat2(2)`` with ``flags``; False where the system or file system lacks it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.renameat2
    except (OSError, AttributeError):
        return False
    if call(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(dst))


def _rename_noreplace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst``; FileExistsError if ``dst`` exists (even an empty folder, which
    a plain rename would silently replace)."""
    try:
        if _renameat2(src, dst, _RENAME_NOREPLACE):
            return
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            raise FileExistsError(exc.errno, exc.strerror, str(dst)) from None
        raise
    with _name_lock(dst):  # no renameat2: check and rename under a lock other runs respect
        if os.path.lexists(dst):
            raise FileExistsError(errno.EEXIST, "File exists", str(dst))
        os.rename(src, dst)


def _exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` in one step; False where unsupported."""
    return _renameat2(a, b, _RENAME_EXCHANGE)


#: A lock older than this was left by a killed run (a rename takes milliseconds).
_STALE_LOCK_S = 30.0


@contextlib.contextmanager
def _name_lock(path: Path):
    lock = path.with_name(f".{path.name}.lock")
    deadline = time.monotonic() + 10
    while True:
        try:
            os.mkdir(lock)
            break
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - lock.stat().st_mtime > _STALE_LOCK_S:
                    os.rmdir(lock)
                    continue
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.rmdir(lock)


# ------------------------------------------------------------------ stale temporary folders
def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", socket.gethostname())[:32] or "host"


def _owner() -> str:
    """Who owns a temporary folder: ``PID@HOST``, so a later run can tell if it is stale."""
    return f"{os.getpid()}@{_host()}"


def remove_stale_partials(target: Path) -> list[Path]:
    """Remove the temporary folders of ``target`` left by runs on this machine whose process is
    gone (killed during writing); return them."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(\d+)@([A-Za-z0-9_]+)-.*\.(partial|old)")
    now, removed = time.time(), []
    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            match = pattern.fullmatch(entry.name)
            if not match or match[2] != _host() or _process_alive(int(match[1])):
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir() and not entry.is_symlink() and entry.stat().st_mtime < now:
                    shutil.rmtree(entry)
                    removed.append(entry)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


# -------------------------------------------------------------------------------- signals
class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same clean-up runs (temporary folders removed,
    worker pools stopped)."""


@contextlib.contextmanager
def sigterm_as_interrupt():
    """While inside, SIGTERM raises :class:`Terminated` (main thread only; elsewhere a no-op)."""
    def handler(signum, frame):
        raise Terminated(signum)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    """Write a DataFrame as ``stem.csv`` (text cells safe to open in a spreadsheet, see
    :func:`spreadsheet_safe`) and/or ``stem.parquet`` (values as they are)."""
    if csv:
        write_csv(spreadsheet_safe(frame), folder / f"{stem}.csv")
    if parquet:
        frame.to_parquet(folder / f"{stem}.parquet", index=False)


#: Every CSV pausesim writes for people starts with the UTF-8 byte-order mark: Excel on Windows
#: reads a CSV without it in the machine's code page, so "£" shows as "Â£". pandas, R's readr,
#: LibreOffice and Python's ``utf-8-sig`` read the mark as what it is (a plain ``utf-8`` reader
#: sees it in the first header: read with ``encoding="utf-8-sig"``).
CSV_ENCODING = "utf-8-sig"


def write_csv(frame, path: Path) -> None:
    """``frame`` as CSV in :data:`CSV_ENCODING`, by pyarrow's writer (eight times pandas' speed
    on a run's replication table), or pandas' where a column mixes types that Arrow cannot hold.
    Booleans are written ``True``/``False`` either way."""
    import codecs

    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    flags = [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])]
    frame = frame.astype({c: str for c in flags}) if flags else frame
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        frame.to_csv(path, index=False, encoding=CSV_ENCODING)
        return
    with open(path, "wb") as fh:
        fh.write(codecs.BOM_UTF8)
        pa_csv.write_csv(table, fh)


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """A text ``value`` that a spreadsheet would run as a formula, prefixed with ``'`` (shown as
    text); numbers, and text that reads as a number (``-0.5``), unchanged. Carriage returns
    become line feeds: the CSV writer leaves a bare CR unquoted, and a spreadsheet would start a
    new row - and a new, unneutralised cell - there."""
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if not value.startswith(FORMULA_STARTS):
        return text
    try:
        float(value)
        return text
    except ValueError:
        return "'" + text


def spreadsheet_safe(frame):
    """A copy of ``frame`` with every text cell and column name passed through
    :func:`neutralise_cell` (numeric columns untouched)."""
    import pandas as pd

    safe = frame.rename(columns=lambda c: neutralise_cell(c) if isinstance(c, str) else c)
    for column in safe.columns[[not pd.api.types.is_numeric_dtype(t) for t in safe.dtypes]]:
        values = safe[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        safe[column] = values.map(neutralise_cell)
    return safe


def provenance(**fields) -> dict:
    """The record that makes a run reproducible: version, environment, time, plus ``fields``."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    return {
        "pausesim_version": __version__,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        **{name: installed(name) for name in ("numpy", "numba", "simpy", "scipy", "pandas")},
        **fields,
    }


def write_json(path: Path, record: dict) -> None:
    write_atomic(path, json.dumps(record, indent=2, default=_json_default) + "\n")


def _json_default(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
