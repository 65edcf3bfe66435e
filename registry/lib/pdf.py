"""HTML to PDF with WeasyPrint: the only module that imports it, and only when a PDF is made.

What it renders holds provider-supplied text, so its URL fetcher fetches almost nothing:
- no network at all (http, https, ftp and any other scheme are refused);
- `data:` URLs are allowed: their content is already in the document, nothing is fetched;
- `file:` URLs only for a file inside the app's static files (STATIC_ROOT, STATICFILES_DIRS and
  the apps' `static/` folders), after resolving `..` and symlinks; a path beginning with
  STATIC_URL (what `{% static %}` gives) is looked up in those folders.

A refused URL is logged as a warning and never opened; the page renders without it. The PDF's
metadata is set here, from nothing the HTML says: the title given, the register as author.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.conf import settings

logger = logging.getLogger(__name__)

REGISTER = "AI Training Data Provenance Register"


class FetchRefused(ValueError):
    """A resource the PDF may not load."""


def html_to_pdf(html: str, base_url: str | None = None, *, title: str = "") -> bytes:
    """Render HTML to PDF bytes, fetching nothing but static files; `title` becomes its title.

    `base_url` resolves relative URLs; by default the static root, so `labels/pdf.css` works.
    """
    import weasyprint  # ~0.5 s: only in the process that renders, never at web start-up
    from weasyprint.pdf.metadata import DocumentMetadata

    fetcher = static_only_fetcher()
    document = weasyprint.HTML(
        string=html, base_url=base_url or static_base_url(), url_fetcher=fetcher
    ).render()
    # Nothing from the HTML's <title>, <meta> or <link rel=attachment> goes into the file.
    document.metadata = DocumentMetadata(
        title=title or REGISTER, authors=[REGISTER], generator=REGISTER, lang="en-GB"
    )
    return document.write_pdf()


def static_base_url() -> str:
    return Path(settings.STATIC_ROOT).resolve().as_uri() + "/"


def static_roots() -> list[Path]:
    """Every folder the PDF may read files from, resolved."""
    roots = [Path(settings.STATIC_ROOT)]
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    roots += [Path(config.path) / "static" for config in apps.get_app_configs()]
    return [root.resolve() for root in roots if root.is_dir()]


def static_file(url: str) -> Path:
    """The static file a URL names; raise FetchRefused for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"not a local file: {url}")
    path = unquote(parts.path)
    roots = static_roots()
    candidates = [Path(path)]
    prefix = settings.STATIC_URL or "/static/"
    if path.startswith(prefix):
        candidates += [root / path.removeprefix(prefix) for root in roots]
    for candidate in candidates:
        # resolve() follows symlinks and `..`: what is checked is where the bytes really are.
        resolved = candidate.resolve()
        if resolved.is_file() and any(resolved.is_relative_to(root) for root in roots):
            return resolved
    raise FetchRefused(f"not a static file: {url}")


def static_only_fetcher():
    """A WeasyPrint URL fetcher that serves static files and data: URLs, and refuses the rest."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
            try:
                path = static_file(url)
            except FetchRefused:
                logger.warning("PDF fetch refused: %s", url[:200])
                raise
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": kind}
            )

    return StaticOnlyFetcher(timeout=1, allowed_protocols=["file", "data"])
