"""Factories for incidental data; tests set explicitly whatever they assert on."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal

import factory
from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone

from registry.accounts.models import Membership, User
from registry.accounts.roles import MemberRole
from registry.declarations.choices import (
    Acquisition,
    Distribution,
    IpStatus,
    LicenceUse,
    ModelType,
    PartyRole,
    RedTeamOutcome,
    SourceCategory,
    YesNoUnknown,
)
from registry.declarations.models import (
    AIModel,
    DataSource,
    ProvenanceDeclaration,
    RedTeamAttestation,
    SupplyChainParty,
)
from registry.filings.states import Status
from registry.providers.models import (
    InvestmentLink,
    InvestorKind,
    OwnershipStatement,
    Provider,
    StateAffiliation,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    # Confirmed, as most people who file are; a test of confirming passes email_verified_at=None.
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    registration_number = factory.Sequence(lambda n: f"PRV-{900000 + n:06d}")
    legal_name = factory.Sequence(lambda n: f"Provider {n} Ltd")
    country = "GB"
    company_number = factory.Sequence(lambda n: f"{10000000 + n:08d}")
    registered_address = "1 Test Street\nLondon"
    website = "https://provider.example"
    contact_email = "contact@provider.example"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    provider = factory.SubFactory(ProviderFactory)
    role = MemberRole.SUBMITTER


def regulator(group: str, **fields) -> User:
    user = UserFactory(**fields)
    # get_or_create: a transactional test's flush removes the groups a migration made.
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


# --- Models, declarations and ownership statements


class AIModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AIModel

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Model {n}")
    version = "1.0"
    model_type = ModelType.FOUNDATION
    modalities_in = factory.LazyFunction(lambda: ["text"])
    modalities_out = factory.LazyFunction(lambda: ["text"])
    parameter_count = 7_000_000_000
    release_date = date(2025, 1, 15)
    distribution = Distribution.API
    intended_uses = "A general-purpose assistant for drafting and summarising text."


def next_version(filings) -> int:
    return (filings.aggregate(latest=Max("version"))["latest"] or 0) + 1


class ProvenanceDeclarationFactory(factory.django.DjangoModelFactory):
    """A declaration whose general information is complete; no rows and no signature."""

    class Meta:
        model = ProvenanceDeclaration

    model = factory.SubFactory(AIModelFactory)
    version = factory.LazyAttribute(lambda o: next_version(o.model.declarations))
    status = Status.DRAFT
    created_by = factory.SubFactory(UserFactory)
    training_data_size = factory.LazyFunction(lambda: {"text": "1b_10t"})
    total_tokens = 2_000_000_000_000
    latest_collection_date = date(2024, 12, 31)
    continuous_training = False
    languages = factory.LazyFunction(
        lambda: [{"code": "en", "share_percent": 80}, {"code": "fr", "share_percent": 20}]
    )
    content_types = factory.LazyFunction(lambda: ["news articles", "source code"])
    tdm_opt_out_measures = "We honour robots.txt and TDM-Rep opt-outs at crawl time."
    illegal_content_measures = "Hash matching against known illegal material; manual review."
    code_of_practice_signatory = True


class DataSourceFactory(factory.django.DjangoModelFactory):
    """A valid public dataset; traits `web_crawl`, `synthetic` and `licensed` add what they need."""

    class Meta:
        model = DataSource

    declaration = factory.SubFactory(ProvenanceDeclarationFactory)
    name = factory.Sequence(lambda n: f"Dataset {n}")
    category = SourceCategory.PUBLIC_DATASET
    description = "Openly published encyclopaedia articles."
    url = "https://data.example/dataset"
    dataset_version = "2024-06"
    owner = "Example Foundation"
    licence = "CC-BY-4.0"
    licence_use_category = LicenceUse.COMMERCIAL
    acquisition = Acquisition.PUBLIC
    modalities = factory.LazyFunction(lambda: ["text"])
    languages = factory.LazyFunction(lambda: ["en"])
    size_tokens = 1_000_000_000
    share_percent = Decimal("100")
    collection_start = date(2023, 1, 1)
    collection_end = date(2024, 6, 30)
    first_used_on = date(2024, 7, 1)
    purpose = "Broad general knowledge."
    personal_data = YesNoUnknown.NO
    ip_status = IpStatus.MIXED
    processing = factory.LazyFunction(lambda: ["deduplication"])
    countries = factory.LazyFunction(lambda: ["GB"])

    class Params:
        web_crawl = factory.Trait(
            category=SourceCategory.WEB_CRAWL,
            acquisition=Acquisition.SCRAPED,
            url="",
            licence="",
            licence_use_category=LicenceUse.UNSPECIFIED,
            crawler_name="AcmeBot",
            crawler_user_agent="AcmeBot/2.1 (+https://acme.example/bot)",
            robots_txt_respected=True,
            tdm_opt_out_respected=True,
            top_domains=factory.LazyFunction(lambda: ["en.wikipedia.org", "bbc.co.uk"]),
        )
        synthetic = factory.Trait(
            category=SourceCategory.SYNTHETIC,
            acquisition=Acquisition.GENERATED,
            url="",
            licence="",
            licence_use_category=LicenceUse.UNSPECIFIED,
            ip_status=IpStatus.OWN,
            generator_models=factory.LazyFunction(
                lambda: [
                    {
                        "name": "Open Teacher 70B",
                        "provider": "Open Models Ltd",
                        "terms_permit_training": "yes",
                    }
                ]
            ),
        )
        licensed = factory.Trait(
            category=SourceCategory.LICENSED,
            acquisition=Acquisition.LICENSED,
            owner="News Publisher plc",
            licence="LicenseRef-news-publisher-2024",
            licence_use_category=LicenceUse.COMMERCIAL,
            ip_status=IpStatus.COPYRIGHTED,
        )


class SupplyChainPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplyChainParty

    declaration = factory.SubFactory(ProvenanceDeclarationFactory)
    name = factory.Sequence(lambda n: f"Compute Partner {n} Ltd")
    role = PartyRole.COMPUTE
    country = "GB"
    company_number = "09876543"


class RedTeamAttestationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RedTeamAttestation

    declaration = factory.SubFactory(ProvenanceDeclarationFactory)
    assessor = "Independent Assurance LLP"
    assessor_independent = True
    scope = factory.LazyFunction(lambda: ["supply_chain", "model_extraction"])
    performed_on = date(2025, 3, 1)
    outcome = RedTeamOutcome.PASS
    summary = "No exploitable weaknesses found in the data supply chain."
    next_due = date(2026, 3, 1)


class OwnershipStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OwnershipStatement

    provider = factory.SubFactory(ProviderFactory)
    version = factory.LazyAttribute(lambda o: next_version(o.provider.ownership_statements))
    status = Status.DRAFT
    created_by = factory.SubFactory(UserFactory)


class InvestmentLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestmentLink

    statement = factory.SubFactory(OwnershipStatementFactory)
    investor_name = factory.Sequence(lambda n: f"Investor {n} Ltd")
    investor_kind = InvestorKind.COMPANY
    country = "GB"
    registration_number = "01234567"
    share_percent = Decimal("10")
    votes_percent = Decimal("10")
    state_affiliation = StateAffiliation.NONE
    acquired_on = date(2022, 4, 1)


SIGNATURE = {"signatory_name": "Alice Owner", "signatory_role": "Director"}


def equal_shares(count: int) -> list[Decimal]:
    """`count` shares (3 decimal places) that add up to exactly 100; the first takes the rest."""
    each = (Decimal(100) / count).quantize(Decimal("0.001"), rounding=ROUND_DOWN)
    return [Decimal(100) - each * (count - 1)] + [each] * (count - 1)


def complete_declaration(model=None, sources=3, **fields) -> ProvenanceDeclaration:
    """A declaration that passes every rule: `sources` sources (shares summing to 100), a supply
    chain party, a red-team attestation and a signed statement of truth.

    The first three sources are a public dataset, a web crawl and a synthetic source; any more are
    public datasets, created in bulk so that thousands are quick.
    """
    fields.setdefault("signed_at", timezone.now())
    for field, value in SIGNATURE.items():
        fields.setdefault(field, value)
    declaration = ProvenanceDeclarationFactory(
        **({"model": model} if model is not None else {}), **fields
    )
    traits = [{}, {"web_crawl": True}, {"synthetic": True}]
    rows = [
        DataSourceFactory.build(
            declaration=declaration,
            name=f"Source {i + 1}",
            share_percent=share,
            **(traits[i] if i < len(traits) else {}),
        )
        for i, share in enumerate(equal_shares(sources) if sources else [])
    ]
    DataSource.objects.bulk_create(rows, batch_size=500)
    SupplyChainPartyFactory(declaration=declaration)
    RedTeamAttestationFactory(declaration=declaration)
    submitted_as_stored(declaration)
    return declaration


def complete_ownership_statement(provider=None, links=2, **fields) -> OwnershipStatement:
    """A statement that passes every rule: `links` current investors and a signed statement."""
    fields.setdefault("signed_at", timezone.now())
    for field, value in SIGNATURE.items():
        fields.setdefault(field, value)
    statement = OwnershipStatementFactory(
        **({"provider": provider} if provider is not None else {}), **fields
    )
    share = min(Decimal(10), (Decimal(100) / links).quantize(Decimal("0.001"), ROUND_DOWN))
    for i in range(links):
        InvestmentLinkFactory(
            statement=statement,
            investor_name=f"Investor {i + 1} Ltd",
            share_percent=share,
            votes_percent=share,
        )
    submitted_as_stored(statement)
    return statement


def submitted_as_stored(filing) -> None:
    """Freeze the snapshot of a filing made past draft, as its submission would have: what
    the register publishes (and logs) is always a submitted snapshot."""
    from registry.declarations.services import DECLARATION
    from registry.filings.services import snapshot_freeze
    from registry.providers.services import OWNERSHIP

    if filing.status in (Status.DRAFT,):
        return
    spec = DECLARATION if filing.kind == "declaration" else OWNERSHIP
    snapshot_freeze(spec, filing, filing.created_by, spec.data(filing))


def ownership_in_force(provider) -> OwnershipStatement:
    """An accepted ownership statement of the provider, made as stored (no case, no messages):
    its declarations can then be accepted, for tests about something else."""
    return complete_ownership_statement(
        provider=provider, links=1, status=Status.ACCEPTED, decided_at=timezone.now()
    )


def raise_finding(filing, actor, field: str = "signatory_name", message: str = "Check this"):
    """A regulator's finding on a filing under review: needed before changes are requested."""
    from registry.review.models import Case
    from registry.review.services import finding_add

    case = Case.objects.get(filing_kind=filing.kind, filing_id=filing.pk)
    return finding_add(actor=actor, case=case, field=field, message=message)
