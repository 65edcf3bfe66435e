"""Reads for the public register, by what they read; everything they return is public.

- `register`: which models and providers are on the register, and their entries in a list;
- `ownership`: who stands behind a provider, in bands;
- `label`: a model's nutritional label, a chunk of labels at a time;
- `search`: the register's search page;
- `stamp`: a label's caching validators.

The names below are the package's public surface, so callers write `selectors.label_data`.
"""

from registry.labels.selectors.label import (
    LabelRows,
    declaration_risk_data,
    label_data,
    label_declaration,
    label_rows,
    labels_data,
    latest_labels,
    model_label,
    model_labels,
)
from registry.labels.selectors.ownership import (
    accepted_ownership,
    accepted_ownerships,
    control_of,
    control_summary,
    control_verdict,
    local_date,
    ownership_summary,
)
from registry.labels.selectors.register import (
    NO_ALERTS,
    PUBLIC_ALERTS,
    model_entry,
    provider_data,
    public_model_entry,
    public_models,
    public_provider_data,
    public_providers,
    published_declarations,
    registered_models,
    with_published_versions,
)
from registry.labels.selectors.search import search_models, search_providers
from registry.labels.selectors.stamp import label_stamp

__all__ = [
    "NO_ALERTS",
    "PUBLIC_ALERTS",
    "LabelRows",
    "accepted_ownership",
    "accepted_ownerships",
    "control_of",
    "control_summary",
    "control_verdict",
    "declaration_risk_data",
    "label_data",
    "label_declaration",
    "label_rows",
    "label_stamp",
    "labels_data",
    "latest_labels",
    "local_date",
    "model_entry",
    "model_label",
    "model_labels",
    "ownership_summary",
    "provider_data",
    "public_model_entry",
    "public_models",
    "public_provider_data",
    "public_providers",
    "published_declarations",
    "registered_models",
    "search_models",
    "search_providers",
    "with_published_versions",
]
