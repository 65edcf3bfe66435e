"""Writes for models, their lineage and their provenance declarations."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.forms.models import model_to_dict
from django.utils import timezone

from registry.accounts.models import User
from registry.audit.services import record
from registry.declarations import selectors, validation
from registry.declarations.models import (
    AIModel,
    DataSource,
    ModelDependency,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.filings.services import (
    FilingSpec,
    RowSpec,
    empty_as_stored,
    filing_for_edit,
    filing_row_remove,
    filing_row_save,
    filing_sign,
    filing_touch,
    filing_transition,
    may_edit,
)
from registry.filings.states import OPEN, Status
from registry.filings.validation import before_signing, filing_problem
from registry.lib.licences import licence_error, normalise_licence
from registry.lib.problems import Problem, ProblemsError, raise_if_any, shape_of
from registry.providers.models import Provider
from registry.providers.services import registration_number_allocate


def previous_accepted(declaration: ProvenanceDeclaration) -> ProvenanceDeclaration | None:
    return (
        ProvenanceDeclaration.objects.select_for_update()
        .filter(model_id=declaration.model_id, status=Status.ACCEPTED)
        .exclude(pk=declaration.pk)
        .first()
    )


def assign_model_number(declaration: ProvenanceDeclaration, actor: User | None) -> None:
    """A model gets its MOD- number when its first declaration is accepted."""
    model = AIModel.objects.select_for_update().get(pk=declaration.model_id)
    if model.registration_number is None:
        model.registration_number = registration_number_allocate("MOD")
        model.save(update_fields=["registration_number"])
        record(
            actor=actor,
            action="model.numbered",
            target=model,
            after={"registration_number": model.registration_number},
        )


DECLARATION: FilingSpec[ProvenanceDeclaration] = FilingSpec(
    kind="declaration",
    model=ProvenanceDeclaration,
    provider_id=lambda declaration: declaration.model.provider_id,
    data=selectors.declaration_data,
    problems=validation.validate_declaration,
    previous_accepted=previous_accepted,
    on_accept=assign_model_number,
    subject=lambda declaration: f"{declaration.model.name} {declaration.model.version}",
)


def not_permitted() -> ProblemsError:
    return ProblemsError([filing_problem("not_permitted")])


def stale() -> ProblemsError:
    return ProblemsError([filing_problem("stale_edit")])


def assign(instance, values: Mapping[str, Any], fields: Iterable[str]) -> None:
    for field in fields:
        if field in values:
            setattr(instance, field, values[field])


# --- Models and lineage


@transaction.atomic
def model_register(*, actor: User, provider: Provider, values: Mapping[str, Any]) -> AIModel:
    """Register a model for the provider; it is numbered when its first declaration is accepted."""
    if not may_edit(actor, provider.pk):
        raise not_permitted()
    values = empty_as_stored(AIModel, values)
    raise_if_any(validation.validate_model(values))
    raise_if_any(problems_model_name(provider.pk, values))
    model = AIModel(provider=provider)
    assign(model, values, selectors.MODEL_FIELDS)
    model.save()
    record(
        actor=actor,
        action="model.registered",
        target=model,
        after=model_to_dict(model, fields=selectors.MODEL_FIELDS),
    )
    return model


def problems_model_name(
    provider_id: int, values: Mapping[str, Any], exclude_id: int | None = None
) -> list[Problem]:
    taken = AIModel.objects.filter(
        provider_id=provider_id, name=values.get("name"), version=values.get("version")
    )
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        return [
            Problem(
                "model_exists",
                "version",
                "You have already registered a model with this name and version",
            )
        ]
    return []


@transaction.atomic
def model_update(
    *,
    actor: User,
    model: AIModel,
    values: Mapping[str, Any],
    expected_lock_version: int | None,
) -> AIModel:
    """Change a model's details; values missing from a partial change keep what is stored."""
    model = AIModel.objects.select_for_update().get(pk=model.pk)
    if not may_edit(actor, model.provider_id):
        raise not_permitted()
    if expected_lock_version is not None and model.lock_version != expected_lock_version:
        raise stale()
    before = model_to_dict(model, fields=selectors.MODEL_FIELDS)
    values = before | empty_as_stored(AIModel, values)
    raise_if_any(validation.validate_model(values))
    raise_if_any(problems_model_name(model.provider_id, values, exclude_id=model.pk))
    assign(model, values, selectors.MODEL_FIELDS)
    model.lock_version += 1
    model.save()
    after = model_to_dict(model, fields=selectors.MODEL_FIELDS)
    record(actor=actor, action="model.updated", target=model, before=before, after=after)
    if model.registration_number and after != before:
        # Its published labels now read differently: the log records what they say now. (The
        # log builds on the declarations, so it is imported here rather than at the top.)
        from registry.transparency.services import model_corrected

        model_corrected(model.pk)
    return model


