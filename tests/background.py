"""The broker CI provides (CELERY_BROKER_URL), for the tests that need a real one; every other
test runs tasks in-process after commit (see conftest)."""

import os

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
