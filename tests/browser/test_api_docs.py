"""The API's interactive docs: Swagger UI from our own static files, under the strict CSP."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

from tests.browser.conftest import screenshot

# Collects what the CSP refuses, beside the console errors the conftest's watch collects. Playwright
# injects this itself, so the CSP, which forbids inline script, does not apply to it.
CSP_WATCH = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} (${event.sample})`
  );
});
"""


def close_and_let_the_server_finish(page) -> None:
    """Close the browser's connections and wait for the server's threads that served them.

    Swagger UI loads in parallel over several kept-alive connections; a server thread still
    closing one when the `server` fixture stops sharing the test database raises in that thread.
    """
    page.context.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        thread.name.endswith("(process_request_thread)") for thread in threading.enumerate()
    ):
        time.sleep(0.05)


def open_docs(server: str, new_page):
    page = new_page()
    page.add_init_script(CSP_WATCH)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(server + "/api/v1/docs/")
    page.locator(".opblock-summary").first.wait_for()
    return page, response, requested


def test_swagger_ui_lists_the_operations_with_no_csp_violation_and_nothing_from_elsewhere(
    server, new_page
):
    page, response, requested = open_docs(server, new_page)
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    summaries = page.locator(".opblock-summary").all_inner_texts()
    assert any("/api/v1/models/" in text and "Register a model" in text for text in summaries)

    # Open an operation: its parameters, request body and responses render too.
    page.locator(".opblock-post .opblock-summary").first.click()
    page.locator(".opblock-body .responses-table").first.wait_for()
    assert "application/problem+json" in page.locator(".opblock-body").first.inner_text()
    screenshot(page, "api-docs")

    origin = urlsplit(server)[:2]
    foreign = [url for url in requested if urlsplit(url)[:2] != origin]
    refused = page.evaluate("window.cspViolations")
    close_and_let_the_server_finish(page)
    assert (refused, page.console_watch.problems, foreign) == ([], [], [])


def test_only_the_docs_page_admits_the_inline_style_and_only_by_its_hash(client):
    docs = client.get("/api/v1/docs/")["Content-Security-Policy"]
    home = client.get("/")["Content-Security-Policy"]
    docs_styles = next(d for d in docs.split(";") if d.strip().startswith("style-src"))
    home_styles = next(d for d in home.split(";") if d.strip().startswith("style-src"))
    assert home_styles.split() == ["style-src", "'self'"]
    assert docs_styles.split()[:2] == ["style-src", "'self'"]
    assert [s[:8] for s in docs_styles.split()[2:]] == ["'sha256-"]
    assert "unsafe" not in docs
