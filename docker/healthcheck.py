"""Container health check for the web service: exit 0 only when GET /healthz answers 200.

The slim image has no curl, so this uses the standard library. /healthz answers 503 when the
database is down, and is exempt from the HTTPS redirect.
"""

import os
import sys
import urllib.error
import urllib.request


def allowed_host() -> str:
    """The first ALLOWED_HOSTS entry: Django answers 400 to a Host header it doesn't allow."""
    raw = os.environ.get("ALLOWED_HOSTS", "")
    path = os.environ.get("ALLOWED_HOSTS_FILE")
    if not raw and path:
        with open(path, encoding="utf-8") as file:
            raw = file.read()
    host = raw.split(",")[0].strip().lstrip(".")  # ".example.gov" also allows "example.gov"
    return host if host and host != "*" else "localhost"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect means something is wrong here; never follow it to another server."""

    def redirect_request(self, *args, **kwargs):
        return None


def main() -> int:
    url = "http://127.0.0.1:8000/healthz"
    request = urllib.request.Request(url, headers={"Host": allowed_host()})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
