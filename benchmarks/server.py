"""Run the app under gunicorn on 127.0.0.1 for a benchmark, and read its workers' memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def benchmark_env(database_url: str) -> dict[str, str]:
    """Production-like settings on plain HTTP at 127.0.0.1, with limits raised for load."""
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "registry.settings",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "",
        # Emails are built as in production, then dropped: no mail server is being measured.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "API_RATE_LIMIT_KEY": "1000000/min",
        "API_RATE_LIMIT_ANONYMOUS": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 1, threads: int = 1):
    """Serve the app; yields (base URL, gunicorn process). Stops it, whatever happens."""
    port = free_port()
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "registry.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "600",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def wait_until_up(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server at {base} did not come up")


def worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_kib(pid: int) -> int:
    """The process's peak resident memory (VmHWM) in KiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for process {pid}")
