"""HTML to PDF with WeasyPrint: the only module that imports it, and only when a PDF is made.

What it renders holds provider-supplied text, so its URL fetcher fetches almost nothing:
- no network at all (http, https, ftp and any other scheme are refused);
- `data:` URLs are allowed: their content is already in the document, nothing is fetched;
- `file:` URLs only for a file inside the app's static files (STATIC_ROOT, STATICFILES_DIRS and
  the apps' `static/` folders), after resolving `..` and symlinks; a path beginning with
  STATIC_URL (what `{% static %}` gives) is looked up in those folders.

A refused URL is logged as a warning and never opened; the page renders without it. The PDF's
metadata is set here, from nothing the HTML says: the title and language given, the register as
author. The PDF is tagged for accessibility (PDF/UA-1: a structure tree that screen readers follow,
the language, the title shown in the window), and its pages are counted as it is rendered.
"""

from __future__ import annotations

import logging
import mimetypes
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.conf import settings

logger = logging.getLogger(__name__)

REGISTER = "AI Training Data Provenance Register"


class FetchRefused(ValueError):
    """A resource the PDF may not load."""


# PDF/UA-1 rather than -2: PDF 1.7, which every reader and accessibility checker in use reads.
PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class RenderedPdf:
    """A PDF as rendered: its bytes and its number of pages."""

    content: bytes
    pages: int


def html_to_pdf(
    html: str,
    base_url: str | None = None,
    *,
    title: str = "",
    lang: str = "en-GB",
    attachments: dict[str, bytes] | None = None,
) -> RenderedPdf:
    """Render HTML to a tagged PDF, fetching nothing but static files.

    `title` and `lang` (a BCP 47 tag) become its title and language. `base_url` resolves relative
    URLs; by default the static root, so `labels/pdf.css` works. `attachments` are embedded
    files, by file name (a label's machine-readable JSON travels inside its PDF).
    """
    import io

    import weasyprint  # ~0.5 s: only in the process that renders, never at web start-up
    from weasyprint.pdf.metadata import DocumentMetadata

    fetcher = static_only_fetcher()
    document = weasyprint.HTML(
        string=html, base_url=base_url or static_base_url(), url_fetcher=fetcher
    ).render()
    # Nothing from the HTML's <title>, <meta>, lang or <link rel=attachment> goes into the file.
    document.metadata = DocumentMetadata(
        title=title or REGISTER,
        authors=[REGISTER],
        generator=REGISTER,
        lang=lang,
        attachments=[
            weasyprint.Attachment(file_obj=io.BytesIO(content), name=name)
            for name, content in (attachments or {}).items()
        ],
    )
    content = document.write_pdf(pdf_variant=PDF_VARIANT)
    return RenderedPdf(content=content, pages=len(document.pages))


# --- Reading back a PDF this module wrote, without a PDF library

# An object stream's dictionary (one level of nested dictionaries allowed), then its data.
OBJECT_STREAM = re.compile(
    rb"<<(?:[^<>]|<<[^<>]*>>)*?/Type\s*/ObjStm(?:[^<>]|<<[^<>]*>>)*>>\s*stream\r?\n"
)
# A page tree node's /Count, written after its /Type and /Kids as WeasyPrint (pydyf) writes them.
PAGE_TREE_COUNT = re.compile(rb"/Type\s*/Pages(?![A-Za-z])(?:(?!>>).)*?/Count\s+(\d+)", re.S)
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def pdf_objects(content: bytes) -> bytes:
    """The PDF's objects as bytes to search: the file itself, then each of its object streams
    inflated (where WeasyPrint puts the catalog, the page tree and the pages)."""
    parts = [content]
    for match in OBJECT_STREAM.finditer(content):
        try:
            # A decompressor stops at the stream's end and ignores the `endstream` after it.
            parts.append(zlib.decompressobj().decompress(memoryview(content)[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_page_count(content: bytes) -> int | None:
    """The number of pages of a PDF this module wrote, read from its page tree; None when the
    tree's count and the page objects disagree or can't be found, rather than a guess."""
    objects = pdf_objects(content)
    counts = [int(count) for count in PAGE_TREE_COUNT.findall(objects)]
    pages = len(PAGE_OBJECT.findall(objects))
    # The root of the page tree counts every page below it; any other node counts fewer.
    if not counts or max(counts) != pages or pages == 0:
        return None
    return pages


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
