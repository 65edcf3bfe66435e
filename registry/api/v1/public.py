"""API v1: the public register. No key needed; each client address has its own rate limit.

The label's serializers here are the label's JSON wherever it is served (the API and the
register's `/register/models/<MOD-…>.json`); its content comes from `registry.labels.selectors`.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.response import Response

from registry.api.views import IdCursorPagination, PublicApiView
from registry.declarations import choices
from registry.exchange.selectors import export_links
from registry.filings.states import Status
from registry.labels import selectors
from registry.labels.selectors.register import provider_list_entry, registered_providers
from registry.labels.selectors.search import search_models, search_providers
from registry.providers.models import (
    ControlVerdict,
    InvestorKind,
    OwnershipBand,
    StateAffiliation,
)
from registry.transparency.selectors import label_with_proofs

NOT_FOUND = OpenApiResponse(description="Not on the register: never accepted, or no such number")

# --- Lists of models and providers


class PublicProviderBrief(serializers.Serializer):
    registration_number = serializers.CharField(help_text="PRV- number")
    name = serializers.CharField(help_text="The trading name, or the legal name if none")
    legal_name = serializers.CharField()
    country = serializers.CharField(help_text="Country of incorporation (ISO 3166-1 alpha-2)")


class PublicModelEntry(serializers.Serializer):
    registration_number = serializers.CharField(help_text="MOD- number")
    name = serializers.CharField()
    version = serializers.CharField(help_text="The model's own version, e.g. '2.1'")
    model_type = serializers.ChoiceField(choices.ModelType.choices)
    modalities_in = serializers.ListField(child=serializers.ChoiceField(choices.Modality.choices))
    modalities_out = serializers.ListField(child=serializers.ChoiceField(choices.Modality.choices))
    parameter_count = serializers.IntegerField(allow_null=True)
    release_date = serializers.DateField(allow_null=True)
    distribution = serializers.ChoiceField(choices.Distribution.choices)
    label_version = serializers.IntegerField(help_text="The latest published declaration")
    status = serializers.ChoiceField(
        Status.choices, help_text="Of the latest published declaration: accepted or withdrawn"
    )
    withdrawn = serializers.BooleanField(help_text="True: the model's label is a tombstone")
    accepted_on = serializers.DateField(allow_null=True)
    withdrawn_on = serializers.DateField(allow_null=True)


class PublicModelBrief(PublicModelEntry):
    provider = PublicProviderBrief()
    control_verdict = serializers.ChoiceField(
        ControlVerdict.choices,
        allow_null=True,
        help_text="Who controls the provider, as the model's label says; null if withdrawn",
    )


class ModelQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Part of a model's name, its provider's name, or either registration number",
    )
    modality = serializers.ListField(
        child=serializers.ChoiceField(choices.Modality.choices),
        required=False,
        help_text="The model takes it in or puts it out (repeat for any of several)",
    )
    category = serializers.ListField(
        child=serializers.ChoiceField(choices.SourceCategory.choices),
        required=False,
        help_text=(
            "The latest published declaration has a source of this category (repeat for any "
            "of several)"
        ),
    )
    provider = serializers.RegexField(
        r"^PRV-[0-9]{6}$", required=False, help_text="The provider's PRV- number"
    )
    control = serializers.ListField(
        child=serializers.ChoiceField(ControlVerdict.choices),
        required=False,
        help_text=(
            "Who controls the provider, by its accepted ownership statement (repeat for any "
            "of several); a withdrawn model matches none"
        ),
    )
    alert = serializers.ListField(
        child=serializers.ChoiceField([*selectors.PUBLIC_ALERTS, selectors.NO_ALERTS]),
        required=False,
        help_text=(
            "The model's label shows this public alert today (repeat for any of several; "
            "'none': it shows none); a withdrawn model matches none"
        ),
    )


class ProviderQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Words of the legal or trading name or the PRV- number, or the company number",
    )


def query(serializer_class: type[serializers.Serializer], request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class PublicModelListApi(PublicApiView):
    @extend_schema(
        operation_id="public_models_list",
        summary="Search the register's models",
        description=(
            "Registered models: those with an accepted, superseded or withdrawn declaration. "
            "A model never accepted is not listed."
        ),
        parameters=[ModelQuery],
        responses={200: PublicModelBrief(many=True)},
    )
    def get(self, request):
        filters = query(ModelQuery, request)
        # The register page's search (words in any order, accents folded), by id for the cursor.
        models = search_models(
            q=filters.get("q", "").strip(),
            modalities=filters.get("modality", []),
            categories=filters.get("category", []),
            provider=filters.get("provider", ""),
            control=filters.get("control", []),
            alerts=filters.get("alert", []),
        ).order_by("id")
        paginator = IdCursorPagination()
        page = paginator.paginate_queryset(models, request, view=self)
        rows = [selectors.public_model_entry(model) for model in page or []]
        return paginator.get_paginated_response(PublicModelBrief(rows, many=True).data)


class PublicProviderEntry(PublicProviderBrief):
    company_number = serializers.CharField()
    models_on_register = serializers.IntegerField(
        help_text="Its models on the register, withdrawn ones included"
    )
    ownership_accepted = serializers.BooleanField()
    status = serializers.CharField(help_text="Where it stands on the register, in words")
    control_verdict = serializers.ChoiceField(ControlVerdict.choices)


class PublicProviderListApi(PublicApiView):
    @extend_schema(
        operation_id="public_providers_list",
        summary="Search the register's providers",
        description=(
            "Every registered provider, as Companies House lists every company, with where it "
            "stands: whether anything of it has been accepted yet."
        ),
        parameters=[ProviderQuery],
        responses={200: PublicProviderEntry(many=True)},
    )
    def get(self, request):
        q = query(ProviderQuery, request).get("q", "").strip()
        providers = search_providers(q).order_by("id")
        paginator = IdCursorPagination()
        page = paginator.paginate_queryset(providers, request, view=self)
        rows = [provider_list_entry(provider) for provider in page or []]
        return paginator.get_paginated_response(PublicProviderEntry(rows, many=True).data)


# --- Ownership, in bands


class PublicInvestor(serializers.Serializer):
    investor_name = serializers.CharField()
    investor_kind = serializers.ChoiceField(InvestorKind.choices)
    country = serializers.CharField()
    registration_number = serializers.CharField()
    share_band = serializers.ChoiceField(
        OwnershipBand.choices, help_text="Shares held, in the PSC register's bands"
    )
    votes_band = serializers.ChoiceField(
        OwnershipBand.choices, help_text="Votes held, in the PSC register's bands"
    )
    board_appointment = serializers.BooleanField(help_text="May appoint or remove the board")
    significant_influence = serializers.BooleanField()
    state_affiliation = serializers.ChoiceField(StateAffiliation.choices)
    acquired_on = serializers.DateField(allow_null=True)
    ceased_on = serializers.DateField(allow_null=True, help_text="Set once the holding ended")
    nsi_notified = serializers.BooleanField(help_text="Notified under the NSI Act 2021")


class ForeignHolding(serializers.Serializer):
    country = serializers.CharField()
    investors = serializers.IntegerField()
    share_band = serializers.ChoiceField(
        OwnershipBand.choices, help_text="The country's investors' shares together, in a band"
    )
    votes_band = serializers.ChoiceField(
        OwnershipBand.choices, help_text="The country's investors' votes together, in a band"
    )


class Control(serializers.Serializer):
    """Who controls the provider: one verdict, which the label, its alerts, the register's
    filters and this API all take from the same rule."""

    verdict = serializers.ChoiceField(
        ControlVerdict.choices,
        help_text=(
            "foreign_state_influence: a foreign state-affiliated investor holds more than 25% "
            "of shares or votes, board appointment rights or significant influence; "
            "foreign_controlled: foreign investors together hold more than 50% of shares or "
            "votes; uk_controlled: neither; not_declared: no accepted ownership statement"
        ),
    )
    countries = serializers.ListField(
        child=serializers.CharField(),
        help_text="The foreign investors' countries behind the verdict, largest holding first",
    )


class OwnershipSummary(serializers.Serializer):
    """Who stands behind the provider, from its accepted ownership statement."""

    statement_version = serializers.IntegerField()
    accepted_on = serializers.DateField(allow_null=True)
    investors = PublicInvestor(many=True)
    foreign_share_band = serializers.ChoiceField(
        OwnershipBand.choices, help_text="Foreign investors' current shares together"
    )
    foreign_votes_band = serializers.ChoiceField(
        OwnershipBand.choices, help_text="Foreign investors' current votes together"
    )
    foreign_by_country = ForeignHolding(many=True)
    state_affiliated = serializers.BooleanField(
        help_text="A current investor is state-owned, state-controlled, government or military"
    )
    state_affiliated_investors = PublicInvestor(many=True)


class PublicProviderOutput(PublicProviderBrief):
    trading_name = serializers.CharField()
    company_number = serializers.CharField()
    registered_address = serializers.CharField()
    website = serializers.CharField()
    contact_email = serializers.CharField()
    uk_representative = serializers.CharField()
    registered_on = serializers.DateField()
    status = serializers.CharField(help_text="Where it stands on the register, in words")
    control = Control()
    ownership = OwnershipSummary(allow_null=True, help_text="null until a statement is accepted")
    models = PublicModelEntry(many=True)


REGISTRATION_NUMBER = OpenApiParameter(
    "registration_number", OpenApiTypes.STR, OpenApiParameter.PATH, description="MOD- number"
)
PROVIDER_NUMBER = OpenApiParameter(
    "registration_number", OpenApiTypes.STR, OpenApiParameter.PATH, description="PRV- number"
)


class PublicProviderApi(PublicApiView):
    @extend_schema(
        operation_id="public_provider_retrieve",
        summary="Read a provider's public record",
        parameters=[PROVIDER_NUMBER],
        responses={200: PublicProviderOutput, 404: NOT_FOUND},
    )
    def get(self, request, registration_number: str):
        provider = registered_providers().filter(registration_number=registration_number)
        found = provider.first()
        if found is None:
            raise Http404
        record = selectors.public_provider_data(found) | {
            "status": provider_list_entry(found)["status"]
        }
        return Response(PublicProviderOutput(record).data)


# --- The label


class Percent(serializers.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(max_digits=7, decimal_places=3, **kwargs)


class LabelModel(serializers.Serializer):
    registration_number = serializers.CharField(help_text="MOD- number")
    name = serializers.CharField()
    version = serializers.CharField(help_text="The model's own version, e.g. '2.1'")
    model_type = serializers.ChoiceField(choices.ModelType.choices)
    modalities_in = serializers.ListField(child=serializers.ChoiceField(choices.Modality.choices))
    modalities_out = serializers.ListField(child=serializers.ChoiceField(choices.Modality.choices))
    parameter_count = serializers.IntegerField(allow_null=True)
    release_date = serializers.DateField(allow_null=True)
    distribution = serializers.ChoiceField(choices.Distribution.choices)
    intended_uses = serializers.CharField()


class Withdrawal(serializers.Serializer):
    reason = serializers.CharField()
    withdrawn_at = serializers.DateTimeField()


SIZE_MODALITIES = [(m, choices.Modality(m).label) for m in choices.SIZE_BANDS]
SIZE_BANDS = list(dict.fromkeys(band for bands in choices.SIZE_BANDS.values() for band in bands))


class SizeBand(serializers.Serializer):
    modality = serializers.ChoiceField(SIZE_MODALITIES)
    band = serializers.ChoiceField(
        SIZE_BANDS,
        help_text="Text: tokens lt_1b, 1b_10t, gt_10t; images: lt_1m, 1m_1b, gt_1b; audio and "
        "video: hours lt_10k_h, 10k_1m_h, gt_1m_h",
    )


class LabelLanguage(serializers.Serializer):
    code = serializers.CharField(help_text="ISO 639-1")
    share_percent = Percent(allow_null=True)


class TrainingData(serializers.Serializer):
    size_bands = SizeBand(many=True, help_text="Bands only: the exact totals are not public")
    languages = LabelLanguage(many=True)
    latest_collection_date = serializers.DateField(allow_null=True)
    continuous_training = serializers.BooleanField(allow_null=True)
    content_types = serializers.ListField(child=serializers.CharField())
    tdm_opt_out_measures = serializers.CharField()
    illegal_content_measures = serializers.CharField()
    code_of_practice_signatory = serializers.BooleanField(allow_null=True)


class CompositionRow(serializers.Serializer):
    category = serializers.ChoiceField(choices.SourceCategory.choices)
    share_percent = Percent(help_text="The category's sources' shares added up")
    sources = serializers.IntegerField()
    confidential_sources = serializers.IntegerField(help_text="Counted here, never named")


class AnswerCounts(serializers.Serializer):
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    unknown = serializers.IntegerField()


class PersonalDataSummary(AnswerCounts):
    aggregate_consumer_data = serializers.IntegerField(
        help_text="Sources with aggregate consumer information"
    )


def count_serializer(name: str, values: list[str], doc: str) -> type[serializers.Serializer]:
    fields: dict[str, Any] = {value: serializers.IntegerField() for value in values}
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc})


IpStatusCounts = count_serializer(
    "IpStatusCounts", choices.IpStatus.values, "Sources counted by IP status."
)
LicenceUseCounts = count_serializer(
    "LicenceUseCounts", choices.LicenceUse.values, "Sources counted by licence use."
)


class LabelGeneratorModel(serializers.Serializer):
    name = serializers.CharField()
    provider = serializers.CharField()
    terms_permit_training = serializers.ChoiceField(choices.YesNoUnknown.choices)


class SyntheticSource(serializers.Serializer):
    source_name = serializers.CharField(help_text="The source's name")
    generator_models = LabelGeneratorModel(many=True)


class SyntheticSummary(serializers.Serializer):
    sources = serializers.IntegerField()
    share_percent = Percent()
    generator_terms = AnswerCounts(
        help_text="Whether the generators' terms permit training, over every synthetic source"
    )
    generators = SyntheticSource(many=True, help_text="Sources that are not confidential")


class Crawl(serializers.Serializer):
    source_name = serializers.CharField(help_text="The source's name")
    crawler_name = serializers.CharField()
    crawler_user_agent = serializers.CharField()
    robots_txt_respected = serializers.BooleanField(allow_null=True)
    tdm_opt_out_respected = serializers.BooleanField(allow_null=True)
    top_domains = serializers.ListField(
        child=serializers.CharField(), help_text="The top 10% of crawled domains by content size"
    )


class CrawlingSummary(serializers.Serializer):
    sources = serializers.IntegerField()
    share_percent = Percent()
    robots_txt = AnswerCounts(help_text="Crawls that respected robots.txt, over every crawl")
    tdm_opt_out = AnswerCounts(help_text="Crawls that respected TDM opt-outs, over every crawl")
    crawls = Crawl(many=True, help_text="Crawls that are not confidential")


class PublicSource(serializers.Serializer):
    """A source of training data that is not confidential, with its public answers."""

    name = serializers.CharField()
    category = serializers.ChoiceField(choices.SourceCategory.choices)
    description = serializers.CharField()
    url = serializers.CharField()
    dataset_version = serializers.CharField()
    owner = serializers.CharField(help_text="Creator or rightsholder")
    licence = serializers.CharField(help_text="SPDX expression or LicenseRef-…")
    licence_use_category = serializers.ChoiceField(choices.LicenceUse.choices, allow_blank=True)
    acquisition = serializers.ChoiceField(choices.Acquisition.choices, allow_blank=True)
    modalities = serializers.ListField(child=serializers.ChoiceField(choices.Modality.choices))
    languages = serializers.ListField(child=serializers.CharField(), help_text="ISO 639-1")
    share_percent = Percent(allow_null=True, help_text="Of the training mix")
    collection_start = serializers.DateField(allow_null=True)
    collection_end = serializers.DateField(allow_null=True)
    collection_ongoing = serializers.BooleanField()
    first_used_on = serializers.DateField(allow_null=True)
    purpose = serializers.CharField()
    personal_data = serializers.ChoiceField(choices.YesNoUnknown.choices, allow_blank=True)
    personal_data_measures = serializers.CharField()
    aggregate_consumer_data = serializers.BooleanField()
    ip_status = serializers.ChoiceField(choices.IpStatus.choices, allow_blank=True)
    processing = serializers.ListField(child=serializers.ChoiceField(choices.Processing.choices))
    processing_notes = serializers.CharField()
    countries = serializers.ListField(child=serializers.CharField(), help_text="Of collection")


class ConfidentialSummary(serializers.Serializer):
    count = serializers.IntegerField()
    share_percent = Percent()


class Party(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.ChoiceField(choices.PartyRole.choices)
    country = serializers.CharField()
    company_number = serializers.CharField()


class RoleGroup(serializers.Serializer):
    role = serializers.ChoiceField(choices.PartyRole.choices)
    country = serializers.CharField()
    parties = serializers.IntegerField()


class SupplyChainSummary(serializers.Serializer):
    parties = Party(many=True)
    by_role = RoleGroup(many=True, help_text="How many parties of each role in each country")


class PublicAttestation(serializers.Serializer):
    assessor = serializers.CharField()
    assessor_independent = serializers.BooleanField(allow_null=True)
    scope = serializers.ListField(child=serializers.ChoiceField(choices.RedTeamScope.choices))
    performed_on = serializers.DateField(allow_null=True)
    outcome = serializers.ChoiceField(choices.RedTeamOutcome.choices, allow_blank=True)
    summary = serializers.CharField()
    next_due = serializers.DateField(allow_null=True)


class RedTeamingSummary(serializers.Serializer):
    attestations = serializers.IntegerField()
    latest = PublicAttestation(allow_null=True, help_text="The most recent; the report is private")


class VersionEntry(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.ChoiceField(Status.choices)
    submitted_on = serializers.DateField(allow_null=True)
    accepted_on = serializers.DateField(allow_null=True)
    withdrawn_on = serializers.DateField(allow_null=True)


class PublicAlert(serializers.Serializer):
    """An alert raised automatically from the provider's own answers by one of the register's
    risk rules: not a finding of the regulator."""

    code = serializers.CharField(help_text="The rule's stable code")
    severity = serializers.ChoiceField(["high", "medium", "low"])
    title = serializers.CharField(help_text="The rule, in a few words")
    explanation = serializers.CharField(help_text="What raised it, in a sentence")


class LineageBase(serializers.Serializer):
    """A model this one was built on."""

    relation = serializers.ChoiceField(choices.Relation.choices)
    kind = serializers.ChoiceField(
        ["registered", "external", "unregistered"],
        help_text=(
            "registered: on the register, with its number; external: named as the provider "
            "named it; unregistered: a model of the same provider not on the register, unnamed"
        ),
    )
    registration_number = serializers.CharField(allow_null=True, help_text="MOD- number")
    name = serializers.CharField()
    version = serializers.CharField()
    provider = serializers.CharField()


class LineageDerived(serializers.Serializer):
    """A registered model built on this one."""

    relation = serializers.ChoiceField(choices.Relation.choices)
    registration_number = serializers.CharField(help_text="MOD- number")
    name = serializers.CharField()
    version = serializers.CharField()
    provider = serializers.CharField()


class Lineage(serializers.Serializer):
    built_on = LineageBase(many=True)
    built_into = LineageDerived(many=True)


def shares_serializer(name: str, values: list[str], doc: str) -> type[serializers.Serializer]:
    fields: dict[str, Any] = {value: Percent() for value in values}
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc})


PersonalDataShares = shares_serializer(
    "PersonalDataShares",
    choices.YesNoUnknown.values,
    "Shares of the mix from sources that hold personal data, don't, or don't know.",
)
CopyrightShares = shares_serializer(
    "CopyrightShares",
    ["copyrighted", "public_domain", "own", "unknown"],
    "Shares of the mix by copyright status; 'copyrighted' includes 'mixed'.",
)
LicenceUseShares = shares_serializer(
    "LicenceUseShares", choices.LicenceUse.values, "Shares of the mix by what licences allow."
)
TermsShares = shares_serializer(
    "TermsShares",
    ["permit", "forbid", "unknown"],
    "Shares of the mix whose generators' terms permit, forbid or may forbid training.",
)
OPT_OUT = serializers.ChoiceField(
    ["yes", "partly", "no"],
    allow_null=True,
    help_text="Respected by every crawl, by some, or by none; null when there is no crawl",
)


class WebCrawlFact(serializers.Serializer):
    share_percent = Percent()
    robots_txt = OPT_OUT
    tdm_opt_out = OPT_OUT


class SyntheticFact(serializers.Serializer):
    share_percent = Percent()
    terms = TermsShares()
    generators = LabelGeneratorModel(many=True, help_text="Of sources that are not confidential")
    unnamed_generators = serializers.BooleanField(
        help_text="Confidential synthetic sources have generators, counted but not named"
    )


class LanguagesFact(serializers.Serializer):
    top = LabelLanguage(many=True, help_text="The largest shares first")
    more = serializers.IntegerField(help_text="How many more languages the label lists")


class RoleCountries(serializers.Serializer):
    role = serializers.ChoiceField(choices.PartyRole.choices)
    countries = serializers.ListField(child=serializers.CharField())


class RedTeamFact(serializers.Serializer):
    outcome = serializers.ChoiceField(choices.RedTeamOutcome.choices, allow_blank=True)
    performed_on = serializers.DateField(allow_null=True)
    assessor_independent = serializers.BooleanField(allow_null=True)
    next_due = serializers.DateField(allow_null=True)


class Facts(serializers.Serializer):
    """The facts panel's figures: shares of the training mix (confidential sources counted) or
    verdicts, never counts of rows."""

    unstated = Percent(help_text="What the sources' shares leave of 100%")
    languages = LanguagesFact()
    personal_data = PersonalDataShares()
    copyright = CopyrightShares()
    licence_use = LicenceUseShares()
    web_crawl = WebCrawlFact()
    synthetic = SyntheticFact()
    supply_chain = RoleCountries(many=True)
    red_teaming = RedTeamFact(allow_null=True, help_text="The latest attestation; null if none")


class LogProof(serializers.Serializer):
    leaf_index = serializers.IntegerField(
        allow_null=True, help_text="The leaf's index in the log; null while it awaits the log"
    )
    proof = serializers.CharField(
        allow_null=True,
        help_text="A C2SP tlog-proof: the leaf (as its extra data), its inclusion proof and the "
        "signed checkpoint with witnesses' cosignatures",
    )


class Transparency(serializers.Serializer):
    """Proofs that the label is what the register logged (DESIGN §7): `provenance-register
    verify` checks them offline with the log's published key."""

    log = serializers.CharField(help_text="The log's origin, as its checkpoints name it")
    declaration = LogProof(help_text="The declaration's latest leaf: the label's own record")
    ownership = LogProof(
        allow_null=True,
        help_text="The provider's accepted ownership statement's latest leaf: the provider, "
        "ownership and control members; null with no accepted statement",
    )
    verify_url = serializers.URLField(help_text="Where to check this label in a browser")


