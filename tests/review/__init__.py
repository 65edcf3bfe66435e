"""What the console's tests share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry.review.selectors import declaration_view, ownership_view


def offered_paths(kind: str, data: Mapping[str, Any]) -> list[str]:
    """Every answer and row the filing tab offers a "Raise a finding" link on (its first page
    of sources), in the order the tab shows them."""
    view = declaration_view(data, 1) if kind == "declaration" else ownership_view(data)
    paths = [a.path for a in [*view.get("model_answers", []), *view.get("general", [])]]
    for key in ("source_rows", "parties", "attestations", "investors"):
        for row in view.get(key, []):
            paths += [row.path, *(answer.path for answer in row.answers)]
            # A source's top domains and its claim to confidentiality are shown apart.
            if key == "source_rows" and row.top_domains:
                paths.append(f"{row.path}.top_domains")
            if key == "source_rows" and row.confidential:
                paths.append(f"{row.path}.confidentiality_reason")
    return [path for path in [*paths, "signatory_role"] if path]
