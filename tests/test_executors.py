"""Executors: dask scheduler addresses checked and the handshake bounded (issue 15, item 5); pool
workers capped at the work, stopped promptly on Ctrl-C and dead with their parent (item 12)."""

from __future__ import annotations

import os
import signal
import socket
import socketserver
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from simulation.core.errors import PausesimError
from simulation.runner import executors
from simulation.runner import executors as runner


@pytest.mark.parametrize("address", ["not-an-address", "", "  ", "http://127.0.0.1:8786",
                                     "tcp://", "tcp://host", "tcp://host:0", "tcp://host:70000",
                                     "host:port", "tcp://a b:1"])
def test_malformed_scheduler_addresses_are_refused_before_connecting(address, monkeypatch):
    def probe(*_):  # the first step of connecting
        pytest.fail("a connection was attempted")

    monkeypatch.setattr(runner, "_probe_scheduler", probe)
    with pytest.raises(PausesimError) as exc:
        with runner.dask_executor(address):
            pytest.fail("connected")
    assert "\n" not in str(exc.value) and "tcp://HOST:PORT" in str(exc.value)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tls://sched.example.org:8786",
                                     "127.0.0.1:8786", "tcp://[::1]:8786", "ucx://node-3:13337"])
def test_well_formed_addresses_pass_the_check(address):
    assert runner.check_scheduler_address(f" {address} ") == address


def test_a_peer_that_never_answers_fails_within_the_timeout(monkeypatch):
    monkeypatch.setattr(runner, "SCHEDULER_TIMEOUT_S", 1.5)
    with socket.socket() as silent:  # accepts TCP connections (backlog), never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        started = time.perf_counter()
        with pytest.raises(PausesimError) as exc:
            with runner.dask_executor(f"tcp://127.0.0.1:{port}"):
                pytest.fail("connected")
        elapsed = time.perf_counter() - started
    assert "no dask scheduler answered within 1.5 s" in str(exc.value)
    # Our bound, not distributed's own 30 s connect timeout (nor a hang): the margin covers the
    # start-up of distributed's comm layer on a loaded machine (4.8 s seen under a parallel job).
    assert elapsed < 1.5 + 13


def test_an_in_process_scheduler_address_is_accepted():
    assert runner.check_scheduler_address("inproc://192.0.2.2/15638/1") == \
        "inproc://192.0.2.2/15638/1"
    with pytest.raises(PausesimError):
        runner.check_scheduler_address("inproc://")


def test_a_real_scheduler_still_connects():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, processes=False, threads_per_worker=1,
                                  protocol="tcp", dashboard_address=None) as cluster:
        with runner.dask_executor(cluster.scheduler_address) as executor:
            assert dict(executor.run(pow, [(2, 3), (3, 2)])) == {0: 8, 1: 9}


def test_process_pool_is_capped_at_the_tasks(monkeypatch):
    sizes = []

    class Recording(runner.ProcessPoolExecutor):
        def __init__(self, max_workers, **kwargs):
            sizes.append(max_workers)
            super().__init__(max_workers=max_workers, **kwargs)

    monkeypatch.setattr(runner, "ProcessPoolExecutor", Recording)
    assert sorted(runner.ProcessExecutor(64).run(pow, [(2, 2), (2, 3)])) == [(0, 4), (1, 8)]
    assert sizes == [2]
    assert list(runner.ProcessExecutor(4).run(pow, [])) == [] and sizes == [2]


# A parent running 2 pool workers that each record their pid and then sleep far longer than
# the test waits.
PARENT = textwrap.dedent("""
    import os, sys, time
    from simulation.runner.executors import ProcessExecutor

    def sleeper(folder, i):
        open(os.path.join(folder, f"{os.getpid()}.pid"), "w").close()
        time.sleep(120)

    try:
        for _ in ProcessExecutor(2).run(sleeper, [(sys.argv[1], i) for i in range(4)]):
            pass
    except KeyboardInterrupt:
        sys.exit(130)
""")


def _start_parent(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", PARENT, str(tmp_path)],
                            start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("*.pid"))) < 2:
        assert time.monotonic() < deadline and proc.poll() is None, "workers did not start"
        time.sleep(0.1)
    return proc, [int(p.stem) for p in tmp_path.glob("*.pid")]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie is dead, only not yet reaped
        return fh.read().rsplit(")", 1)[1].split()[0] != "Z"


def _wait_dead(pids, seconds) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_their_parent(tmp_path):
    proc, workers = _start_parent(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:
        assert _wait_dead(workers, 5) == []  # PDEATHSIG at once, the watchdog within 0.5 s
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_with_two_workers_exits_promptly(tmp_path):
    proc, workers = _start_parent(tmp_path)
    started = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole process group
    try:
        assert proc.wait(timeout=10) == 130
        assert time.monotonic() - started < 5
        assert _wait_dead(workers, 3) == []
    finally:
        with __import__("contextlib").suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


# -------------------------------------------- a service that is not a dask scheduler (issue 23)


class _HttpOnly(socketserver.BaseRequestHandler):
    """Answers anything as a web server (a dask dashboard) would: HTTP 400."""

    def handle(self):
        self.request.recv(1024)
        self.request.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


def test_a_service_that_is_not_a_dask_scheduler_is_one_line():
    pytest.importorskip("distributed")
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _HttpOnly)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(PausesimError, match="did not answer as a dask scheduler"):
            executors._probe_scheduler(f"tcp://127.0.0.1:{server.server_address[1]}", 5)
    finally:
        server.shutdown()
        server.server_close()