class PublicLabel(serializers.Serializer):
    """A model's nutritional label: one published version of its provenance declaration."""

    kind = serializers.ChoiceField(["label"])
    model = LabelModel()
    provider = PublicProviderBrief()
    version = serializers.IntegerField(help_text="The declaration's version: the label version")
    status = serializers.ChoiceField(Status.choices)
    submitted_on = serializers.DateField(allow_null=True)
    accepted_on = serializers.DateField(allow_null=True)
    redeclaration_due = serializers.DateField(
        allow_null=True, help_text="When the provider must declare the model again"
    )
    withdrawn = serializers.BooleanField()
    withdrawal = Withdrawal(allow_null=True, help_text="Why and when, if withdrawn")
    lineage = Lineage()
    training_data = TrainingData()
    composition = CompositionRow(many=True, help_text="By source category, largest share first")
    personal_data = PersonalDataSummary(help_text="Sources counted by their personal data answer")
    ip_status = IpStatusCounts()
    licence_use = LicenceUseCounts()
    synthetic = SyntheticSummary()
    crawling = CrawlingSummary()
    sources = PublicSource(many=True, help_text="Every source that is not confidential")
    confidential_sources = ConfidentialSummary()
    control = Control()
    ownership = OwnershipSummary(allow_null=True, help_text="null until a statement is accepted")
    supply_chain = SupplyChainSummary()
    red_teaming = RedTeamingSummary()
    versions = VersionEntry(many=True, help_text="Every published version, newest first")
    public_alerts = PublicAlert(many=True)
    facts = Facts()
    snapshot_sha256 = serializers.CharField(
        allow_null=True, help_text="SHA-256 of the filing as submitted and accepted"
    )
    transparency = Transparency(
        required=False,
        help_text="Not part of the label's record: the proofs that the record was logged",
    )


