"""Gunicorn settings for the container image (docker/Dockerfile's CMD).

Each value can still be overridden with GUNICORN_CMD_ARGS, e.g. GUNICORN_CMD_ARGS="--timeout 60".
"""

import os

bind = "0.0.0.0:8000"

# Requests served at once = workers (processes) * threads. Requests mostly wait on PostgreSQL, so a
# few threads per process go further than more processes; PDFs are rendered by the Celery worker.
# Each thread may hold one database connection (CONN_MAX_AGE): keep workers * threads * replicas
# under PostgreSQL's max_connections.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# The worker heartbeat file goes in memory: on a disk-backed /tmp (overlayfs) it can stall workers.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (gunicorn's documented choice for containers)

# Access log on stdout, next to Django's own log lines.
accesslog = "-"