@transaction.atomic
def dependency_add(*, actor: User, model: AIModel, values: Mapping[str, Any]) -> ModelDependency:
    """Record what the model is built on: a registered model, or an external one by name."""
    if not may_edit(actor, model.provider_id):
        raise not_permitted()
    raise_if_any(validation.validate_dependency(values, model_id=model.pk))
    depends_on = None
    if values.get("depends_on"):
        depends_on = (
            selectors.dependable_models(model.provider_id).filter(pk=values["depends_on"]).first()
        )
        if depends_on is None:
            raise ProblemsError(
                [Problem("dependency_unknown", "depends_on", "Select a model from the list")]
            )
    dependency = ModelDependency.objects.create(
        model=model,
        depends_on=depends_on,
        external_name=str(values.get("external_name") or "").strip(),
        external_provider=str(values.get("external_provider") or "").strip(),
        relation=values["relation"],
    )
    record(
        actor=actor,
        action="model.dependency_added",
        target=model,
        after={"dependency": str(dependency)},
    )
    return dependency


@transaction.atomic
def dependency_remove(*, actor: User, dependency: ModelDependency) -> None:
    if not may_edit(actor, dependency.model.provider_id):
        raise not_permitted()
    record(
        actor=actor,
        action="model.dependency_removed",
        target=dependency.model,
        before={"dependency": str(dependency)},
    )
    dependency.delete()


# --- Starting, amending and discarding declarations


@transaction.atomic
def declaration_start(*, actor: User, model: AIModel, amend: bool) -> ProvenanceDeclaration:
    """Start the next version: blank, or as an amendment copied from the latest accepted one."""
    model = AIModel.objects.select_for_update().get(pk=model.pk)
    if not may_edit(actor, model.provider_id):
        raise not_permitted()
    if model.declarations.filter(status__in=OPEN).exists():
        raise ProblemsError([filing_problem("open_filing_exists")])
    source = model.declarations.filter(status=Status.ACCEPTED).first() if amend else None
    if amend and source is None:
        raise ProblemsError([filing_problem("nothing_to_amend")])
    latest = model.declarations.aggregate(latest=Max("version"))["latest"] or 0
    declaration = ProvenanceDeclaration(
        model=model, version=latest + 1, created_by=actor, amends=source
    )
    if source is not None:
        assign(
            declaration,
            model_to_dict(source, fields=selectors.GENERAL_FIELDS),
            selectors.GENERAL_FIELDS,
        )
    declaration.save()
    if source is not None:
        copy_rows(source, declaration)
    record(
        actor=actor,
        action="declaration.started",
        target=declaration,
        after={"version": declaration.version, "amends": source.pk if source else None},
    )
    return declaration


def copy_rows(source: ProvenanceDeclaration, target: ProvenanceDeclaration) -> None:
    """Copy every source, party and attestation of an accepted declaration into a new draft."""
    for related, model in (
        ("sources", DataSource),
        ("supply_chain", SupplyChainParty),
        ("red_team_attestations", RedTeamAttestation),
    ):
        copies = []
        for row in getattr(source, related).all():
            row.pk = None
            row.declaration = target
            row.lock_version = 1
            copies.append(row)
        model.objects.bulk_create(copies, batch_size=500)


