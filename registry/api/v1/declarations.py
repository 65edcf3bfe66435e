"""API v1: a provider's provenance declarations, their rows, their lifecycle and their history.

Views fetch through `declarations.access` (another provider's objects are 404), write through
`declarations.services` and so validate with `declarations.validation`, exactly as the web forms
do. Serializers say what shape a value has (a number, a date, one of a list); whether it is
right is for the services to say, with the same problem codes as the forms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Func, IntegerField, Prefetch, QuerySet
from django.db.models import prefetch_related_objects as prefetch_into
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from registry.api.conditional import (
    etag,
    expected_lock_version,
    row_etag,
    row_expected_version,
)
from registry.api.errors import ApiProblem, problem_items
from registry.api.permissions import AnyKey
from registry.api.v1.serializers import (
    ETAG,
    IF_MATCH,
    FeedbackFields,
    FilingProblem,
    HistoryEntry,
    SnapshotOutput,
    ValidateOutput,
    feedback_data,
)
from registry.api.views import (
    MAX_ID,
    ApiView,
    IdCursorPagination,
    RowSerializer,
    StrictSerializer,
    Text,
    validated,
)
from registry.declarations import choices, selectors, services, validation
from registry.declarations.access import (
    access_attestation_for_member,
    access_declaration_for_member,
    access_model_for_member,
    access_party_for_member,
    access_source_for_member,
)
from registry.declarations.models import (
    DataSource,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.declarations.uploads.files import UploadError, check_pdf, size_text
from registry.filings.selectors import filing_feedback, filing_history, latest_snapshot
from registry.filings.states import Status
from registry.lib.problems import Problem, ProblemsError, raise_if_any

KIND = "declaration"
REGULATOR_ONLY = " Regulator-only: never shown to the public."

# --- Shapes shared by requests and responses


class Number(serializers.DecimalField):
    """A decimal column as a JSON number (12.5, or 12 when whole), not the string "12.500"."""

    def __init__(self, **kwargs: Any):
        super().__init__(coerce_to_string=False, **kwargs)

    def to_representation(self, value):
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)


class JsonNumber(serializers.FloatField):
    """A number kept inside a JSON list (a language's share): 80 stays 80, 62.5 stays 62.5."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        value = super().to_internal_value(data)
        return int(value) if value.is_integer() else value

    def to_representation(self, value):
        return value if isinstance(value, int) else float(value)


def text(help_text: str = "", **kwargs: Any) -> serializers.CharField:
    """Free text; whether it is required, and how long it may be, is for the rules to say."""
    return Text(required=False, allow_blank=True, allow_null=True, help_text=help_text, **kwargs)


def choice(options, help_text: str = "") -> serializers.ChoiceField:
    return serializers.ChoiceField(
        options, required=False, allow_blank=True, allow_null=True, help_text=help_text
    )


def many(options, help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(options), required=False, allow_null=True, help_text=help_text
    )


def strings(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        allow_null=True,
        help_text=help_text,
    )


def yes_no(help_text: str) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, allow_null=True, help_text=help_text)


def day(help_text: str) -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True, help_text=help_text)


def count(help_text: str) -> serializers.IntegerField:
    # Unbounded here: validation.py refuses a figure too large for the database (number_too_large).
    return serializers.IntegerField(required=False, allow_null=True, help_text=help_text)


def bands(modality: str, unit: str = "") -> list[tuple[str, str]]:
    return [(band, f"{label}{unit}") for band, label in choices.SIZE_BANDS[modality].items()]


class DeclarationSizeBands(StrictSerializer):
    """The size of the training data per modality, as a band (the public sees bands only)."""

    text = serializers.ChoiceField(bands("text"), required=False, help_text="Tokens of text")
    image = serializers.ChoiceField(bands("image"), required=False, help_text="Images")
    audio = serializers.ChoiceField(
        bands("audio", " of audio"), required=False, help_text="Hours of audio"
    )
    video = serializers.ChoiceField(
        bands("video", " of video"), required=False, help_text="Hours of video"
    )


class DeclarationLanguage(StrictSerializer):
    code = serializers.CharField(help_text="ISO 639-1 code, e.g. en")
    share_percent = JsonNumber(help_text="Share of the training data, 0 to 100")


class GeneralFields(StrictSerializer):
    """A declaration's general information, as the forms' "General information" page asks it."""

    training_data_size = DeclarationSizeBands(
        required=False, help_text="Size band per modality, e.g. {'text': '1b_10t'}"
    )
    total_tokens = count("Exact number of training tokens." + REGULATOR_ONLY)
    total_images = count("Exact number of training images." + REGULATOR_ONLY)
    total_audio_hours = Number(
        max_digits=14,
        decimal_places=1,
        required=False,
        allow_null=True,
        help_text="Exact hours of audio." + REGULATOR_ONLY,
    )
    total_video_hours = Number(
        max_digits=14,
        decimal_places=1,
        required=False,
        allow_null=True,
        help_text="Exact hours of video." + REGULATOR_ONLY,
    )
    latest_collection_date = day("The latest date any training data was collected")
    continuous_training = yes_no("Whether the model is trained continuously")
    languages = serializers.ListField(
        child=DeclarationLanguage(),
        required=False,
        allow_null=True,
        help_text="Languages of the training data with their shares",
    )
    content_types = strings("Kinds of content, as short phrases, e.g. 'news articles'")
    tdm_opt_out_measures = text("How text and data mining opt-outs are honoured")
    illegal_content_measures = text("How illegal content is removed")
    code_of_practice_signatory = yes_no("Whether the provider has signed the code of practice")


