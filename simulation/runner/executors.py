"""Where replications run: in this process, a local process pool, or a dask.distributed cluster.

Every executor runs ``fn(*task)`` for each task and yields ``(task index, result)`` as each
finishes; results never depend on which executor ran them.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from typing import Any, Callable, Iterator, Protocol, Sequence

from simulation.core.defaults import default_workers  # noqa: F401 (re-exported)
from simulation.core.errors import PausesimError

Task = tuple  # arguments of one call of the task function


class Executor(Protocol):
    """Runs ``fn(*task)`` for each task and yields ``(task index, result)`` as each finishes."""

    def run(self, fn: Callable, tasks: Sequence[Task]) -> Iterator[tuple[int, Any]]: ...


class SerialExecutor:
    """Runs tasks one after another in this process."""

    def run(self, fn, tasks):
        for i, task in enumerate(tasks):
            yield i, fn(*task)


class ProcessExecutor:
    """Runs tasks in a pool of at most ``workers`` processes on this machine (never more than
    there are tasks).

    The workers leave Ctrl-C to this process and die with it: if the run is interrupted (Ctrl-C,
    SIGTERM, an error) the pool is stopped at once rather than after the running tasks, and if
    this process is killed (kill -9) each worker notices within a second and exits."""

    def __init__(self, workers: int):
        self.workers = workers

    def run(self, fn, tasks):
        if not tasks:
            return
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(tasks)),
                                   initializer=_worker_init,
                                   initargs=(os.getpid(),
                                             threading.current_thread() is threading.main_thread()))
        finished = False
        try:
            pending = {pool.submit(fn, *task): i for i, task in enumerate(tasks)}
            # as_completed waits on all futures at once (wait() in a loop re-scans every
            # pending future per result: seconds of this process's time for thousands of tasks)
            for future in as_completed(list(pending)):
                # forget each future once read: it holds its result
                yield pending.pop(future), future.result()
            finished = True
        finally:
            if finished:
                pool.shutdown(wait=True)
            else:
                _stop_pool(pool)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: queued tasks cancelled, running ones killed with their workers."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=2)


#: Seconds between a worker's checks that the process that started it is still alive.
PARENT_POLL_S = 0.5


def _worker_init(parent_pid: int, from_main_thread: bool) -> None:
    """Set up a pool worker: Ctrl-C is for the parent (which stops the pool), SIGTERM kills, and
    the worker exits when its parent dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    # PR_SET_PDEATHSIG fires when the *thread* that started the worker ends: only safe to use
    # when that is the main thread; the watchdog below covers every case within PARENT_POLL_S.
    if from_main_thread and sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)

    def watchdog():
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watchdog, name="pausesim-parent-watchdog", daemon=True).start()


def make_executor(workers: int) -> Executor:
    """The default executor for a number of local workers (1 = in-process)."""
    if workers < 1:
        raise PausesimError(f"--workers = {workers} is invalid: must be an integer >= 1")
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)


class DaskExecutor:
    """Runs tasks on a dask.distributed cluster through a ``distributed.Client``.

    The workers must be able to import ``simulation`` (same pausesim version as the client)."""

    def __init__(self, client):
        self.client = client

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def run(self, fn, tasks):
        from distributed import as_completed as completed

        futures = [self.client.submit(fn, *task, pure=False) for task in tasks]
        index = {future.key: i for i, future in enumerate(futures)}
        finished = False
        try:
            for future in completed(futures):
                yield index[future.key], future.result()
                future.release()
            finished = True
        finally:
            if not finished:  # interrupted: free the cluster for other work
                with contextlib.suppress(Exception):
                    self.client.cancel(futures)