@transaction.atomic
def declaration_discard(*, actor: User, declaration: ProvenanceDeclaration) -> None:
    """Delete a draft that was never submitted; anything once submitted is kept for good."""
    declaration = filing_for_edit(DECLARATION, declaration.pk, actor)
    if declaration.submitted_at is not None:
        raise ProblemsError([filing_problem("not_discardable")])
    record(
        actor=actor,
        action="declaration.discarded",
        target=declaration,
        before={"version": declaration.version},
    )
    declaration.sources.all().delete()
    declaration.supply_chain.all().delete()
    declaration.red_team_attestations.all().delete()
    declaration.delete()


# --- Editing a draft


@transaction.atomic
def declaration_update_general(
    *,
    actor: User,
    declaration: ProvenanceDeclaration,
    values: Mapping[str, Any],
    expected_lock_version: int | None,
    complete: bool = True,
) -> ProvenanceDeclaration:
    """Change the general information; answers missing from a partial change keep what is stored.

    A value that can't be stored is refused; with `complete`, so is any other problem of it.
    """
    declaration = filing_for_edit(DECLARATION, declaration.pk, actor, expected_lock_version)
    before = model_to_dict(declaration, fields=selectors.GENERAL_FIELDS)
    values = before | empty_as_stored(ProvenanceDeclaration, values)
    found = validation.validate_general(values)
    raise_if_any(found if complete else shape_of(found))
    assign(declaration, values, selectors.GENERAL_FIELDS)
    declaration.save(update_fields=selectors.GENERAL_FIELDS)
    filing_touch(declaration)
    record(
        actor=actor,
        action="declaration.general_updated",
        target=declaration,
        before=before,
        after=model_to_dict(declaration, fields=selectors.GENERAL_FIELDS),
    )
    return declaration


@transaction.atomic
def statement_sign(
    *,
    actor: User,
    declaration: ProvenanceDeclaration,
    name: str,
    role: str,
    expected_lock_version: int,
) -> ProvenanceDeclaration:
    """Sign the statement of truth; any later change to the draft voids the signature."""
    declaration = filing_for_edit(DECLARATION, declaration.pk, actor, expected_lock_version)
    return filing_sign(declaration, actor, name, role)