class SourceGeneratorModel(StrictSerializer):
    name = serializers.CharField(allow_blank=True, help_text="The generating model's name")
    provider = serializers.CharField(
        required=False, allow_blank=True, help_text="Who offers the generating model"
    )
    terms_permit_training = serializers.ChoiceField(
        choices.YesNoUnknown.choices,
        allow_blank=True,
        help_text="Whether the generator's terms permit training another model on its output",
    )


class SourceFields(StrictSerializer):
    """One source of training data: the same questions as the web form's source pages."""

    name = text("The dataset's or source's name")
    category = choice(
        choices.SourceCategory.choices, "Kind of source, as the EU template's 2.1-2.6"
    )
    description = text("What the source holds")
    url = text("Where the source is published (http or https)")
    dataset_version = text("The dataset's version")
    owner = text("Creator or rightsholder; required for licensed or purchased data")
    licence = text(
        "SPDX licence expression or LicenseRef-…; required for licensed or purchased data"
    )
    licence_use_category = choice(choices.LicenceUse.choices, "What the licence allows")
    acquisition = choice(choices.Acquisition.choices, "How the data was acquired")
    modalities = many(choices.Modality.choices, "Modalities of the data")
    languages = strings("ISO 639-1 codes of the languages in the source")
    size_tokens = count("Exact size in tokens." + REGULATOR_ONLY)
    size_records = count("Exact number of records." + REGULATOR_ONLY)
    size_bytes = count("Exact size in bytes." + REGULATOR_ONLY)
    share_percent = Number(
        max_digits=6,
        decimal_places=3,
        required=False,
        allow_null=True,
        help_text="Share of the training mix, 0 to 100; the shares of all sources add up to 100",
    )
    collection_start = day("When collection started")
    collection_end = day("When collection ended; not needed while collection_ongoing")
    collection_ongoing = yes_no("Whether collection is still going on")
    first_used_on = day("When the data was first used for training")
    purpose = text("How the source furthers the model's purpose")
    personal_data = choice(choices.YesNoUnknown.choices, "Whether the source holds personal data")
    personal_data_measures = text(
        "How personal data is protected; required if personal_data is yes"
    )
    aggregate_consumer_data = yes_no("Whether the source holds aggregate consumer information")
    ip_status = choice(choices.IpStatus.choices, "Intellectual property status")
    processing = many(choices.Processing.choices, "Cleaning and processing applied")
    processing_notes = text("More about the processing")
    countries = strings("ISO 3166-1 alpha-2 codes of the countries of collection")
    crawler_name = text("Web crawls: the crawler's name")
    crawler_user_agent = text("Web crawls: the crawler's user agent")
    robots_txt_respected = yes_no("Web crawls: whether robots.txt is respected")
    tdm_opt_out_respected = yes_no("Web crawls: whether TDM opt-outs are respected")
    top_domains = strings(
        "Web crawls: host names of the top 10% of crawled domains by content size (EU template "
        "2.3.h); may be thousands long"
    )
    generator_models = serializers.ListField(
        child=SourceGeneratorModel(),
        required=False,
        allow_null=True,
        help_text="Synthetic data: the models that generated it",
    )
    confidential = yes_no(
        "Ask the regulator to withhold the name, owner, URL and description from the public"
    )
    confidentiality_reason = text("Why the source should be confidential." + REGULATOR_ONLY)


class PartyFields(StrictSerializer):
    """A party in the model's supply chain."""

    name = text("The party's name")
    role = choice(choices.PartyRole.choices, "What the party does")
    country = text("ISO 3166-1 alpha-2 code of the party's country")
    company_number = text("The party's company number")


class AttestationFields(StrictSerializer):
    """An attestation that the supply chain was red-teamed."""

    assessor = text("Who carried out the red-teaming")
    assessor_independent = yes_no("Whether the assessor is independent of the provider")
    scope = many(choices.RedTeamScope.choices, "What the red-teaming covered")
    performed_on = day("When it was carried out")
    outcome = choice(choices.RedTeamOutcome.choices, "The outcome")
    summary = text("What was tested and found; published on the label")
    next_due = day("When the next red-teaming is due")


class StatementFields(StrictSerializer):
    signatory_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Statement of truth: the name of the person signing",
    )
    signatory_role = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Statement of truth: the signatory's role",
    )
    sign = serializers.BooleanField(
        required=False,
        help_text=(
            "true signs the statement of truth, after every other change in the request (any "
            "later change voids the signature). Names without sign are kept, unsigned."
        ),
    )


# --- Requests


class SourceInput(SourceFields):
    pass


class PartyInput(PartyFields):
    pass


class AttestationInput(AttestationFields):
    pass


class DeclarationPatch(GeneralFields, StatementFields):
    """What the body gives changes: general information, the statement of truth, and any
    collection given, whose rows it replaces (rows also change one by one in their collections)."""

    sources = SourceInput(
        many=True, required=False, help_text="Up to 10,000 data sources: they replace them all"
    )
    supply_chain = PartyInput(many=True, required=False, help_text="They replace them all")
    red_team_attestations = AttestationInput(
        many=True,
        required=False,
        help_text=(
            "They replace them all; reports are uploaded separately, to …/red-team/{id}/report"
        ),
    )


class DeclarationReplace(DeclarationPatch):
    """The whole draft: whatever is left out is emptied."""


