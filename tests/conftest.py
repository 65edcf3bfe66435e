import pytest
from django.core.cache import cache


def pytest_configure(config):
    """Hash passwords quickly and speak plain HTTP to the test client.

    The production hasher is slow on purpose, and HTTPS is the load balancer's job; a test of the
    operations settings turns the redirect back on to check it. Set here, before any test class
    builds its personas, so that every stored password uses the fast hasher.
    """
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    # Tasks run in-process after commit, as with no broker; the tests of the real worker and of
    # the broker itself use the broker from the environment (tests.background.BROKER_URL).
    settings.CELERY_BROKER_URL = ""
    # The transparency log signs with a key made for this run, never one from a file.
    from provenance_client.note import Signer

    signer = Signer.generate(settings.TRANSPARENCY_LOG_ORIGIN)
    settings.TRANSPARENCY_LOG_KEY = signer.to_private_key()


@pytest.fixture(autouse=True)
def empty_cache():
    """Start every test with an empty cache, as it starts with a database of its own.

    Registration numbers repeat from one test to the next, so a label's cached stamp or page
    would otherwise outlive the test that published it.
    """
    cache.clear()