#: Seconds a dask scheduler has to accept a connection and answer the handshake.
SCHEDULER_TIMEOUT_S = 10.0
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
_ADDRESS = re.compile(r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?"
                      r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(?P<port>[0-9]{1,5})")
_INPROC = re.compile(r"inproc://[A-Za-z0-9._:-]+/[0-9]+/[0-9]+")


def check_scheduler_address(address: Any) -> str:
    """``address`` if it has the form of a dask scheduler address (``tcp://host:port``, another
    of :data:`SCHEDULER_SCHEMES`, ``host:port``, or dask's ``inproc://`` address of a scheduler
    in this process); else one PausesimError line."""
    if isinstance(address, str) and _INPROC.fullmatch(address.strip()):
        return address.strip()  # a scheduler in this process (Python API, tests)
    match = _ADDRESS.fullmatch(address.strip()) if isinstance(address, str) else None
    if match is None or (match["scheme"] or "tcp").lower() not in SCHEDULER_SCHEMES \
            or not 1 <= int(match["port"]) <= 65535:
        raise PausesimError(f"--scheduler {address!r} is invalid: must be a dask scheduler "
                            "address tcp://HOST:PORT (port 1-65535; also "
                            f"{', '.join(s + '://' for s in SCHEDULER_SCHEMES[1:])}, or HOST:PORT)")
    return address.strip()


def _probe_scheduler(address: str, seconds: float) -> None:
    """Connect to ``address`` and complete dask's handshake within ``seconds``, or fail in one
    line: ``distributed.Client`` bounds the TCP connection but not the handshake, so a peer that
    accepts and never answers would hang it indefinitely."""
    import asyncio

    from distributed.comm import connect
    from distributed.security import Security

    async def probe():
        comm = await asyncio.wait_for(
            connect(address, timeout=seconds, **Security().get_connection_args("client")),
            seconds)
        await comm.close()

    try:
        with ThreadPoolExecutor(1) as thread:  # its own event loop, whatever the caller runs
            thread.submit(asyncio.run, probe()).result()
    except TimeoutError:
        raise PausesimError(f"--scheduler {address}: no dask scheduler answered within "
                            f"{seconds:g} s (is the address right and the scheduler running?)") \
            from None
    except (OSError, ValueError, TypeError) as exc:
        raise PausesimError(f"--scheduler {address}: cannot connect ({_one_line(exc)})") from None
    except Exception:  # noqa: BLE001 - e.g. MemoryError: an HTTP reply read as a frame length
        raise PausesimError(f"--scheduler {address}: the service there did not answer as a dask "
                            "scheduler (a dashboard or web server?); give the scheduler's "
                            "address, tcp://HOST:8786 by default") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


@contextlib.contextmanager
def dask_executor(scheduler: str | None = None, local_workers: int | None = None):
    """A :class:`DaskExecutor` on the cluster at ``scheduler`` (``tcp://host:port``), or on a
    local cluster of ``local_workers`` processes started here and closed afterwards; ``None`` if
    neither is given."""
    if scheduler is None and local_workers is None:
        yield None
        return
    if scheduler is not None and local_workers is not None:
        raise PausesimError("--scheduler and --dask-local cannot be combined: give one")
    if scheduler is not None:
        check_scheduler_address(scheduler)
    if local_workers is not None and local_workers < 1:
        raise PausesimError(f"--dask-local = {local_workers} is invalid: must be an integer >= 1")
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise PausesimError("dask.distributed is not installed: pip install 'pausesim[dask]'") \
            from None
    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            scheduler = check_scheduler_address(scheduler)
            _probe_scheduler(scheduler, SCHEDULER_TIMEOUT_S)
            try:
                client = stack.enter_context(Client(scheduler,
                                                    timeout=f"{SCHEDULER_TIMEOUT_S}s"))
            except (OSError, TimeoutError, ValueError) as exc:
                raise PausesimError(f"--scheduler {scheduler}: cannot connect "
                                    f"({_one_line(exc)})") from None
        else:
            cluster = stack.enter_context(LocalCluster(
                n_workers=local_workers, threads_per_worker=1, processes=True,
                dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        yield DaskExecutor(client)