class DeclarationCreate(DeclarationReplace):
    """A new draft, optionally filled in the same request, all of it or nothing."""

    model = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of one of your models"
    )
    amend = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Start from the latest accepted version, with all its rows",
    )


class DeclarationWithdrawInput(StrictSerializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Why it is withdrawn: shown on the tombstone"
    )


class DeclarationFilter(serializers.Serializer):
    model = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this model's declarations"
    )
    status = serializers.ChoiceField(
        Status.choices, required=False, help_text="Only declarations in this status"
    )


# --- Responses


class RowOutput(RowSerializer):
    """One row of a declaration, with its id, the ETag to change it with, and what it still
    lacks: a draft keeps a row with problems, which stop only a submission."""

    id = serializers.IntegerField(read_only=True)
    etag = serializers.SerializerMethodField(help_text="Send it back in If-Match to change it")
    problems = serializers.SerializerMethodField(
        help_text=(
            "What is still to fix in this row before the declaration can be submitted, each with "
            "a pointer into the row"
        )
    )
    noun = ""

    def get_etag(self, row) -> str:
        return row_etag(self.noun, row)

    @extend_schema_field(FilingProblem(many=True))
    def get_problems(self, row) -> list[dict[str, str]]:
        return self.context.get("problems", [])


class SourceOutput(RowOutput, SourceFields):
    noun = "source"


class SourceListItem(SourceOutput):
    """A source without its top domains (which may be thousands): GET the source for them."""

    top_domains = None  # type: ignore[assignment]
    problems = None  # type: ignore[assignment]
    top_domains_count = serializers.IntegerField(help_text="How many top domains it lists")


class PartyOutput(RowOutput, PartyFields):
    noun = "party"


class AttestationOutput(RowOutput, AttestationFields):
    noun = "attestation"
    report_sha256 = serializers.CharField(
        allow_null=True,
        help_text="SHA-256 of the uploaded report, null before one is uploaded." + REGULATOR_ONLY,
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["report_sha256"] = instance.report_sha256 or None
        return data


class DeclarationModel(serializers.Serializer):
    id = serializers.IntegerField()
    registration_number = serializers.CharField(
        allow_null=True, help_text="MOD- number, assigned when a declaration is first accepted"
    )
    name = serializers.CharField()
    version = serializers.CharField()


class DeclarationSummary(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="DEC-<id>-v<version>")
    model = DeclarationModel()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(Status.choices)
    amends = serializers.IntegerField(
        source="amends_id", allow_null=True, help_text="The accepted version this one amends"
    )
    etag = serializers.SerializerMethodField(help_text="Send it back in If-Match to change it")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawal_reason = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)

    def get_etag(self, declaration) -> str:
        return etag(declaration)


class DeclarationOutput(DeclarationSummary, GeneralFields, FeedbackFields):
    """Everything in the declaration, regulator-only figures included: it is the provider's own.

    Its sources, which may be 10,000, are a collection of their own (`sources_url`), as GitHub
    gives an issue's comments; the supply chain and attestations, a handful, are here. Problem
    pointers point into this representation, and into sources counted as that collection lists
    them (`/sources/3/licence` is its fourth source).
    """

    signatory_name = serializers.CharField()
    signatory_role = serializers.CharField()
    sources_count = serializers.SerializerMethodField(help_text="How many data sources it has")
    sources_url = serializers.SerializerMethodField(
        help_text="Where to list its data sources (paginated) and add or replace them"
    )
    supply_chain = PartyOutput(many=True, source="supply_chain.all")
    red_team_attestations = AttestationOutput(many=True, source="red_team_attestations.all")
    snapshot = serializers.SerializerMethodField(
        help_text="The latest submission's frozen snapshot; null before the first"
    )
    history = serializers.SerializerMethodField(
        help_text="Every move through the lifecycle, oldest first, with the regulator's reasons"
    )
    problems = serializers.SerializerMethodField(
        help_text=(
            "After a write: every problem still to fix before it can be submitted, exactly as "
            "validate lists them (a draft keeps everything that can be stored). Null on a read: "
            "POST …/validate for them."
        )
    )

    def get_sources_count(self, declaration) -> int:
        return self.context["sources_count"]

    def get_sources_url(self, declaration) -> str:
        return reverse("api:v1:declaration-sources", args=[declaration.pk])

    @extend_schema_field(SnapshotOutput(allow_null=True))
    def get_snapshot(self, declaration) -> dict | None:
        snapshot = self.context.get("snapshot")
        return SnapshotOutput(snapshot).data if snapshot is not None else None

    @extend_schema_field(HistoryEntry(many=True))
    def get_history(self, declaration) -> list:
        return list(HistoryEntry(self.context.get("history", []), many=True).data)

    @extend_schema_field(FilingProblem(many=True, allow_null=True))
    def get_problems(self, declaration) -> list[dict[str, str]] | None:
        return self.context.get("problems")


class SourcesBulkResult(serializers.Serializer):
    created = serializers.IntegerField(help_text="How many sources were added")
    total = serializers.IntegerField(help_text="How many sources the declaration has now")
    problems = FilingProblem(
        many=True,
        help_text=(
            "What the sources sent still lack, to fix before submitting; pointers name the "
            "array index (/3/licence is the fourth source sent)"
        ),
    )


# --- Documentation of the shared parameters and errors

