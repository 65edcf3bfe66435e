"""Field-by-field differences between two versions of a filing, for the regulator's case page.

Pure: both sides are plain data as `declaration_data` or `ownership_data` give it, either live or
read back from a snapshot's canonical JSON. Values are compared in one canonical form, so
Decimal("12.50") and "12.5", date(2024, 1, 1) and "2024-01-01", or None and "" are the same value
and never show as changed.

Rows get new ids in every version (an amendment copies them), so they are matched by a natural key
instead (see `DECLARATION_COLLECTIONS` and `OWNERSHIP_COLLECTIONS`); where a key occurs more than
once, rows that also agree on the tie-break fields pair first, then the rest pair in order.

With no earlier version (a first submission, or nothing accepted yet) the diff is not `compared`
and holds no changes, rather than listing the whole filing as added: the case page shows the
filing itself, and "everything added" would repeat it, thousands of sources long.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db import models

from registry.declarations import choices
from registry.declarations.models import (
    AIModel,
    DataSource,
    ProvenanceDeclaration,
    RedTeamAttestation,
)
from registry.declarations.selectors import (
    ATTESTATION_FIELDS,
    GENERAL_FIELDS,
    MODEL_FIELDS,
    PARTY_FIELDS,
    SOURCE_FIELDS,
)
from registry.declarations.validation import LABELS
from registry.filings.models import FilingKind
from registry.filings.validation import as_date, as_decimal, blank
from registry.lib.canonical import canonical_json
from registry.providers.models import InvestmentLink, InvestorKind, StateAffiliation
from registry.providers.selectors import LINK_FIELDS

RowStatus = Literal["added", "removed", "changed"]

NOT_GIVEN = "Not given"
# A source's dates are asked for but optional (DESIGN §3.3): missing, they are "not stated", as
# the label says, rather than a question left unanswered.
NOT_STATED = "Not stated"
OPTIONAL_DATES = frozenset({"collection_start", "collection_end", "first_used_on"})
# Long lists show counts and at most this many of the items added, and as many removed.
MAX_EXAMPLES = 20
MINUS = "\u2212"

# Bookkeeping that differs between any two versions whatever was filed: the reference and
# version number, when the statement of truth was signed, and the model's or provider's own id
# and registration number (a model is numbered on its first acceptance, between two snapshots).
# Who signed (`signatory_name`, `signatory_role`) is compared: a new signatory is a real change.
SKIPPED_FIELDS = frozenset({"reference", "version", "signed_at"})
SKIPPED_NESTED_FIELDS = frozenset({"id", "registration_number"})
# Row ids change on every copy; the public bands are derived from the exact percentages shown.
SKIPPED_ROW_FIELDS = frozenset({"id", "lock_version", "share_band", "votes_band"})
# Nested records flattened into the general fields, with the prefix their labels take.
NESTED = {"model": "Model", "provider": "Provider"}

DECLARATION_FIELDS = (
    *GENERAL_FIELDS,
    *(f"model.{name}" for name in MODEL_FIELDS),
    "signatory_name",
    "signatory_role",
)
OWNERSHIP_FIELDS = ("provider.legal_name", "signatory_name", "signatory_role")

# Where the validation labels (written for messages: "The licence must be …") read badly or
# a field has none; `collection.field` entries name a field within one collection only.
DIFF_LABELS = {
    "tdm_opt_out_measures": "Text and data mining opt-out measures",
    "ip_status": "Intellectual property status",
    "robots_txt_respected": "Respects robots.txt",
    "tdm_opt_out_respected": "Respects text and data mining opt-outs",
    "report": "Report file",
    "report_sha256": "Report SHA-256",
    "nsi_notified": "Notified under the National Security and Investment Act",
    "nsi_reference": "NSI reference",
    "sources.share_percent": "Share of the training mix",
    "links.share_percent": "Shares held",
    "links.votes_percent": "Votes held",
}


def choice_labels(choice_class: type[models.TextChoices]) -> dict[str, str]:
    return {value: str(label) for value, label in choice_class.choices}


CHOICE_LABELS: dict[str, dict[str, str]] = {
    "model_type": choice_labels(choices.ModelType),
    "distribution": choice_labels(choices.Distribution),
    "modalities_in": choice_labels(choices.Modality),
    "modalities_out": choice_labels(choices.Modality),
    "modalities": choice_labels(choices.Modality),
    "category": choice_labels(choices.SourceCategory),
    "licence_use_category": choice_labels(choices.LicenceUse),
    "acquisition": choice_labels(choices.Acquisition),
    "personal_data": choice_labels(choices.YesNoUnknown),
    "terms_permit_training": choice_labels(choices.YesNoUnknown),
    "ip_status": choice_labels(choices.IpStatus),
    "processing": choice_labels(choices.Processing),
    "role": choice_labels(choices.PartyRole),
    "scope": choice_labels(choices.RedTeamScope),
    "outcome": choice_labels(choices.RedTeamOutcome),
    "investor_kind": choice_labels(InvestorKind),
    "state_affiliation": choice_labels(StateAffiliation),
}
# Lists that always show as counts, with the noun their items take.
ITEM_NOUNS = {"top_domains": ("host name", "host names")}


def typed_fields(
    field_type: type[models.Field], *model_classes: type[models.Model]
) -> frozenset[str]:
    return frozenset(
        field.name
        for model_class in model_classes
        for field in model_class._meta.get_fields()
        if isinstance(field, field_type) and not isinstance(field, models.DateTimeField)
    )


FILED_MODELS = (AIModel, ProvenanceDeclaration, DataSource, RedTeamAttestation, InvestmentLink)
# Dates arrive as dates (live) or ISO text (from JSON); decimals as Decimal or text.
DATE_FIELDS = typed_fields(models.DateField, *FILED_MODELS)
# `share_percent` also names each language's share in the general `languages` list.
DECIMAL_FIELDS = typed_fields(models.DecimalField, *FILED_MODELS) | {"share_percent"}


@dataclass(frozen=True)
class ItemChanges:
    """What changed in a long list of short texts, such as a crawl's top domains."""

    singular: str
    plural: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    added_count: int
    removed_count: int

    @property
    def summary(self) -> str:
        if not self.added_count and not self.removed_count:
            return f"The same {self.plural}, in a different order"
        return f"+{self.added_count} {MINUS}{self.removed_count} {self.plural}"

    @property
    def examples(self) -> tuple[str, ...]:
        """The items added and removed, each list cut short with how many more there are."""
        lines = [
            examples_line("Added", self.added, self.added_count),
            examples_line("Removed", self.removed, self.removed_count),
        ]
        return tuple(line for line in lines if line)


