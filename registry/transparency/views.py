"""The log as anyone reads it: a page saying what it is, the tlog-tiles resources under /log/,
the endpoint witnesses post cosignatures to, and /verify.

Everything here is public: a leaf holds no personal data and no regulator-only value, only
hashes and salted commitments (the salts never leave the database).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from provenance_client.errors import FormatError
from provenance_client.tiles import parse_tile_path

from registry.transparency import keys, selectors, services
from registry.transparency.forms import VerifyForm
from registry.transparency.verification import Unreadable, verify_number, verify_upload

# Tiles never change once written (a partial tile's path names its width); the checkpoint does.
IMMUTABLE = "public, max-age=31536000, immutable"
CHECKPOINT_CACHE = "public, max-age=5"
# A cosigned checkpoint is a few hundred bytes; a witness has no reason to post more.
MAX_COSIGNATURE_BYTES = 16 * 1024


@require_safe
def log_page(request: HttpRequest) -> HttpResponse:
    """What the log is, its key, its size, its witnesses and how to check a label."""
    checkpoint = selectors.latest_checkpoint()
    witnesses = [witness.name for witness in keys.witnesses()]
    context = {
        "origin": settings.TRANSPARENCY_LOG_ORIGIN,
        "verifier_key": keys.log_verifier().to_verifier_key(),
        "checkpoint": checkpoint,
        "checkpoint_note": selectors.checkpoint_note(checkpoint) if checkpoint else "",
        "witnesses": selectors.witness_rows(checkpoint, witnesses),
        "entries": selectors.recent_entries(),
        "site_url": settings.SITE_URL,
    }
    return render(request, "transparency/log.html", context)


def plain(text: str, *, status: int = 200, cache: str = "no-store") -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest checkpoint whose tiles are written, with its witnesses' cosignatures."""
    latest = selectors.latest_checkpoint()
    if latest is None:
        return plain("The log has no checkpoint yet.\n", status=404)
    return plain(selectors.checkpoint_note(latest), cache=CHECKPOINT_CACHE)


@require_safe
def log_key(request: HttpRequest) -> HttpResponse:
    """The log's public key as a C2SP verifier key, for `provenance-register verify --key`."""
    return plain(keys.log_verifier().to_verifier_key() + "\n", cache="public, max-age=3600")


@require_safe
def tile(request: HttpRequest, path: str) -> HttpResponse:
    """A tile or entry bundle as written to the storage; 404 for any path not in the layout."""
    try:
        parse_tile_path(path)
    except FormatError as error:
        raise Http404("Not a tile of this log") from error
    name = services.TILES_PREFIX + path
    if not default_storage.exists(name):
        raise Http404("No such tile")
    with default_storage.open(name, "rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE
    response["Access-Control-Allow-Origin"] = "*"
    return response


@csrf_exempt  # a witness is a program with no session; only valid cosignatures are kept
@require_POST
def cosignature(request: HttpRequest) -> HttpResponse:
    """Keep a witness's cosignature of one of this log's checkpoints.

    The body is the checkpoint as the witness cosigned it (text/plain). 200 when kept, 400 with
    the reason in words when refused, 413 when too large.
    """
    if len(request.body) > MAX_COSIGNATURE_BYTES:
        return plain("A cosigned checkpoint is at most 16 KB.\n", status=413)
    try:
        note = request.body.decode("utf-8")
        kept = services.cosignature_add(note)
    except UnicodeDecodeError:
        return plain("The body must be a checkpoint in UTF-8 text.\n", status=400)
    except services.CosignatureRefused as error:
        return plain(f"{error}.\n", status=400)
    names = ", ".join(cosignature.witness for cosignature in kept)
    return plain(f"Kept the cosignature by {names}.\n")


def verify(request: HttpRequest) -> HttpResponse:
    """Check a label: by upload (POST) or by number (GET, as the label's QR code links here)."""
    result, subject = None, ""
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    elif "number" in request.GET:
        form = VerifyForm(request.GET)
    else:
        form = VerifyForm()
    if form.is_bound and form.is_valid():
        upload, number = form.cleaned_data["label_file"], form.cleaned_data["number"]
        version = form.cleaned_data["version"]
        if upload is not None:
            try:
                result = verify_upload(upload.read())
                subject = upload.name
            except Unreadable as error:
                form.add_error("label_file", str(error))
        else:
            found = verify_number(number, version)
            if found is None:
                asked = number if version is None else f"{number} version {version}"
                form.add_error("number", f"{asked} is not on the register")
            else:
                result, subject = found
    return render(
        request, "transparency/verify.html", {"form": form, "result": result, "subject": subject}
    )