# Errors beyond those `registry.api.schema` documents on every operation of its kind.
ERRORS = {
    404: "The model is not one of yours (pointer /model)",
    412: "stale_edit: it has changed since you read it (If-Match)",
    413: "The report is larger than the limit",
    415: "The body is not a PDF, or not sent as application/pdf",
}


def answers(success: dict, *codes: int) -> dict:
    """The successful responses, and errors particular to the operation (as problem+json)."""
    return success | {code: OpenApiResponse(description=ERRORS[code]) for code in codes}


# --- Reading


class JsonArrayLength(Func):
    """How many items a JSON list column holds, counted by the database."""

    function = "json_array_length"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="jsonb_array_length", **extra)


def rows_by_id() -> list[Prefetch]:
    """The rows shown within a declaration, in the order `declaration_data` has them, so that
    problem pointers match."""
    return [
        Prefetch("supply_chain", SupplyChainParty.objects.order_by("id")),
        Prefetch("red_team_attestations", RedTeamAttestation.objects.order_by("id")),
    ]


def declaration_response(
    declaration: ProvenanceDeclaration, code: int = status.HTTP_200_OK, *, written: bool = False
) -> Response:
    """The whole declaration: the row, its rows, its latest snapshot, history and feedback, and,
    once `written`, every problem it still holds.

    Eight queries whatever its size: the declaration with its model (unless loaded), its
    sources' ids, supply chain, attestations, the latest snapshot, the history with its actors,
    and (once submitted) the regulator's sent findings and its messages. A write reads it whole
    for the rules instead of the sources' ids (`declaration_data`): two queries more.
    """
    if not ProvenanceDeclaration.model.is_cached(declaration):
        declaration = ProvenanceDeclaration.objects.select_related("model").get(pk=declaration.pk)
    prefetch_into([declaration], *rows_by_id())
    problems = None
    if written:
        data_for_rules = selectors.declaration_data(declaration)
        problems = problem_items(validation.validate_declaration(data_for_rules))
        source_ids = [source["id"] for source in data_for_rules["sources"]]
    else:
        source_ids = list(declaration.sources.order_by("id").values_list("id", flat=True))
    positions = {"sources": {pk: index for index, pk in enumerate(source_ids)}} | {
        section: {row.pk: index for index, row in enumerate(getattr(declaration, section).all())}
        for section in ("supply_chain", "red_team_attestations")
    }
    context: dict[str, Any] = {
        "snapshot": latest_snapshot(KIND, declaration.pk),
        "history": list(filing_history(KIND, declaration.pk)),
        "feedback": feedback_data(filing_feedback(declaration), positions),
        "sources_count": len(source_ids),
    }
    if problems is not None:
        context["problems"] = problems
    data = DeclarationOutput(declaration, context=context).data
    headers = {"ETag": etag(declaration)}
    if code == status.HTTP_201_CREATED:
        headers["Location"] = reverse("api:v1:declaration", args=[declaration.pk])
    return Response(data, status=code, headers=headers)


def bodiless(request) -> None:
    """An action that takes no body: refuse fields sent anyway, but not an empty form post."""
    if request.body.strip():
        validated(StrictSerializer, request.data)