def examples_line(heading: str, shown: tuple[str, ...], total: int) -> str:
    if not shown:
        return ""
    more = total - len(shown)
    return f"{heading}: {', '.join(shown)}" + (f" and {more:,} more" if more else "")


@dataclass(frozen=True)
class FieldChange:
    """One field whose value differs, with both values as the case page shows them."""

    field: str
    label: str
    old: str
    new: str
    # Set for long lists, whose `old` and `new` are only counts.
    items: ItemChanges | None = None

    @property
    def anchor_key(self) -> str:
        """The field in an element id: "model.name" is "model-name"."""
        return self.field.replace(".", "-")


@dataclass(frozen=True)
class RowChange:
    """A row added, removed, or changed (with its field changes) between two versions."""

    label: str
    status: RowStatus
    changes: tuple[FieldChange, ...] = ()
    # The row's id in the version that has it (the newer one, unless it was removed).
    row_id: Any = None


@dataclass(frozen=True)
class CollectionDiff:
    """The rows of one collection that differ; rows that match exactly are only counted."""

    name: str
    title: str
    rows: tuple[RowChange, ...]
    unchanged: int

    @property
    def added(self) -> tuple[RowChange, ...]:
        return self.with_status("added")

    @property
    def removed(self) -> tuple[RowChange, ...]:
        return self.with_status("removed")

    @property
    def changed(self) -> tuple[RowChange, ...]:
        return self.with_status("changed")

    @property
    def tally(self) -> str:
        """What happened to the rows in words: "1 added, 2 changed, 5 unchanged"."""
        counts = [
            (len(self.added), "added"),
            (len(self.removed), "removed"),
            (len(self.changed), "changed"),
            (self.unchanged, "unchanged"),
        ]
        words = [f"{count} {status}" for count, status in counts if count]
        return ", ".join(words) or "None in either version"

    def with_status(self, status: RowStatus) -> tuple[RowChange, ...]:
        return tuple(row for row in self.rows if row.status == status)


