"""Jobs of the browser interface: each in its own temporary folder, named by a random id, run
one at a time by a single worker thread (concurrent users wait in the queue, never crash it).

A job holds what one author is working on: the scenario (a built-in one or an uploaded
workbook), the inputs edited in the form, and, once run, the report and its files. Nothing
here takes a path from the page: a job's folder is made by :func:`tempfile.mkdtemp` under the
server's own root, and files in it have fixed names (:data:`DOWNLOADS`).
"""

from __future__ import annotations

import queue
import re
import secrets
import shutil
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

#: Job ids: 32 random hex digits (128 bits, :func:`secrets.token_hex`); anything else is refused.
JOB_ID = re.compile(r"^[0-9a-f]{32}$")
#: Jobs kept at once (the oldest finished ones are removed first) and how long one lives, s.
MAX_JOBS = 200
JOB_LIFETIME_SECONDS = 6 * 3600
#: Runs waiting at once; beyond that a new run is refused with a message, not queued.
MAX_QUEUED = 20

#: What the page may download from a job: name in the URL -> (file in the job folder, type).
DOWNLOADS = {
    "report.html": ("report/report.html", "text/html; charset=utf-8"),
    "report.docx": ("report/report.docx",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "report.xlsx": ("report/report.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "inputs.xlsx": ("inputs.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "scenario.toml": ("scenario.toml", "application/toml; charset=utf-8"),
    "on_track.png": ("monitor/on_track.png", "image/png"),
    "on_track.csv": ("monitor/on_track.csv", "text/csv; charset=utf-8"),
}


@dataclass
class Job:
    id: str
    folder: Path
    created: float = field(default_factory=time.time)
    reference: str = ""  # built-in scenario name, or the uploaded workbook's (shown) name
    scenario: Any = None  # the scenario as loaded, before the form's edits
    edits: dict[str, str] = field(default_factory=dict)  # form field -> text as typed
    state: str = "draft"  # draft, queued, running, done, failed
    error: str = ""
    done: int = 0  # replications completed, both views together
    total: int = 0
    started: float | None = None
    finished: float | None = None
    reps: int = 0
    seed: int = 0
    report: Any = None  # simulation.report.build.Report once run
    command: str = ""  # the CLI command that reproduces the run
    monitor_state: str = ""  # "", queued, running, done, failed
    monitor_error: str = ""
    monitor_text: str = ""
    warnings: list[str] = field(default_factory=list)

    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    def seconds_left(self) -> float | None:
        """Time left, s, from the rate so far (None until a first chunk has finished)."""
        if self.state != "running" or not self.done or self.started is None:
            return None
        elapsed = time.time() - self.started
        return elapsed / self.done * (self.total - self.done)


class Jobs:
    """The jobs of one server: their folders under one temporary root, and the worker queue."""

    def __init__(self, root: Path | None = None):
        self.root = Path(tempfile.mkdtemp(prefix="pausesim-app-", dir=root))
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[Job, Callable[[Job], None]]] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="pausesim-app-worker",
                                        daemon=True)
        self._worker.start()

    # ----------------------------------------------------------------- jobs
    def new(self) -> Job:
        self._expire()
        job_id = secrets.token_hex(16)
        job = Job(job_id, Path(tempfile.mkdtemp(prefix="job-", dir=self.root)))
        with self._lock:
            self._jobs[job_id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None (also for anything that is not a well-formed id)."""
        if not isinstance(job_id, str) or not JOB_ID.match(job_id):
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def discard(self, job: Job) -> None:
        """Forget a job that never got going (a refused upload) and remove its folder."""
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def _expire(self) -> None:
        now = time.time()
        with self._lock:
            idle = [j for j in self._jobs.values() if j.state not in ("queued", "running")
                    and j.monitor_state not in ("queued", "running")]
            old = [j for j in idle if now - j.created > JOB_LIFETIME_SECONDS]
            excess = sorted(idle, key=lambda j: j.created)[:max(0, len(self._jobs) - MAX_JOBS + 1)]
            for job in {j.id: j for j in old + excess}.values():
                del self._jobs[job.id]
                shutil.rmtree(job.folder, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # ----------------------------------------------------------------- queue
    def waiting(self) -> int:
        return self._queue.qsize()

    def submit(self, job: Job, task: Callable[[Job], None]) -> bool:
        """Queue ``task(job)`` for the worker; False if the queue is full."""
        if self._queue.qsize() >= MAX_QUEUED:
            return False
        self._queue.put((job, task))
        return True

    def _work(self) -> None:
        while True:
            job, task = self._queue.get()
            try:
                task(job)
            except BaseException as exc:  # noqa: BLE001 - a failed job must not stop the worker
                traceback.print_exc()  # for whoever hosts it; the page says one line
                job.error = job.error or f"internal error: {type(exc).__name__}"
                if job.state == "running":
                    job.state = "failed"
                if job.monitor_state == "running":
                    job.monitor_state = "failed"
            finally:
                self._queue.task_done()
