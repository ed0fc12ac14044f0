"""A real `strang serve` in a subprocess, for tests that need real HTTP."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
# Where the Python of the tests' subprocesses keeps its compiled modules, outside the tree: each
# server (its workers and its insights roller, a bench's servers, a CLI run) is a new process,
# and with PYTHONDONTWRITEBYTECODE set (this machine's shells) each compiled the app and its
# libraries anew, 1.5 s of CPU a process (a 2-worker server started in 5.7 s instead of 2.9).
PYCACHE = Path(tempfile.gettempdir()) / f"strang-test-pycache-{os.getuid()}"


def keep_compiled_python() -> None:
    """For every subprocess the tests start from now on (tests/conftest.py calls it first)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(PYCACHE))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRANG_")}
    env.update(
        STRANG_ENVIRONMENT="test",
        STRANG_DATA_DIR=str(settings.data_dir),
        STRANG_DATABASE_URL=settings.database_url,
        STRANG_LOG_JSON="false",
        STRANG_WRITE_QUEUE_SECONDS=str(settings.write_queue_seconds),
    )
    env.update(extra)
    return env


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    workers: int

    def kill(self) -> None:
        """SIGKILL the whole process group: no graceful shutdown, like a power cut."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.stop()
        self.process = _spawn(self.port, self.env, self.workers)
        _wait_ready(self.url, self.process)


def _spawn(port: int, env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError("server did not start")


@contextmanager
def running_server(settings: Settings, *, workers: int = 1, **env: str) -> Iterator[Server]:
    port = free_port()
    full_env = server_env(settings, **{"STRANG_BASE_URL": f"http://127.0.0.1:{port}", **env})
    process = _spawn(port, full_env, workers)
    server = Server(f"http://127.0.0.1:{port}", port, process, full_env, workers)
    try:
        _wait_ready(server.url, process)
        yield server
    finally:
        server.stop()