@dataclass(frozen=True)
class FilingDiff:
    """How one version of a filing differs from an earlier one (`compared` is False without one)."""

    kind: str
    compared: bool
    fields: tuple[FieldChange, ...] = ()
    collections: tuple[CollectionDiff, ...] = ()

    @property
    def has_changes(self) -> bool:
        return bool(self.fields) or any(collection.rows for collection in self.collections)


@dataclass(frozen=True)
class Collection:
    """A collection of rows and how its rows are matched across versions."""

    name: str
    title: str
    fields: tuple[str, ...]
    key: tuple[str, ...]
    tiebreak: tuple[str, ...] = ()


DECLARATION_COLLECTIONS = (
    Collection("sources", "Data sources", tuple(SOURCE_FIELDS), ("name",), ("category",)),
    Collection("supply_chain", "Supply chain", tuple(PARTY_FIELDS), ("name", "role")),
    Collection(
        "red_team_attestations",
        "Red-teaming",
        (*ATTESTATION_FIELDS, "report"),
        ("assessor", "performed_on"),
    ),
)
OWNERSHIP_COLLECTIONS = (
    Collection("links", "Investment links", tuple(LINK_FIELDS), ("investor_name",), ("country",)),
)
KINDS = {
    FilingKind.DECLARATION.value: (DECLARATION_FIELDS, DECLARATION_COLLECTIONS),
    FilingKind.OWNERSHIP.value: (OWNERSHIP_FIELDS, OWNERSHIP_COLLECTIONS),
}


def filing_diff(kind: str, old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> FilingDiff:
    """Compare two versions of a filing's data; `old` is None when there is no earlier one."""
    if kind not in KINDS:
        raise ValueError(f"Unknown filing kind: {kind!r}")
    if old is None:
        return FilingDiff(kind=kind, compared=False)
    field_order, collections = KINDS[kind]
    skipped = SKIPPED_FIELDS | {collection.name for collection in collections}
    return FilingDiff(
        kind=kind,
        compared=True,
        fields=field_changes(
            flatten(old, skipped), flatten(new, skipped), ordered=field_order, scope=""
        ),
        collections=tuple(collection_diff(collection, old, new) for collection in collections),
    )


def flatten(data: Mapping[str, Any], skipped: Iterable[str]) -> dict[str, Any]:
    """The general fields, with the model's or provider's own fields as `model.name` and so on."""
    skipped = frozenset(skipped)
    flat: dict[str, Any] = {}
    for name, value in data.items():
        if name in skipped:
            continue
        if name in NESTED and isinstance(value, Mapping):
            flat |= {
                f"{name}.{inner}": inner_value
                for inner, inner_value in value.items()
                if inner not in SKIPPED_NESTED_FIELDS
            }
        else:
            flat[name] = value
    return flat


def field_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], *, ordered: Sequence[str], scope: str
) -> tuple[FieldChange, ...]:
    """The fields whose values differ, known ones in filing order, any others after by name."""
    names = [*ordered, *sorted((old.keys() | new.keys()) - set(ordered))]
    changes = (field_change(name, old.get(name), new.get(name), scope) for name in names)
    return tuple(change for change in changes if change is not None)