def clean_source_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Source values as stored: a valid licence in its canonical spelling, hosts in lower case."""
    cleaned = empty_as_stored(DataSource, values)
    licence = cleaned.get("licence") or ""
    if isinstance(licence, str) and licence and licence_error(licence) is None:
        cleaned["licence"] = normalise_licence(licence)
    if isinstance(cleaned.get("top_domains"), list):
        cleaned["top_domains"] = [
            str(host).strip().lower().rstrip(".") for host in cleaned["top_domains"]
        ]
    return cleaned


SOURCE_ROWS = RowSpec(
    DataSource, "declaration", selectors.SOURCE_FIELDS, validation.validate_source, "source"
)
PARTY_ROWS = RowSpec(
    SupplyChainParty, "declaration", selectors.PARTY_FIELDS, validation.validate_party, "party"
)
ATTESTATION_ROWS = RowSpec(
    RedTeamAttestation,
    "declaration",
    selectors.ATTESTATION_FIELDS,
    validation.validate_attestation,
    "attestation",
)


@transaction.atomic
def source_save(
    *,
    actor: User,
    declaration: ProvenanceDeclaration,
    values: Mapping[str, Any],
    source: DataSource | None = None,
    expected_lock_version: int | None = None,
    complete: bool = True,
) -> DataSource:
    """Add a source, or change one (refused if someone changed it since the form was opened).

    A value that can't be stored is refused; with `complete`, so is any other problem of it.
    """
    declaration = filing_for_edit(DECLARATION, declaration.pk, actor)
    return filing_row_save(
        filing=declaration,
        rows=SOURCE_ROWS,
        row=source,
        values=clean_source_values(values),
        expected_lock_version=expected_lock_version,
        actor=actor,
        complete=complete,
    )


@transaction.atomic
def source_remove(*, actor: User, source: DataSource) -> None:
    declaration = filing_for_edit(DECLARATION, source.declaration_id, actor)
    filing_row_remove(filing=declaration, rows=SOURCE_ROWS, row=source, actor=actor)


MAX_IMPORT_ROWS = 10_000


def problems_source_count(count: int, field: str = "rows") -> list[Problem]:
    """Too many sources for one upload, so a caller can refuse before reading every row."""
    if count <= MAX_IMPORT_ROWS:
        return []
    return [
        Problem("too_many_rows", field, f"Upload at most {MAX_IMPORT_ROWS:,} sources at a time")
    ]


@dataclass(frozen=True)
class SourcesImported:
    """The sources an import added (their ids, in the file's order) and the problems they hold
    that are still to fix."""

    ids: list[int]
    problems: list[Problem]

    @property
    def count(self) -> int:
        return len(self.ids)


@transaction.atomic
def sources_import(
    *,
    actor: User,
    declaration: ProvenanceDeclaration,
    rows: list[dict[str, Any]],
    replace: bool,
    complete: bool = True,
) -> SourcesImported:
    """Add (or replace with) many sources at once: all of them, or none.

    A value that can't be stored refuses them all; with `complete`, so does any other problem.
    Otherwise they are added with the problems they still hold, to fix before submitting.
    Problems name the row: `rows.<n>.<field>`, counting from 1 as a spreadsheet does.
    """
    declaration = filing_for_edit(DECLARATION, declaration.pk, actor)
    raise_if_any(problems_source_count(len(rows)))
    cleaned = [clean_source_values(row) for row in rows]
    problems, today = [], timezone.localdate()
    for number, row in enumerate(cleaned, start=1):
        problems += validation.validate_source(row, prefix=f"rows.{number}.", today=today)
    raise_if_any(problems if complete else shape_of(problems))
    if replace:
        declaration.sources.all().delete()
    created = DataSource.objects.bulk_create(
        [
            DataSource(
                declaration=declaration,
                **{k: v for k, v in row.items() if k in selectors.SOURCE_FIELDS},
            )
            for row in cleaned
        ],
        batch_size=500,
    )
    filing_touch(declaration)
    record(
        actor=actor,
        action="declaration.sources_imported",
        target=declaration,
        after={"rows": len(created), "replace": replace},
    )
    return SourcesImported([source.pk for source in created], problems)


@transaction.atomic
def party_save(
    *,
    actor: User,
    declaration: ProvenanceDeclaration,
    values: Mapping[str, Any],
    party: SupplyChainParty | None = None,
    expected_lock_version: int | None = None,
    complete: bool = True,
) -> SupplyChainParty:
    declaration = filing_for_edit(DECLARATION, declaration.pk, actor)
    return filing_row_save(
        filing=declaration,
        rows=PARTY_ROWS,
        row=party,
        values=values,
        expected_lock_version=expected_lock_version,
        actor=actor,
        complete=complete,
    )


@transaction.atomic
def attestation_save(
    *,
    actor: User,
    declaration: ProvenanceDeclaration,
    values: Mapping[str, Any],
    attestation: RedTeamAttestation | None = None,
    expected_lock_version: int | None = None,
    report=None,
    complete: bool = True,
) -> RedTeamAttestation:
    """Add or change a red-team attestation; a report file, if given, replaces the previous one."""
    declaration = filing_for_edit(DECLARATION, declaration.pk, actor)
    saved = filing_row_save(
        filing=declaration,
        rows=ATTESTATION_ROWS,
        row=attestation,
        values=values,
        expected_lock_version=expected_lock_version,
        actor=actor,
        complete=complete,
    )
    if report is not None:
        digest = hashlib.sha256()
        for chunk in report.chunks():
            digest.update(chunk)
        report.seek(0)
        saved.report.save(f"{saved.pk}.pdf", report, save=False)
        saved.report_sha256 = digest.hexdigest()
        saved.save(update_fields=["report", "report_sha256"])
    return saved


@transaction.atomic
def row_remove(*, actor: User, row: SupplyChainParty | RedTeamAttestation) -> None:
    """Remove a supply-chain party or red-team attestation from a draft."""
    declaration = filing_for_edit(DECLARATION, row.declaration_id, actor)
    rows = PARTY_ROWS if isinstance(row, SupplyChainParty) else ATTESTATION_ROWS
    filing_row_remove(filing=declaration, rows=rows, row=row, actor=actor)


# --- A whole declaration in one request, as the API takes it

# The collections a body replaces row by row (sources are imported in one go).
ROW_COLLECTIONS = ("supply_chain", "red_team_attestations")


def problems_of(write: Callable[[], object]) -> list[Problem]:
    """Run one write: its problems if it refused (its savepoint undone), else none."""
    try:
        write()
    except ProblemsError as error:
        return error.problems
    return []


def placed_within(problems: Iterable[Problem], prefix: str) -> list[Problem]:
    """A row's problems placed within its filing: `licence` becomes `supply_chain.2.licence`."""
    return [p.moved(".".join(filter(None, [prefix, p.field]))) for p in problems]


def imported_rows_renumbered(problems: Iterable[Problem], into: str) -> list[Problem]:
    """`sources_import`'s problems, which count rows from 1 (`rows.4.licence`), counted from 0
    within `into` as `declaration_data` counts them (`sources.3.licence`)."""
    placed = []
    for p in problems:
        head, _, rest = p.field.partition(".")
        number, _, field = rest.partition(".")
        if head != "rows":
            where = p.field
        elif number.isdigit():
            where = ".".join(filter(None, [into, str(int(number) - 1), field]))
        else:
            where = ".".join(filter(None, [into, rest]))
        placed.append(p.moved(where))
    return placed


def rows_replace(
    actor: User, declaration: ProvenanceDeclaration, related: str, rows: list[Mapping[str, Any]]
) -> list[Problem]:
    """Replace a draft's supply chain or attestations with these rows; the problems of each."""
    for row in getattr(declaration, related).all():
        row_remove(actor=actor, row=row)
    save = party_save if related == "supply_chain" else attestation_save
    problems = []
    for index, values in enumerate(rows):
        write = partial(save, actor=actor, declaration=declaration, values=values, complete=False)
        problems += placed_within(problems_of(write), f"{related}.{index}")
    return problems


def statement_from_body(
    actor: User, declaration: ProvenanceDeclaration, body: Mapping[str, Any]
) -> list[Problem]:
    """Sign if the body asks to (`sign`), with the names it gives or those already on the draft;
    keep names given without `sign`, unsigned."""
    names = {field: body[field] for field in ("signatory_name", "signatory_role") if field in body}
    if not body.get("sign"):
        if names:
            signatory_save(actor=actor, declaration=declaration, names=names)
        return []
    current = ProvenanceDeclaration.objects.get(pk=declaration.pk)
    return problems_of(
        partial(
            statement_sign,
            actor=actor,
            declaration=current,
            name=names.get("signatory_name", current.signatory_name) or "",
            role=names.get("signatory_role", current.signatory_role) or "",
            expected_lock_version=current.lock_version,
        )
    )


@transaction.atomic
def signatory_save(
    *, actor: User, declaration: ProvenanceDeclaration, names: Mapping[str, str | None]
) -> ProvenanceDeclaration:
    """Name who will sign the statement of truth, without signing (a change voids a signature)."""
    declaration = filing_for_edit(DECLARATION, declaration.pk, actor)
    before = {field: getattr(declaration, field) for field in names}
    for field, value in names.items():
        setattr(declaration, field, (value or "").strip())
    declaration.save(update_fields=list(names))
    filing_touch(declaration)
    after = {field: getattr(declaration, field) for field in names}
    record(
        actor=actor,
        action="declaration.signatory_named",
        target=declaration,
        before=before,
        after=after,
    )
    return declaration


@transaction.atomic
def declaration_fill(
    *,
    actor: User,
    declaration: ProvenanceDeclaration,
    body: Mapping[str, Any],
    replace: bool = False,
    expected_lock_version: int | None = None,
) -> ProvenanceDeclaration:
    """Write a draft's content from one body, keeping everything that can be stored.

    The body holds general information, `sources`, `supply_chain`, `red_team_attestations`,
    `signatory_name`, `signatory_role` and `sign`. A collection in the body replaces the draft's
    rows; with `replace`, everything the body leaves out is emptied too. Problems name fields as
    `selectors.declaration_data` does (`sources.3.licence`, counting from 0).

    1. Lock the draft: refused to someone who may not edit it, once submitted, or when stale.
    2. Save the general information, then each collection, collecting every value that can't be
       stored; what is missing or inconsistent is kept, for `validate` and submit to report.
    3. Sign last, if asked: any other change voids a signature. A signature without its names
       is not made (validate says so); one refused to its signer refuses the body.
    4. If any value can't be stored, raise them all, and the transaction undoes every write.
    """
    declaration = filing_for_edit(DECLARATION, declaration.pk, actor, expected_lock_version)
    problems: list[Problem] = []
    general = {field: body[field] for field in selectors.GENERAL_FIELDS if field in body}
    if replace:
        general = dict.fromkeys(selectors.GENERAL_FIELDS) | general
    if general:
        problems += problems_of(
            partial(
                declaration_update_general,
                actor=actor,
                declaration=declaration,
                values=general,
                expected_lock_version=None,
                complete=False,
            )
        )
    if replace or "sources" in body:
        rows = list(body.get("sources") or [])
        write = partial(
            sources_import,
            actor=actor,
            declaration=declaration,
            rows=rows,
            replace=True,
            complete=False,
        )
        problems += imported_rows_renumbered(problems_of(write), "sources")
    for related in ROW_COLLECTIONS:
        if replace or related in body:
            problems += rows_replace(actor, declaration, related, list(body.get(related) or []))
    # A signature asked for without its names is not made: validate says what is missing.
    problems += before_signing(statement_from_body(actor, declaration, body))
    raise_if_any(problems)
    return ProvenanceDeclaration.objects.select_related("model").get(pk=declaration.pk)


@transaction.atomic
def declaration_create(
    *, actor: User, model: AIModel, amend: bool, body: Mapping[str, Any]
) -> ProvenanceDeclaration:
    """Start a draft (or an amendment) and fill it from one body, keeping all that can be stored;
    a value that can't be refuses the whole, and no draft is started."""
    declaration = declaration_start(actor=actor, model=model, amend=amend)
    if body:
        return declaration_fill(actor=actor, declaration=declaration, body=body)
    return ProvenanceDeclaration.objects.select_related("model").get(pk=declaration.pk)


# --- The lifecycle


@transaction.atomic
def declaration_sign_and_submit(
    *, actor: User, declaration: ProvenanceDeclaration, role: str, expected_lock_version: int
) -> ProvenanceDeclaration:
    """Sign the statement of truth as the person submitting, under their account's name, and
    submit: both or neither."""
    signed = statement_sign(
        actor=actor,
        declaration=declaration,
        name=actor.full_name,
        role=role,
        expected_lock_version=expected_lock_version,
    )
    return declaration_submit(
        actor=actor, declaration=signed, expected_lock_version=signed.lock_version
    )


def declaration_submit(
    *, actor: User, declaration: ProvenanceDeclaration, expected_lock_version: int | None
) -> ProvenanceDeclaration:
    return filing_transition(
        spec=DECLARATION,
        filing_id=declaration.pk,
        action="submit",
        actor=actor,
        expected_lock_version=expected_lock_version,
    )


def declaration_withdraw(
    *, actor: User, declaration: ProvenanceDeclaration, reason: str
) -> ProvenanceDeclaration:
    return filing_transition(
        spec=DECLARATION, filing_id=declaration.pk, action="withdraw", actor=actor, reason=reason
    )


def declaration_decide(
    *, actor: User, declaration: ProvenanceDeclaration, action: str, reason: str = ""
) -> ProvenanceDeclaration:
    """A regulator's move: start_review, request_changes, accept or reject."""
    return filing_transition(
        spec=DECLARATION, filing_id=declaration.pk, action=action, actor=actor, reason=reason
    )