class TombstoneModel(serializers.Serializer):
    registration_number = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()


class PublicTombstone(serializers.Serializer):
    """What stays of a model whose latest published version was withdrawn."""

    kind = serializers.ChoiceField(["tombstone"])
    withdrawn = serializers.BooleanField()
    model = TombstoneModel()
    provider = PublicProviderBrief()
    version = serializers.IntegerField(help_text="The version that was withdrawn")
    reason = serializers.CharField()
    withdrawn_at = serializers.DateTimeField()
    accepted_on = serializers.DateField(allow_null=True)
    versions = VersionEntry(many=True)


def label_response(data: dict[str, Any]) -> Response:
    serializer = PublicLabel if data["kind"] == "label" else PublicTombstone
    return Response(serializer(data).data)


LABEL_OR_TOMBSTONE = PolymorphicProxySerializer(
    component_name="PublicModelLabel",
    serializers={"label": PublicLabel, "tombstone": PublicTombstone},
    resource_type_field_name="kind",
)


class PublicModelApi(PublicApiView):
    @extend_schema(
        operation_id="public_model_label",
        summary="Read a model's label",
        description=(
            "The label of the model's latest accepted version; a tombstone if its latest "
            "published version was withdrawn."
        ),
        parameters=[REGISTRATION_NUMBER],
        responses={200: LABEL_OR_TOMBSTONE, 404: NOT_FOUND},
    )
    def get(self, request, registration_number: str):
        declaration = selectors.label_declaration(registration_number)
        if declaration is None:
            raise Http404
        return label_response(label_with_proofs(declaration, selectors.model_label(declaration)))