def field_change(field: str, old: Any, new: Any, scope: str) -> FieldChange | None:
    name = field.rpartition(".")[2]
    old_value, new_value = normal(name, old), normal(name, new)
    if canonical_json(old_value) == canonical_json(new_value):
        return None
    label = field_label(field, scope)
    if is_long_list(name, old_value, new_value):
        items = item_changes(name, old_value or [], new_value or [])
        return FieldChange(
            field, label, list_size(items, old_value), list_size(items, new_value), items=items
        )
    return FieldChange(field, label, readable(name, old_value), readable(name, new_value))


# --- Rows


def collection_diff(
    collection: Collection, old: Mapping[str, Any], new: Mapping[str, Any]
) -> CollectionDiff:
    """Pair the rows of both versions, then list those added, removed or changed."""
    old_rows, new_rows = rows_of(old, collection.name), rows_of(new, collection.name)
    pairs = pair_rows(collection, old_rows, new_rows)
    rows: list[RowChange] = []
    unchanged = 0
    for new_index, new_row in enumerate(new_rows):
        old_index = pairs.get(new_index)
        label, row_id = row_label(collection, new_row), new_row.get("id")
        if old_index is None:
            rows.append(RowChange(label, "added", row_id=row_id))
            continue
        changes = row_changes(collection, old_rows[old_index], new_row)
        if changes:
            rows.append(RowChange(label, "changed", changes, row_id=row_id))
        else:
            unchanged += 1
    paired = set(pairs.values())
    rows += [
        RowChange(row_label(collection, row), "removed", row_id=row.get("id"))
        for index, row in enumerate(old_rows)
        if index not in paired
    ]
    return CollectionDiff(collection.name, collection.title, tuple(rows), unchanged)