def paginated(request, view, rows: QuerySet, serializer_class) -> Response:
    paginator = IdCursorPagination()
    page = paginator.paginate_queryset(rows, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def refuse_too_many_sources(rows: Any, field: str = "rows") -> None:
    """Refuse more sources than one request may add before reading any of them."""
    if isinstance(rows, list):
        raise_if_any(services.problems_source_count(len(rows), field))


# --- Row versions: each row has its own ETag, from its lock_version


# The rules of each kind of row, and the fields they read.
ROW_RULES: dict[str, tuple[list[str], Callable[..., list[Problem]]]] = {
    "source": (selectors.SOURCE_FIELDS, validation.validate_source),
    "party": (selectors.PARTY_FIELDS, validation.validate_party),
    "attestation": (selectors.ATTESTATION_FIELDS, validation.validate_attestation),
}


def row_problems(noun: str, row) -> list[dict[str, str]]:
    """What a stored row still lacks, as problem items with pointers into the row."""
    fields, rules = ROW_RULES[noun]
    return problem_items(rules(model_to_dict(row, fields=fields)))


def row_response(row, serializer_class, noun: str, code: int = status.HTTP_200_OK) -> Response:
    context = {"problems": row_problems(noun, row)}
    data = serializer_class(row, context=context).data
    return Response(data, status=code, headers={"ETag": row_etag(noun, row)})


def replacing(values: dict, fields: list[str]) -> dict:
    """A PUT's values: every field the body leaves out is emptied, not kept."""
    return dict.fromkeys(fields) | values


# --- Declarations


class DeclarationListApi(ApiView):
    @extend_schema(
        summary="List your declarations",
        parameters=[DeclarationFilter],
        responses={200: DeclarationSummary(many=True)},
    )
    def get(self, request):
        filters = validated(DeclarationFilter, request.query_params)
        declarations = ProvenanceDeclaration.objects.filter(
            model__provider_id=request.auth.provider_id
        ).select_related("model")
        if "model" in filters:
            declarations = declarations.filter(model_id=filters["model"])
        if "status" in filters:
            declarations = declarations.filter(status=filters["status"])
        return paginated(request, self, declarations, DeclarationSummary)

    @extend_schema(
        summary="Start a declaration, optionally with its whole content",
        description=(
            "Starts the model's next version as a draft (or, with amend, a copy of the latest "
            "accepted one) and fills it from the same body: general information, sources, supply "
            "chain, red-team attestations and the statement of truth. Everything that can be "
            "stored is kept, and the response lists every problem still to fix (as validate "
            "does). A value that can't be stored (a wrong type, a choice not in the list, a date "
            "that is not one, text over its limit) refuses the whole body: every such value is "
            "reported, each with a pointer into this body, and no draft is started."
        ),
        request=DeclarationCreate,
        parameters=[ETAG],
        responses=answers({201: DeclarationOutput}, 404),
    )
    def post(self, request):
        if isinstance(request.data, dict):
            refuse_too_many_sources(request.data.get("sources"), "sources")
        body = dict(validated(DeclarationCreate, request.data))
        model_id, amend = body.pop("model"), body.pop("amend")
        try:
            model = access_model_for_member(request.user, model_id)
        except Http404:
            raise model_not_found() from None
        declaration = services.declaration_create(
            actor=request.user, model=model, amend=amend, body=body
        )
        return declaration_response(declaration, status.HTTP_201_CREATED, written=True)


def model_not_found() -> ApiProblem:
    detail = "You have no model with this id"
    return ApiProblem(
        404, "not_found", detail, [{"code": "not_found", "detail": detail, "pointer": "/model"}]
    )


class DeclarationApi(ApiView):
    """A view of one declaration, addressed by its id in the path."""

    def declaration(self, request, declaration_id: int) -> ProvenanceDeclaration:
        return access_declaration_for_member(request.user, declaration_id)


class DeclarationDetailApi(DeclarationApi):
    @extend_schema(
        summary="Read a declaration: content, status, snapshot hash and history",
        parameters=[ETAG],
        responses=answers({200: DeclarationOutput}),
    )
    def get(self, request, declaration_id: int):
        return declaration_response(self.declaration(request, declaration_id))

    @extend_schema(
        summary="Replace a draft's whole content",
        description=(
            "General information and every row are replaced by the body; what the body leaves "
            "out is emptied. Red-team reports must be uploaded again. As on create, everything "
            "that can be stored is kept and the problems still to fix are listed; a value that "
            "can't be stored refuses the whole body and changes nothing."
        ),
        request=DeclarationReplace,
        parameters=[IF_MATCH, ETAG],
        responses=answers({200: DeclarationOutput}, 412),
    )
    def put(self, request, declaration_id: int):
        if isinstance(request.data, dict):
            refuse_too_many_sources(request.data.get("sources"), "sources")
        return self.fill(request, declaration_id, DeclarationReplace, replace=True)

    @extend_schema(
        summary="Change some of a draft, or sign its statement of truth",
        description=(
            "Only what the body gives changes; a collection given (sources, supply_chain, "
            "red_team_attestations) replaces its rows. Everything that can be stored is kept, and "
            "the problems still to fix are listed."
        ),
        request=DeclarationPatch,
        parameters=[IF_MATCH, ETAG],
        responses=answers({200: DeclarationOutput}, 412),
    )
    def patch(self, request, declaration_id: int):
        if isinstance(request.data, dict):
            refuse_too_many_sources(request.data.get("sources"), "sources")
        return self.fill(request, declaration_id, DeclarationPatch, replace=False)

    @extend_schema(
        summary="Delete a draft that was never submitted",
        parameters=[IF_MATCH],
        responses=answers({204: None}, 412),
    )
    def delete(self, request, declaration_id: int):
        declaration = self.declaration(request, declaration_id)
        expected_lock_version(request, declaration)
        services.declaration_discard(actor=request.user, declaration=declaration)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def fill(self, request, declaration_id: int, serializer_class, replace: bool) -> Response:
        declaration = self.declaration(request, declaration_id)
        expected = expected_lock_version(request, declaration)
        body = validated(serializer_class, request.data)
        filled = services.declaration_fill(
            actor=request.user,
            declaration=declaration,
            body=body,
            replace=replace,
            expected_lock_version=expected,
        )
        return declaration_response(filled, written=True)


class DeclarationValidateApi(DeclarationApi):
    permission_classes = [AnyKey]

    @extend_schema(
        summary="Check a declaration as submitting it would, without submitting",
        operation_id="declarations_validate",
        description=(
            "Exactly the problems the submit gate would raise now, each with a pointer into the "
            "declaration's representation (GET). Changes nothing; a read key may call it."
        ),
        request=None,
        responses=answers({200: ValidateOutput}),
    )
    def post(self, request, declaration_id: int):
        declaration = self.declaration(request, declaration_id)
        bodiless(request)
        problems = validation.validate_declaration(selectors.declaration_data(declaration))
        return Response({"valid": not problems, "problems": problem_items(problems)})


class DeclarationSubmitApi(DeclarationApi):
    @extend_schema(
        summary="Submit a draft to the regulator",
        operation_id="declarations_submit",
        description=(
            "Runs the checks of validate; if there are problems nothing changes and they are "
            "listed (400). Otherwise the declaration is frozen in a snapshot whose SHA-256 is in "
            "the response."
        ),
        request=None,
        parameters=[IF_MATCH, ETAG],
        responses=answers({200: DeclarationOutput}, 412),
    )
    def post(self, request, declaration_id: int):
        declaration = self.declaration(request, declaration_id)
        expected = expected_lock_version(request, declaration)
        bodiless(request)
        submitted = services.declaration_submit(
            actor=request.user, declaration=declaration, expected_lock_version=expected
        )
        return declaration_response(submitted)


class DeclarationWithdrawApi(DeclarationApi):
    @extend_schema(
        summary="Withdraw an accepted declaration, with a reason",
        operation_id="declarations_withdraw",
        description="The label is replaced by a public tombstone with the reason; nothing is "
        "deleted.",
        request=DeclarationWithdrawInput,
        parameters=[IF_MATCH, ETAG],
        responses=answers({200: DeclarationOutput}, 412),
    )
    def post(self, request, declaration_id: int):
        declaration = self.declaration(request, declaration_id)
        expected_lock_version(request, declaration)
        reason = validated(DeclarationWithdrawInput, request.data).get("reason") or ""
        withdrawn = services.declaration_withdraw(
            actor=request.user, declaration=declaration, reason=reason
        )
        return declaration_response(withdrawn)


class DeclarationHistoryApi(DeclarationApi):
    @extend_schema(
        summary="Read a declaration's history, with the regulator's reasons",
        responses={200: HistoryEntry(many=True)},
    )
    def get(self, request, declaration_id: int):
        declaration = self.declaration(request, declaration_id)
        history = filing_history(KIND, declaration.pk)
        return paginated(request, self, history, HistoryEntry)


# --- Data sources


SOURCE_OR_SOURCES = PolymorphicProxySerializer(
    component_name="SourceOrSources",
    serializers=[SourceInput, SourceInput(many=True)],
    resource_type_field_name=None,
    many=False,
)
SOURCE_OR_COUNT = PolymorphicProxySerializer(
    component_name="SourceOrCount",
    serializers=[SourceOutput, SourcesBulkResult],
    resource_type_field_name=None,
    many=False,
)


class SourceListApi(DeclarationApi):
    @extend_schema(
        summary="List a declaration's data sources",
        description="Without their top domains, which may be thousands: GET a source for them.",
        responses={200: SourceListItem(many=True)},
    )
    def get(self, request, declaration_id: int):
        declaration = self.declaration(request, declaration_id)
        sources = declaration.sources.defer("top_domains").annotate(
            top_domains_count=JsonArrayLength("top_domains")
        )
        return paginated(request, self, sources, SourceListItem)

    @extend_schema(
        summary="Add a data source, or up to 10,000 at once",
        description=(
            "A JSON object adds one source (201 with it and what it still lacks). A JSON array "
            "adds them all (201 with how many, and what they still lack), or none if any value "
            "can't be stored; pointers then name the array index."
        ),
        request=SOURCE_OR_SOURCES,
        responses=answers({201: SOURCE_OR_COUNT}),
    )
    def post(self, request, declaration_id: int):
        declaration = self.declaration(request, declaration_id)
        if isinstance(request.data, list):
            return self.bulk(request, declaration)
        values = validated(SourceInput, request.data)
        source = services.source_save(
            actor=request.user, declaration=declaration, values=values, complete=False
        )
        return row_response(source, SourceOutput, "source", status.HTTP_201_CREATED)

    @extend_schema(
        summary="Replace all of a declaration's data sources (up to 10,000)",
        operation_id="declarations_sources_replace_all",
        description=(
            "All of them are replaced (with what they still lack listed), or none if any value "
            "can't be stored; pointers name the array index. If-Match takes the declaration's "
            "ETag."
        ),
        request=SourceInput(many=True),
        responses=answers({200: SourcesBulkResult}),
    )
    def put(self, request, declaration_id: int):
        declaration = self.declaration(request, declaration_id)
        expected = expected_lock_version(request, declaration)
        rows = self.rows(request)
        try:
            services.declaration_fill(
                actor=request.user,
                declaration=declaration,
                body={"sources": rows},
                expected_lock_version=expected,
            )
        except ProblemsError as error:
            raise ProblemsError(within(error.problems, "sources")) from None
        still = sources_problems(rows)
        return Response({"created": len(rows), "total": len(rows), "problems": still})

    def bulk(self, request, declaration: ProvenanceDeclaration) -> Response:
        rows = self.rows(request)
        try:
            imported = services.sources_import(
                actor=request.user,
                declaration=declaration,
                rows=rows,
                replace=False,
                complete=False,
            )
        except ProblemsError as error:
            raise ProblemsError(services.imported_rows_renumbered(error.problems, "")) from None
        result = {
            "created": imported.count,
            "total": declaration.sources.count(),
            "problems": problem_items(services.imported_rows_renumbered(imported.problems, "")),
        }
        return Response(result, status=status.HTTP_201_CREATED)

    @staticmethod
    def rows(request) -> list[dict[str, Any]]:
        """The sources of an array body, refused before any is read if there are too many."""
        refuse_too_many_sources(request.data, "")
        return validated(SourceInput, request.data, many=True)


def sources_problems(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """What sources sent in an array still lack, pointers naming the array index."""
    today = timezone.localdate()
    found = [
        problem
        for index, row in enumerate(rows)
        for problem in validation.validate_source(
            services.clean_source_values(row), prefix=f"{index}.", today=today
        )
    ]
    return problem_items(found)


def within(problems: list[Problem], collection: str) -> list[Problem]:
    """Problems named within the declaration (`sources.3.licence`) as named within a body that is
    the collection itself (`3.licence`)."""
    return [
        p.moved(p.field.removeprefix(collection).removeprefix("."))
        if p.field.split(".")[0] == collection
        else p
        for p in problems
    ]


class SourceItemApi(DeclarationApi):
    def source(self, request, declaration_id: int, source_id: int) -> DataSource:
        return access_source_for_member(request.user, declaration_id, source_id)

    @extend_schema(
        summary="Read a data source", parameters=[ETAG], responses=answers({200: SourceOutput})
    )
    def get(self, request, declaration_id: int, source_id: int):
        source = self.source(request, declaration_id, source_id)
        return row_response(source, SourceOutput, "source")

    @extend_schema(
        summary="Replace a data source",
        description="What the body leaves out is emptied.",
        request=SourceInput,
        parameters=[IF_MATCH, ETAG],
        responses=answers({200: SourceOutput}, 412),
    )
    def put(self, request, declaration_id: int, source_id: int):
        return self.save(request, declaration_id, source_id, partial=False)

    @extend_schema(
        summary="Change some of a data source's answers",
        request=SourceInput,
        parameters=[IF_MATCH, ETAG],
        responses=answers({200: SourceOutput}, 412),
    )
    def patch(self, request, declaration_id: int, source_id: int):
        return self.save(request, declaration_id, source_id, partial=True)

    @extend_schema(
        summary="Remove a data source",
        parameters=[IF_MATCH],
        responses=answers({204: None}, 412),
    )
    def delete(self, request, declaration_id: int, source_id: int):
        source = self.source(request, declaration_id, source_id)
        row_expected_version(request, "source", source)
        services.source_remove(actor=request.user, source=source)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def save(self, request, declaration_id: int, source_id: int, partial: bool) -> Response:
        source = self.source(request, declaration_id, source_id)
        expected = row_expected_version(request, "source", source)
        values = validated(SourceInput, request.data)
        saved = services.source_save(
            actor=request.user,
            declaration=source.declaration,
            values=values if partial else replacing(values, selectors.SOURCE_FIELDS),
            source=source,
            expected_lock_version=expected,
            complete=False,
        )
        return row_response(saved, SourceOutput, "source")


# --- Supply chain and red-team attestations: one row at a time


@dataclass(frozen=True)
class RowKind:
    """What the views of one kind of row need: its shapes, its fetch and its writes."""

    noun: str  # as the services' keyword for the row, and the ETag, name it
    related: str
    fields: list[str]
    input: type[serializers.Serializer]
    output: type[serializers.Serializer]
    access: Callable[..., Any]
    save: Callable[..., Any]


PARTIES = RowKind(
    "party",
    "supply_chain",
    selectors.PARTY_FIELDS,
    PartyInput,
    PartyOutput,
    access_party_for_member,
    services.party_save,
)
ATTESTATIONS = RowKind(
    "attestation",
    "red_team_attestations",
    selectors.ATTESTATION_FIELDS,
    AttestationInput,
    AttestationOutput,
    access_attestation_for_member,
    services.attestation_save,
)


class RowListApi(DeclarationApi):
    rows: RowKind

    def get(self, request, declaration_id: int):
        declaration = self.declaration(request, declaration_id)
        rows = getattr(declaration, self.rows.related).all()
        return paginated(request, self, rows, self.rows.output)

    def post(self, request, declaration_id: int):
        declaration = self.declaration(request, declaration_id)
        values = validated(self.rows.input, request.data)
        row = self.rows.save(
            actor=request.user, declaration=declaration, values=values, complete=False
        )
        return row_response(row, self.rows.output, self.rows.noun, status.HTTP_201_CREATED)


class RowItemApi(DeclarationApi):
    rows: RowKind

    def row(self, request, declaration_id: int, row_id: int):
        return self.rows.access(request.user, declaration_id, row_id)

    def get(self, request, declaration_id: int, row_id: int):
        row = self.row(request, declaration_id, row_id)
        return row_response(row, self.rows.output, self.rows.noun)

    def put(self, request, declaration_id: int, row_id: int):
        return self.change(request, declaration_id, row_id, partial=False)

    def patch(self, request, declaration_id: int, row_id: int):
        return self.change(request, declaration_id, row_id, partial=True)

    def delete(self, request, declaration_id: int, row_id: int):
        row = self.row(request, declaration_id, row_id)
        row_expected_version(request, self.rows.noun, row)
        services.row_remove(actor=request.user, row=row)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def change(self, request, declaration_id: int, row_id: int, partial: bool) -> Response:
        row = self.row(request, declaration_id, row_id)
        expected = row_expected_version(request, self.rows.noun, row)
        values = validated(self.rows.input, request.data)
        saved = self.rows.save(
            actor=request.user,
            declaration=row.declaration,
            values=values if partial else replacing(values, self.rows.fields),
            expected_lock_version=expected,
            complete=False,
            **{self.rows.noun: row},
        )
        return row_response(saved, self.rows.output, self.rows.noun)


def row_list_schema(noun: str, input_class, output_class) -> dict:
    return {
        "get": extend_schema(
            summary=f"List a declaration's {noun}s", responses={200: output_class(many=True)}
        ),
        "post": extend_schema(
            summary=f"Add a {noun}",
            request=input_class,
            parameters=[ETAG],
            responses=answers({201: output_class}),
        ),
    }


def row_item_schema(noun: str, input_class, output_class) -> dict:
    change: dict[str, Any] = {
        "request": input_class,
        "parameters": [IF_MATCH, ETAG],
        "responses": answers({200: output_class}, 412),
    }
    return {
        "get": extend_schema(
            summary=f"Read a {noun}", parameters=[ETAG], responses=answers({200: output_class})
        ),
        "put": extend_schema(
            summary=f"Replace a {noun}",
            description="What the body leaves out is emptied.",
            **change,
        ),
        "patch": extend_schema(summary=f"Change some of a {noun}'s answers", **change),
        "delete": extend_schema(
            summary=f"Remove a {noun}",
            parameters=[IF_MATCH],
            responses=answers({204: None}, 412),
        ),
    }


@extend_schema_view(**row_list_schema("supply chain party", PartyInput, PartyOutput))
class PartyListApi(RowListApi):
    rows = PARTIES


@extend_schema_view(**row_item_schema("supply chain party", PartyInput, PartyOutput))
class PartyItemApi(RowItemApi):
    rows = PARTIES


@extend_schema_view(**row_list_schema("red-team attestation", AttestationInput, AttestationOutput))
class AttestationListApi(RowListApi):
    rows = ATTESTATIONS


@extend_schema_view(**row_item_schema("red-team attestation", AttestationInput, AttestationOutput))
class AttestationItemApi(RowItemApi):
    rows = ATTESTATIONS


class AttestationReportApi(DeclarationApi):
    def perform_content_negotiation(self, request, force=False):
        # The report is a PDF whatever the client accepts; errors are still problem+json.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="Download an attestation's report (PDF)",
        operation_id="declarations_red_team_report_download",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such attestation of yours, or no report yet"),
        },
    )
    def get(self, request, declaration_id: int, attestation_id: int):
        attestation = access_attestation_for_member(request.user, declaration_id, attestation_id)
        if not attestation.report:
            raise Http404
        return FileResponse(
            attestation.report.open("rb"),
            as_attachment=True,
            filename=f"red-team-report-{attestation.pk}.pdf",
            content_type="application/pdf",
        )

    @extend_schema(
        summary="Upload an attestation's report (PDF)",
        operation_id="declarations_red_team_report_upload",
        description=(
            "The PDF is the raw request body, with Content-Type: application/pdf. It replaces any "
            "earlier report. Only the regulator and your organisation can read it."
        ),
        request={"application/pdf": OpenApiTypes.BINARY},
        parameters=[IF_MATCH, ETAG],
        responses=answers({200: AttestationOutput}, 412, 413, 415),
    )
    def put(self, request, declaration_id: int, attestation_id: int):
        attestation = access_attestation_for_member(request.user, declaration_id, attestation_id)
        expected = row_expected_version(request, "attestation", attestation)
        report = pdf_from_body(request)
        saved = services.attestation_save(
            actor=request.user,
            declaration=attestation.declaration,
            values={},
            attestation=attestation,
            expected_lock_version=expected,
            report=report,
        )
        return row_response(saved, AttestationOutput, "attestation")


