import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash passwords quickly in tests; the production hasher is the slow default on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