def rows_of(data: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    rows = data.get(name)
    return [row for row in rows if isinstance(row, Mapping)] if isinstance(rows, list) else []


def pair_rows(
    collection: Collection, old_rows: Sequence[Mapping], new_rows: Sequence[Mapping]
) -> dict[int, int]:
    """Match new rows to old ones: index in `new_rows` to index in `old_rows`.

    1. Pair rows that agree on the key and the tie-break fields, in order.
    2. Pair the rows left that agree on the key alone, in order.
    """
    pairs: dict[int, int] = {}
    for fields in ((*collection.key, *collection.tiebreak), collection.key):
        free: defaultdict[tuple[str, ...], deque[int]] = defaultdict(deque)
        used = set(pairs.values())
        for index, row in enumerate(old_rows):
            if index not in used:
                free[natural_key(row, fields)].append(index)
        for index, row in enumerate(new_rows):
            waiting = free.get(natural_key(row, fields))
            if index not in pairs and waiting:
                pairs[index] = waiting.popleft()
    return pairs


def natural_key(row: Mapping[str, Any], fields: Sequence[str]) -> tuple[str, ...]:
    """The row's identity across versions: case and spacing of names don't matter."""
    return tuple(match_text(field, row.get(field)) for field in fields)


def match_text(field: str, value: Any) -> str:
    value = normal(field, value)
    text = value if isinstance(value, str) else canonical_json(value)
    return " ".join(text.split()).casefold()


def row_changes(
    collection: Collection, old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[FieldChange, ...]:
    def kept(row: Mapping[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in row.items() if name not in SKIPPED_ROW_FIELDS}

    return field_changes(kept(old), kept(new), ordered=collection.fields, scope=collection.name)


def row_label(collection: Collection, row: Mapping[str, Any]) -> str:
    return ", ".join(readable(field, normal(field, row.get(field))) for field in collection.key)


# --- Values


def normal(field: str, value: Any) -> Any:
    """The value in one form whichever way it arrived: live from the database, or from JSON."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) or (
        field in DECIMAL_FIELDS and isinstance(value, str)
    ):
        return normal_number(value)
    if field in DATE_FIELDS:
        day = as_date(value)
        return day.isoformat() if day else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): normal(str(key), inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [normal(field, item) for item in value]
    return value


def normal_number(value: Any) -> Any:
    """A number as a Decimal without trailing zeros or exponent: 12.50, "12.5" and 12.5 agree."""
    number = as_decimal(value)
    if number is None:
        return value
    return Decimal(format(number.normalize(), "f"))


def readable(field: str, value: Any) -> str:
    """A normalised value as a person reads it."""
    if value is None:
        return NOT_STATED if field in OPTIONAL_DATES else NOT_GIVEN
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return readable_number(field, value)
    if isinstance(value, str):
        return readable_text(field, value)
    if isinstance(value, list):
        return ", ".join(readable_item(field, item) for item in value)
    if isinstance(value, Mapping):
        return readable_mapping(field, value)
    return str(value)


def readable_number(field: str, value: Decimal) -> str:
    text = f"{value:,}"
    return f"{text}%" if field.endswith("_percent") else text


def readable_text(field: str, value: str) -> str:
    if field in DATE_FIELDS and (day := as_date(value)):
        return f"{day.day} {day:%B %Y}"
    return CHOICE_LABELS.get(field, {}).get(value, value)


def readable_item(field: str, item: Any) -> str:
    # A language's share reads as "en 80%", not as two labelled parts.
    if field == "languages" and isinstance(item, Mapping) and "code" in item:
        share = item.get("share_percent")
        return f"{item['code']} {readable('share_percent', share)}" if share else item["code"]
    if isinstance(item, Mapping):
        return f"({readable_mapping(field, item)})"
    return readable(field, item)


def readable_mapping(field: str, value: Mapping[str, Any]) -> str:
    # Size bands are keyed by modality: "Text: 1 billion to 10 trillion tokens".
    if field == "training_data_size":
        return "; ".join(
            f"{modality.capitalize()}: {choices.SIZE_BANDS.get(modality, {}).get(band, band)}"
            for modality, band in value.items()
        )
    return "; ".join(
        f"{field_label(key, '')}: {readable(key, inner)}" for key, inner in value.items()
    )


def field_label(field: str, scope: str) -> str:
    """The field's name as a person reads it, "Model: " first for the model's own fields."""
    prefix, _, name = field.rpartition(".")
    label = DIFF_LABELS.get(f"{scope}.{name}") or DIFF_LABELS.get(name) or message_label(name)
    if prefix in NESTED:
        return f"{NESTED[prefix]}: {label[0].lower()}{label[1:]}"
    return label


def message_label(name: str) -> str:
    """A validation label without the "The " that messages need, or one made from the name."""
    label = LABELS.get(name)
    if label is None:
        return name.replace("_", " ").capitalize()
    label = label.removeprefix("The ")
    return label[0].upper() + label[1:]


# --- Long lists


def is_long_list(field: str, old: Any, new: Any) -> bool:
    """Lists of texts too long to print whole, and lists that always show as counts."""
    values = [value for value in (old, new) if value is not None]
    if not all(isinstance(value, list) for value in values):
        return False
    if not all(isinstance(item, str) for value in values for item in value):
        return False
    return field in ITEM_NOUNS or any(len(value) > MAX_EXAMPLES for value in values)


def item_changes(field: str, old: list[str], new: list[str]) -> ItemChanges:
    singular, plural = ITEM_NOUNS.get(field, ("item", "items"))
    old_items, new_items = set(old), set(new)
    added = [item for item in dict.fromkeys(new) if item not in old_items]
    removed = [item for item in dict.fromkeys(old) if item not in new_items]
    return ItemChanges(
        singular=singular,
        plural=plural,
        added=tuple(added[:MAX_EXAMPLES]),
        removed=tuple(removed[:MAX_EXAMPLES]),
        added_count=len(added),
        removed_count=len(removed),
    )


def list_size(items: ItemChanges, value: list[str] | None) -> str:
    if not value:
        return NOT_GIVEN
    noun = items.singular if len(value) == 1 else items.plural
    return f"{len(value):,} {noun}"
