"""The form that uploads a file to import into a draft."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from registry.declarations.uploads.files import size_text
from registry.exchange.imports import FORMATS, MESSAGES, check_size, text_of
from registry.lib.problems import ProblemsError

# What each kind of file may be called: Hugging Face cards are Markdown, the others JSON-LD.
EXTENSIONS = {
    "croissant": (".json", ".jsonld"),
    "hf_model_card": (".md",),
    "hf_dataset_card": (".md",),
    "spdx": (".json", ".jsonld"),
}
NAMED = {
    "croissant": "a .json or .jsonld file",
    "hf_model_card": "a README.md file",
    "hf_dataset_card": "a README.md file",
    "spdx": "a .json or .jsonld file",
}


class ImportForm(forms.Form):
    """Which kind of file, and the file: read as text, refused by its size before that."""

    format = forms.ChoiceField(
        label="What kind of file is it?",
        choices=[(f.key, f.title) for f in FORMATS.values()],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of file",
            "invalid_choice": "Select the kind of file",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        error_messages={
            "required": MESSAGES["import_file_required"],
            "empty": MESSAGES["import_empty"],
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.jsonld,.md"}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        limit = size_text(settings.IMPORT_MAX_BYTES)
        self.fields["file"].help_text = f"A JSON-LD file or a README.md, up to {limit}"

    def clean(self) -> dict[str, Any]:
        """The file's text, once its size and the kind chosen allow reading it."""
        cleaned = super().clean() or {}
        upload, kind = cleaned.get("file"), cleaned.get("format")
        if upload is None or kind is None:
            return cleaned
        if not (upload.name or "").lower().endswith(EXTENSIONS[kind]):
            self.add_error(
                "file",
                f"A {FORMATS[kind].title} is {NAMED[kind]}: the selected file is not. "
                "Choose the kind of file it is, or upload another",
            )
            return cleaned
        try:
            check_size(upload.size)
            cleaned["text"] = text_of(b"".join(upload.chunks()))
        except ProblemsError as error:
            self.add_error("file", [problem.message for problem in error.problems])
        return cleaned
