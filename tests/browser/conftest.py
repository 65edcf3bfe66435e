"""Browser tests: Debian's Chromium, driven by Playwright, against a live server of the app."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django must allow ORM calls beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(transactional_db, settings, tmp_path):
    """Serve the app on 127.0.0.1, static files through WhiteNoise exactly as in production.

    Files it stores (a label's PDF, rendered once a declaration is accepted) go to a temporary
    folder, not the working copy's media/."""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    shared = {}
    for connection in connections.all():
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            connection.inc_thread_sharing()
            shared[connection.alias] = connection
    thread = LiveServerThread(
        "127.0.0.1", static_handler=lambda app: app, connections_override=shared
    )
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


class ConsoleWatch:
    """Collect what the browser complains about: CSP refusals, script errors, failed loads."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self.on_response)

    def on_console(self, message):
        if message.type == "error":
            self.problems.append(message.text)

    def on_response(self, response):
        if response.status >= 400 and "/static/" in response.url:
            self.problems.append(f"{response.status} {response.url}")


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts (separate cookies); each watched for console errors."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        contexts.append(context)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.console_watch = ConsoleWatch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    """Keep a screenshot of the page for people to look at (test-artifacts/, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, server: str, email: str) -> None:
    """Sign in through the sign-in page, with the password every factory-made person has."""
    page.goto(server + "/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