class PublicModelVersionApi(PublicApiView):
    @extend_schema(
        operation_id="public_model_label_version",
        summary="Read one published version of a model's label",
        description="Superseded and withdrawn versions stay readable: nothing published goes.",
        parameters=[REGISTRATION_NUMBER],
        responses={200: PublicLabel, 404: NOT_FOUND},
    )
    def get(self, request, registration_number: str, version: int):
        declaration = selectors.label_declaration(registration_number, version)
        if declaration is None:
            raise Http404
        return label_response(label_with_proofs(declaration, selectors.label_data(declaration)))


class ExportLink(serializers.Serializer):
    key = serializers.CharField(help_text="spdx, cyclonedx, eu-summary, eu-summary-pdf, …")
    title = serializers.CharField()
    media_type = serializers.CharField()
    url = serializers.URLField()


class ExportList(serializers.Serializer):
    exports = ExportLink(many=True)


class PublicModelVersionExportsApi(PublicApiView):
    @extend_schema(
        operation_id="public_model_version_exports",
        summary="List one published version's exports in the field's standards",
        description=(
            "SPDX 3.0.1 (AI and Dataset profiles), CycloneDX 1.6 ML-BOM, the EU AI Office's "
            "public summary of training content and California AB 2013's disclosure: each "
            "made from the version's public label only."
        ),
        parameters=[REGISTRATION_NUMBER],
        responses={200: ExportList, 404: NOT_FOUND},
    )
    def get(self, request, registration_number: str, version: int):
        if selectors.label_declaration(registration_number, version) is None:
            raise Http404
        links = [
            link | {"url": request.build_absolute_uri(link["url"])}
            for link in export_links(registration_number, version)
        ]
        return Response(ExportList({"exports": links}).data)


urlpatterns = [
    path("public/models/", PublicModelListApi.as_view(), name="public-models"),
    path(
        "public/models/<str:registration_number>/",
        PublicModelApi.as_view(),
        name="public-model",
    ),
    path(
        "public/models/<str:registration_number>/versions/<int:version>/",
        PublicModelVersionApi.as_view(),
        name="public-model-version",
    ),
    path(
        "public/models/<str:registration_number>/versions/<int:version>/exports/",
        PublicModelVersionExportsApi.as_view(),
        name="public-model-version-exports",
    ),
    path("public/providers/", PublicProviderListApi.as_view(), name="public-providers"),
    path(
        "public/providers/<str:registration_number>/",
        PublicProviderApi.as_view(),
        name="public-provider",
    ),
]