def pdf_from_body(request) -> SimpleUploadedFile:
    """The request body as an uploaded PDF: 415 unless a PDF, 413 over the size limit."""
    media_type = (request.content_type or "").split(";")[0].strip().lower()
    if media_type != "application/pdf":
        raise ApiProblem(415, "unsupported_media_type", "Send the report as application/pdf")
    limit = settings.RED_TEAM_REPORT_MAX_BYTES
    body = request.body
    if len(body) > limit:
        raise ApiProblem(
            413, "report_too_large", f"The report must be smaller than {size_text(limit)}"
        )
    report = SimpleUploadedFile("report.pdf", body, content_type="application/pdf")
    try:
        check_pdf(report, max_bytes=limit)
    except UploadError as error:
        raise ApiProblem(415 if body else 400, "report_invalid", error.message) from None
    return report


urlpatterns = [
    path("declarations/", DeclarationListApi.as_view(), name="declarations"),
    path("declarations/<int:declaration_id>/", DeclarationDetailApi.as_view(), name="declaration"),
    path(
        "declarations/<int:declaration_id>/validate",
        DeclarationValidateApi.as_view(),
        name="declaration-validate",
    ),
    path(
        "declarations/<int:declaration_id>/submit",
        DeclarationSubmitApi.as_view(),
        name="declaration-submit",
    ),
    path(
        "declarations/<int:declaration_id>/withdraw",
        DeclarationWithdrawApi.as_view(),
        name="declaration-withdraw",
    ),
    path(
        "declarations/<int:declaration_id>/history",
        DeclarationHistoryApi.as_view(),
        name="declaration-history",
    ),
    path(
        "declarations/<int:declaration_id>/sources/",
        SourceListApi.as_view(),
        name="declaration-sources",
    ),
    path(
        "declarations/<int:declaration_id>/sources/<int:source_id>/",
        SourceItemApi.as_view(),
        name="declaration-source",
    ),
    path(
        "declarations/<int:declaration_id>/supply-chain/",
        PartyListApi.as_view(),
        name="declaration-parties",
    ),
    path(
        "declarations/<int:declaration_id>/supply-chain/<int:row_id>/",
        PartyItemApi.as_view(),
        name="declaration-party",
    ),
    path(
        "declarations/<int:declaration_id>/red-team/",
        AttestationListApi.as_view(),
        name="declaration-attestations",
    ),
    path(
        "declarations/<int:declaration_id>/red-team/<int:row_id>/",
        AttestationItemApi.as_view(),
        name="declaration-attestation",
    ),
    path(
        "declarations/<int:declaration_id>/red-team/<int:attestation_id>/report",
        AttestationReportApi.as_view(),
        name="declaration-attestation-report",
    ),
]
