def pytest_configure(config):
    """Hash passwords quickly and speak plain HTTP to the test client.

    The production hasher is slow on purpose, and HTTPS is the load balancer's job; a test of the
    operations settings turns the redirect back on to check it. Set here, before any test class
    builds its personas, so that every stored password uses the fast hasher.
    """
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
