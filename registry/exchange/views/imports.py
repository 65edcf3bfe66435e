"""Importing a file into a draft: upload it, see what it would set and what not, then apply.

The pages open as every page that edits a draft does (`editable_declaration`): owners and
submitters of the provider, while it is editable. The file's text is kept in the session
between the preview and applying it (at most IMPORT_MAX_BYTES, one file a declaration), and
read again each time against the draft as it is then, so applying sets exactly what the preview
showed; a change to the draft in between is refused, and the preview shown again.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registry.declarations.access import MemberRequest
from registry.declarations.models import ProvenanceDeclaration
from registry.declarations.views.editing import editable_declaration, page_form, refused
from registry.exchange.forms import ImportForm
from registry.exchange.imports import FORMATS, ImportPreview, import_preview
from registry.exchange.services import import_apply
from registry.lib.problems import ProblemsError
from registry.lib.refused_posts import refused_post_redirect

# Where the session keeps the file being imported into a declaration, until it is applied.
KEPT_FILE = "import-file:{declaration_id}"


@editable_declaration
@require_http_methods(["GET", "POST"])
def import_upload(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    """Upload a Croissant file, a Hugging Face card or an SPDX export to import."""
    form, _ = page_form(request, ImportForm)
    if request.method == "POST":
        return upload_answer(request, declaration, form)
    context = {"form": form, "declaration": declaration, "formats": FORMATS.values()}
    return render(request, "exchange/import_upload.html", context)


def upload_answer(
    request: MemberRequest, declaration: ProvenanceDeclaration, form: ImportForm
) -> HttpResponse:
    """Read the file: back to the form with the problem, or on to its preview, keeping it."""
    if not form.is_valid():
        return refused_post_redirect(request, form)
    kind, text = form.cleaned_data["format"], form.cleaned_data["text"]
    name = form.cleaned_data["file"].name or ""
    try:
        import_preview(kind, text, declaration, file_name=name)
    except ProblemsError as error:
        form.add_error("file", [problem.message for problem in error.problems])
        return refused_post_redirect(request, form)
    request.session[KEPT_FILE.format(declaration_id=declaration.pk)] = {
        "format": kind,
        "file_name": name,
        "text": text,
        "lock_version": declaration.lock_version,
    }
    return redirect("exchange:import-preview", declaration.pk)


def kept_preview(
    request: HttpRequest, declaration: ProvenanceDeclaration
) -> tuple[dict[str, Any], ImportPreview] | None:
    """The file kept for this declaration and what it would set now; None if there is none."""
    kept = request.session.get(KEPT_FILE.format(declaration_id=declaration.pk))
    if kept is None:
        return None
    try:
        preview = import_preview(
            kept["format"], kept["text"], declaration, file_name=kept["file_name"]
        )
    except ProblemsError:
        forget(request, declaration)
        return None
    return kept, preview


def forget(request: HttpRequest, declaration: ProvenanceDeclaration) -> None:
    request.session.pop(KEPT_FILE.format(declaration_id=declaration.pk), None)


@editable_declaration
@require_GET
def import_preview_page(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    """Every answer the file would set, where in the file each came from, and what it would not."""
    found = kept_preview(request, declaration)
    if found is None:
        return redirect("exchange:import", declaration.pk)
    kept, preview = found
    # What is shown is read against the draft as it is now: applying it applies to this version.
    kept["lock_version"] = declaration.lock_version
    request.session.modified = True
    sections = [
        {"name": name, "items": list(items)}
        for name, items in groupby(preview.mapped, key=lambda item: item.section)
    ]
    context = {
        "declaration": declaration,
        "preview": preview,
        "format": FORMATS[preview.format],
        "sections": sections,
    }
    return render(request, "exchange/import_preview.html", context)


@editable_declaration
@require_POST
def import_apply_page(request: MemberRequest, declaration: ProvenanceDeclaration) -> HttpResponse:
    """Apply the previewed file to the draft, and go back to its task list saying what changed."""
    found = kept_preview(request, declaration)
    if found is None:
        messages.error(request, "Upload the file to import again: the one uploaded was not kept")
        return redirect("exchange:import", declaration.pk)
    kept, preview = found
    try:
        import_apply(
            actor=request.user,
            declaration=declaration,
            preview=preview,
            expected_lock_version=kept["lock_version"],
        )
    except ProblemsError as error:
        if any(problem.code == "import_stale" for problem in error.problems):
            messages.error(request, error.problems[0].message)
            return redirect("exchange:import-preview", declaration.pk)
        return refused(request, declaration, error)
    forget(request, declaration)
    messages.success(request, f"Imported from {preview.file_name}: added {preview.summary}")
    return redirect("declarations:declaration", declaration.pk)
