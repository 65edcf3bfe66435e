"""Load demonstration accounts, organisations and filings in every state; safe to run again."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.accounts.models import Membership, User
from registry.accounts.roles import CASE_OFFICER, DECISION_MAKER, MemberRole
from registry.accounts.selectors import authenticator_secret
from registry.accounts.services import backup_codes_replace
from registry.declarations.models import AIModel
from registry.declarations.services import (
    DECLARATION,
    attestation_save,
    declaration_start,
    declaration_update_general,
    dependency_add,
    model_register,
    party_save,
    source_save,
    sources_import,
    statement_sign,
)
from registry.filings.selectors import latest_submission, snapshot_data
from registry.filings.services import filing_transition
from registry.providers.models import Provider
from registry.providers.services import (
    OWNERSHIP,
    link_save,
    ownership_sign,
    ownership_start,
    provider_register,
)
from registry.review.models import Case
from registry.review.services import confidentiality_rule, finding_add

DEMO_PASSWORD = "demo-register-2026"  # noqa: S105 (printed for the demo; refused outside DEBUG)

PROVIDERS = [
    {
        "legal_name": "Acme Intelligence Ltd",
        "trading_name": "Acme AI",
        "company_number": "12345678",
        "country": "GB",
        "registered_address": "1 Example Street\nLondon\nEC1A 1AA",
        "website": "https://acme-ai.example",
        "contact_email": "compliance@acme-ai.example",
        "uk_representative": "",
    },
    {
        "legal_name": "Nordlicht KI GmbH",
        "trading_name": "",
        "company_number": "",
        "country": "DE",
        "registered_address": "Beispielstraße 5\n10115 Berlin\nGermany",
        "website": "https://nordlicht-ki.example",
        "contact_email": "register@nordlicht-ki.example",
        "uk_representative": "UK Rep Services Ltd, 2 Example Road, Manchester M1 1AA",
    },
]

# (email, name, provider index, role)
MEMBERS = [
    ("alice@acme-ai.example", "Alice Owner", 0, MemberRole.OWNER),
    ("bob@acme-ai.example", "Bob Submitter", 0, MemberRole.SUBMITTER),
    ("victor@acme-ai.example", "Victor Viewer", 0, MemberRole.VIEWER),
    ("charlie@nordlicht-ki.example", "Charlie Owner", 1, MemberRole.OWNER),
]
REGULATORS = [
    ("olivia@regulator.example", "Olivia Officer", CASE_OFFICER),
    ("diana@regulator.example", "Diana Decider", DECISION_MAKER),
]
ADMIN = ("admin@regulator.example", "Ada Administrator")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is off (never in production).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data has known passwords: refused when DEBUG is off.")
        # The demo's history reaches its people through their inboxes (/inbox/); printing its
        # few dozen emails to the console would bury the accounts printed below.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            providers = [self.provider(details, owner) for details, owner in self.owners()]
            for email, name, index, role in MEMBERS:
                self.member(email, name, providers[index], role)
            regulator_codes = {
                email: self.regulator(email, name, group) for email, name, group in REGULATORS
            }
            regulator_codes[ADMIN[0]] = self.administrator(*ADMIN)
            filings_load(providers)
        self.report(providers, regulator_codes)

    def owners(self):
        for index, details in enumerate(PROVIDERS):
            email, name, _, _ = next(m for m in MEMBERS if m[2] == index)
            yield details, self.user(email, name)

    def user(self, email: str, name: str) -> User:
        # Confirmed addresses: the demo's people sign statements of truth.
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": name, "email_verified_at": timezone.now()}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def provider(self, details: dict, owner: User) -> Provider:
        existing = Provider.objects.filter(legal_name=details["legal_name"]).first()
        return existing or provider_register(user=owner, details=details)

    def member(self, email: str, name: str, provider: Provider, role: str) -> None:
        user = self.user(email, name)
        Membership.objects.get_or_create(user=user, defaults={"provider": provider, "role": role})

    def two_factor(self, user: User) -> tuple[str, list[str]]:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        secret = authenticator_secret(device)
        return secret, backup_codes_replace(user=user)

    def regulator(self, email: str, name: str, group: str) -> tuple[str, list[str]]:
        user = self.user(email, name)
        user.groups.add(Group.objects.get(name=group))
        return self.two_factor(user)

    def administrator(self, email: str, name: str) -> tuple[str, list[str]]:
        user = self.user(email, name)
        if not user.is_superuser:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        return self.two_factor(user)

    def report(self, providers: list[Provider], regulator_codes: dict) -> None:
        write = self.stdout.write
        write("\nDemo data loaded. Every demo account's password is: " + DEMO_PASSWORD)
        for provider in providers:
            write(f"\n{provider.display_name} ({provider.registration_number})")
            for email, _, index, role in MEMBERS:
                if providers[index] == provider:
                    write(f"  {role:<10} {email}")
            for line in filings_summary(provider):
                write(f"  {line}")
        write("\nRegulator and administrator accounts need a two-factor code after the password.")
        write("Use one of the one-time backup codes below (new codes each run), or add the")
        write("secret key to an authenticator app.")
        roles = {email: group for email, _, group in REGULATORS} | {ADMIN[0]: "administrator"}
        for email, (secret, codes) in regulator_codes.items():
            write(f"\n  {roles[email]:<15} {email}")
            write(f"    authenticator secret: {secret}")
            write(f"    backup codes: {' '.join(codes)}")
        write("")


# --- Filings: models and declarations in every state, and ownership statements, all made through
# the services (regulator moves by olivia and diana) so the audit trail and snapshots are real.

ALICE, BOB, CHARLIE = "alice@acme-ai.example", "bob@acme-ai.example", "charlie@nordlicht-ki.example"
OLIVIA, DIANA = "olivia@regulator.example", "diana@regulator.example"

GENERAL = {
    "training_data_size": {"text": "1b_10t"},
    "total_tokens": 4_200_000_000_000,
    "latest_collection_date": date(2025, 6, 30),
    "continuous_training": False,
    "languages": [
        {"code": "en", "share_percent": 70},
        {"code": "fr", "share_percent": 10},
        {"code": "de", "share_percent": 10},
        {"code": "es", "share_percent": 10},
    ],
    "content_types": ["web pages", "news articles", "books", "source code"],
    "tdm_opt_out_measures": (
        "Our crawler obeys robots.txt and the TDM Reservation Protocol (TDMRep); domains that "
        "reserve their rights are dropped before training."
    ),
    "illegal_content_measures": (
        "Hash matching against known illegal material, classifier filtering and manual review of "
        "flagged samples."
    ),
    "code_of_practice_signatory": True,
}
COMMON = {
    "modalities": ["text"],
    "languages": ["en"],
    "collection_start": date(2023, 1, 1),
    "collection_end": date(2025, 6, 30),
    "first_used_on": date(2025, 7, 15),
    "personal_data": "no",
    "processing": ["deduplication", "quality_filtering"],
    "countries": ["GB"],
}
TOP_DOMAINS = [
    "en.wikipedia.org",
    "bbc.co.uk",
    "theguardian.com",
    "stackoverflow.com",
    "github.com",
    "gov.uk",
    "arxiv.org",
    "nature.com",
    "reuters.com",
    "lemonde.fr",
    "spiegel.de",
    "elpais.com",
]
SOURCES = {
    "crawl": COMMON
    | {
        "name": "AcmeBot web crawl 2023-2025",
        "category": "web_crawl",
        "description": "Public web pages crawled by AcmeBot, filtered for quality and language.",
        "licence_use_category": "unspecified",
        "acquisition": "scraped",
        "ip_status": "mixed",
        "size_tokens": 2_900_000_000_000,
        "share_percent": 55,
        "purpose": "Broad knowledge of the world and of everyday language.",
        "personal_data": "yes",
        "personal_data_measures": "Names, emails and phone numbers removed by a PII filter.",
        "processing": ["deduplication", "pii_filtering", "toxicity_filtering"],
        "countries": ["GB", "US", "FR", "DE", "ES"],
        "languages": ["en", "fr", "de", "es"],
        "crawler_name": "AcmeBot",
        "crawler_user_agent": "AcmeBot/2.1 (+https://acme-ai.example/bot)",
        "robots_txt_respected": True,
        "tdm_opt_out_respected": True,
        "top_domains": TOP_DOMAINS,
    },
    "encyclopaedia": COMMON
    | {
        "name": "Open Encyclopaedia dump",
        "category": "public_dataset",
        "description": "The full text of an openly licensed encyclopaedia, June 2025 dump.",
        "url": "https://dumps.encyclopaedia.example/2025-06/",
        "dataset_version": "2025-06-01",
        "owner": "Open Encyclopaedia Foundation",
        "licence": "CC-BY-SA-4.0",
        "licence_use_category": "commercial",
        "acquisition": "public",
        "ip_status": "mixed",
        "size_tokens": 90_000_000_000,
        "share_percent": 10,
        "purpose": "Reliable factual knowledge.",
    },
    "news": COMMON
    | {
        "name": "Fleet Street news archive",
        "category": "licensed",
        "description": "Articles from 1990 to 2025, licensed for model training.",
        "owner": "Fleet Street Publishing plc",
        "licence": "LicenseRef-fleet-street-ai-2024",
        "licence_use_category": "commercial",
        "acquisition": "licensed",
        "ip_status": "copyrighted",
        "size_tokens": 210_000_000_000,
        "share_percent": 10,
        "purpose": "Current affairs and well-edited prose.",
    },
    "code": COMMON
    | {
        "name": "Permissively licensed source code",
        "category": "public_dataset",
        "description": "Repositories under permissive licences, de-duplicated.",
        "owner": "Various authors",
        "licence": "MIT OR Apache-2.0",
        "licence_use_category": "commercial",
        "acquisition": "public",
        "ip_status": "copyrighted",
        "modalities": ["code"],
        "size_tokens": 400_000_000_000,
        "share_percent": 10,
        "purpose": "Writing and explaining code.",
        "processing": ["deduplication", "decontamination"],
    },
    "synthetic": COMMON
    | {
        "name": "Synthetic reasoning dialogues",
        "category": "synthetic",
        "description": "Step-by-step dialogues generated by teacher models and checked by staff.",
        "licence_use_category": "unspecified",
        "acquisition": "generated",
        "ip_status": "own",
        "size_tokens": 120_000_000_000,
        "share_percent": 10,
        "collection_start": date(2024, 9, 1),
        "purpose": "Multi-step reasoning.",
        "generator_models": [
            {"name": "Atlas 1.5", "provider": "Acme AI", "terms_permit_training": "yes"},
            {
                "name": "Open Teacher 70B",
                "provider": "Open Models Ltd",
                "terms_permit_training": "yes",
            },
            {
                "name": "Frontier Chat",
                "provider": "Big Model Inc",
                "terms_permit_training": "unknown",
            },
        ],
    },
    "users": COMMON
    | {
        "name": "Opted-in customer conversations",
        "category": "user_data",
        "description": "Conversations from customers who opted in to training, pseudonymised.",
        "licence_use_category": "commercial",
        "acquisition": "user_provided",
        "ip_status": "own",
        "size_tokens": 60_000_000_000,
        "share_percent": 5,
        "purpose": "Helpful answers to real questions.",
        "personal_data": "yes",
        "personal_data_measures": "Opt-in consent; pseudonymised; retained for 24 months.",
        "aggregate_consumer_data": True,
        "processing": ["pii_filtering", "toxicity_filtering"],
        "confidential": True,
        "confidentiality_reason": "Names the customers' industry; commercially sensitive.",
    },
}
# The distillation scenario: Acme distils Echo from its own Atlas 2.0 and says Atlas's terms
# forbid training on its output; Nordlicht trains Polarlicht Mini on Atlas's output too, spelling
# it its own way, and says the terms permit it. Its case is flagged `generator_terms_disputed`.
SOURCES["atlas_distillation"] = SOURCES["synthetic"] | {
    "name": "Atlas distillation set",
    "description": "Answers written by Acme Atlas 2.0 to a curated set of prompts.",
    "generator_models": [
        {"name": "Acme Atlas 2.0", "provider": "Acme AI", "terms_permit_training": "no"},
    ],
}
SOURCES["atlas_outputs"] = SOURCES["synthetic"] | {
    "name": "Instruction answers from a hosted assistant",
    "description": "Answers to instruction prompts collected through a hosted model's API.",
    "generator_models": [
        {"name": "acme-atlas 2.0", "provider": "Acme AI Ltd", "terms_permit_training": "yes"},
    ],
}
STANDARD_MIX = ["crawl", "encyclopaedia", "news", "code", "synthetic", "users"]
# Models whose training mix differs from the standard one: their synthetic source.
MIXES = {
    "Acme Echo": ["crawl", "encyclopaedia", "news", "code", "atlas_distillation", "users"],
    "Polarlicht Mini": ["crawl", "encyclopaedia", "news", "code", "atlas_outputs", "users"],
}
# Models built on Acme Atlas, by the relation they name.
BUILT_ON_ATLAS = {
    "Acme Beacon": "fine_tune",
    "Acme Echo": "distillation",
    "Polarlicht Mini": "distillation",
}
PARTIES = [
    {
        "name": "Northern Compute Ltd",
        "role": "compute",
        "country": "GB",
        "company_number": "13579246",
    },
    {"name": "Hyperscale Cloud Inc", "role": "cloud_hosting", "country": "US"},
    {"name": "Careful Annotations SARL", "role": "annotation_vendor", "country": "FR"},
]
ATTESTATIONS = [
    {
        "assessor": "Independent Assurance LLP",
        "assessor_independent": True,
        "scope": ["supply_chain", "data_poisoning"],
        "days_ago": 90,
        "outcome": "findings_remediated",
        "summary": "Two poisoning paths through an annotation vendor found and closed.",
    },
    {
        "assessor": "Acme internal red team",
        "assessor_independent": False,
        "scope": ["model_extraction", "distillation_abuse"],
        "days_ago": 30,
        "outcome": "pass",
        "summary": "Rate limits and output watermarking resisted extraction attempts.",
    },
]
MODEL = {
    "model_type": "foundation",
    "modalities_in": ["text"],
    "modalities_out": ["text", "code"],
    "distribution": "api",
    "release_date": date(2025, 9, 1),
    "parameter_count": 70_000_000_000,
    "intended_uses": "A general-purpose assistant for drafting, summarising and coding.",
}
REVIEW = [("submit", BOB, ""), ("start_review", OLIVIA, "")]
ACCEPT = [*REVIEW, ("accept", DIANA, "Complete and consistent; label published.")]

# name, version, what it is, the moves its declaration makes (the first declaration only)
ACME_MODELS = [
    ("Acme Atlas", "2.0", {}, ACCEPT),
    (
        "Acme Beacon",
        "1.0",
        {"model_type": "fine_tuned", "parameter_count": 8_000_000_000},
        ACCEPT,
    ),
    ("Acme Compass", "1.0", {"modalities_in": ["text", "image"]}, REVIEW),
    (
        "Acme Drift",
        "0.9",
        {"distribution": "open_weights"},
        [
            *REVIEW,
            (
                "request_changes",
                OLIVIA,
                "Say whether the synthetic data's generators permit training on their output: "
                "one answer is 'unknown'.",
            ),
        ],
    ),
    ("Acme Echo", "1.0", {"model_type": "distilled"}, [("submit", ALICE, "")]),
    ("Acme Forge", "0.1", {"distribution": "internal"}, None),
    (
        "Acme Glint",
        "1.0",
        {"model_type": "merged"},
        [*REVIEW, ("reject", DIANA, "The crawl's opt-out practice contradicts the evidence.")],
    ),
    (
        "Acme Harbor",
        "1.0",
        {"distribution": "product"},
        [*ACCEPT, ("withdraw", ALICE, "Model retired from the UK market in favour of Atlas 2.0.")],
    ),
]
NORDLICHT_MODELS = [
    ("Polarlicht", "3.1", {"distribution": "open_weights"}, [("submit", CHARLIE, "")]),
    (
        "Polarlicht Mini",
        "1.0",
        {"model_type": "distilled", "parameter_count": 3_000_000_000},
        [("submit", CHARLIE, "")],
    ),
]
ACME_INVESTORS = [
    {
        "investor_name": "Alice Founder",
        "investor_kind": "individual",
        "country": "GB",
        "share_percent": "40",
        "votes_percent": "45",
        "board_appointment": True,
        "acquired_on": date(2019, 3, 1),
        "state_affiliation": "none",
    },
    {
        "investor_name": "Northern Ventures LP",
        "investor_kind": "fund",
        "country": "US",
        "registration_number": "LP-20-77812",
        "share_percent": "20",
        "votes_percent": "18",
        "acquired_on": date(2021, 6, 15),
        "state_affiliation": "none",
    },
    {
        "investor_name": "Gulf Horizon Investment Authority",
        "investor_kind": "sovereign_fund",
        "country": "AE",
        "share_percent": "27.5",
        "votes_percent": "27.5",
        "board_appointment": True,
        "state_affiliation": "state_owned",
        "acquired_on": date(2024, 2, 1),
        "nsi_notified": True,
        "nsi_reference": "NSI-2024-0117",
    },
    {
        "investor_name": "Acme Employee Benefit Trust",
        "investor_kind": "company",
        "country": "GB",
        "share_percent": "7",
        "votes_percent": "0",
        "acquired_on": date(2020, 1, 10),
        "state_affiliation": "none",
    },
]
NORDLICHT_INVESTORS = [
    {
        "investor_name": "Nordlicht Gründer Beteiligungs GmbH",
        "investor_kind": "company",
        "country": "DE",
        "registration_number": "HRB 123456",
        "share_percent": "55",
        "votes_percent": "60",
        "board_appointment": True,
        "acquired_on": date(2020, 11, 2),
        "state_affiliation": "none",
    },
    {
        "investor_name": "Bayern Technologie Fonds",
        "investor_kind": "fund",
        "country": "DE",
        "share_percent": "25",
        "votes_percent": "20",
        "acquired_on": date(2023, 4, 20),
        "state_affiliation": "none",
    },
]


def person(email: str) -> User:
    return User.objects.get(email=email)


def filings_load(providers: list[Provider]) -> None:
    """Load each demo model and ownership statement that isn't there yet."""
    acme, nordlicht = providers
    # First: a declaration is accepted only once its provider's ownership statement is.
    if not acme.ownership_statements.exists():
        statement = demo_ownership(acme, ALICE, ACME_INVESTORS, signed=True)
        for action, email, reason in ACCEPT:
            demo_move(OWNERSHIP, statement, action, email, reason)
    for name, version, details, moves in ACME_MODELS:
        demo_model(acme, ALICE, name, version, details, moves)
    if not AIModel.objects.filter(
        provider=acme, name="Acme Atlas", declarations__version=2
    ).exists():
        atlas_amendment(AIModel.objects.get(provider=acme, name="Acme Atlas"))
    for name, version, details, moves in NORDLICHT_MODELS:
        demo_model(nordlicht, CHARLIE, name, version, details, moves)
    if not nordlicht.ownership_statements.exists():
        demo_ownership(nordlicht, CHARLIE, NORDLICHT_INVESTORS, signed=False)


def demo_model(provider, owner, name, version, details, moves) -> None:
    """Register the model and take its first declaration through the given moves."""
    if AIModel.objects.filter(provider=provider, name=name, version=version).exists():
        return
    actor = person(owner)
    model = model_register(
        actor=actor, provider=provider, values=MODEL | {"name": name, "version": version} | details
    )
    if name in BUILT_ON_ATLAS:
        atlas = AIModel.objects.get(name="Acme Atlas")
        dependency_add(
            actor=actor,
            model=model,
            values={"depends_on": atlas.pk, "relation": BUILT_ON_ATLAS[name]},
        )
    if name == "Acme Drift":
        dependency_add(
            actor=actor,
            model=model,
            values={
                "external_name": "Open Base 8B",
                "external_provider": "Open Models Ltd",
                "relation": "continued_pretraining",
            },
        )
    declaration = declaration_start(actor=actor, model=model, amend=False)
    complete = moves is not None
    general = GENERAL
    if "image" in model.modalities_in:
        general = GENERAL | {
            "training_data_size": {"text": "1b_10t", "image": "1m_1b"},
            "total_images": 350_000_000,
        }
    declaration = declaration_update_general(
        actor=actor,
        declaration=declaration,
        values=general,
        expected_lock_version=declaration.lock_version,
    )
    mix = MIXES.get(name, STANDARD_MIX) if complete else ["crawl"]
    sources_import(
        actor=actor,
        declaration=declaration,
        rows=[SOURCES[key] for key in mix],
        replace=True,
    )
    if not complete:
        return  # a draft still being written: one source so far, nothing signed
    for party in PARTIES:
        party_save(actor=actor, declaration=declaration, values=party)
    for attestation in ATTESTATIONS:
        attestation_save(actor=actor, declaration=declaration, values=red_teaming(attestation))
    sign(declaration, actor)
    for action, email, reason in moves:
        demo_move(DECLARATION, declaration, action, email, reason)


def red_teaming(attestation: dict) -> dict:
    """Red-teaming done a while before today, so the demo label shows it as current."""
    values = dict(attestation)
    performed = timezone.localdate() - timedelta(days=values.pop("days_ago"))
    return values | {"performed_on": performed, "next_due": performed + timedelta(days=365)}


def sign(declaration, actor) -> None:
    declaration.refresh_from_db()
    statement_sign(
        actor=actor,
        declaration=declaration,
        name=actor.full_name,
        role="Chief Executive" if actor.email != BOB else "Head of Data Governance",
        expected_lock_version=declaration.lock_version,
    )


def demo_move(spec, filing, action: str, email: str, reason: str) -> None:
    """Take one move, as the regulator would: a finding before asking for changes, and a
    decision on each confidentiality claim before accepting."""
    actor = person(email)
    case = Case.objects.filter(filing_kind=spec.kind, filing_id=filing.pk).first()
    if action == "request_changes" and case is not None:
        finding_add(actor=actor, case=case, field=finding_field(case), message=reason)
    if action == "accept" and case is not None and spec.kind == "declaration":
        for source in filing.sources.filter(confidential=True):
            confidentiality_rule(
                actor=person(OLIVIA),
                case=case,
                source=source,
                accepted=True,
                reason="Naming the customers would disclose commercially sensitive information.",
            )
    filing_transition(spec=spec, filing_id=filing.pk, action=action, actor=actor, reason=reason)


def finding_field(case: Case) -> str:
    """The demo's finding is on the first synthetic source's generators, where there is one."""
    data = snapshot_data(latest_submission(case.filing_kind, case.filing_id))
    for index, source in enumerate(data.get("sources", [])):
        if source["category"] == "synthetic":
            return f"sources.{index}.generator_models"
    return "signatory_name"


def atlas_amendment(atlas: AIModel) -> None:
    """Version 2 of Atlas's declaration: a newer collection and a smaller synthetic share."""
    bob = person(BOB)
    declaration = declaration_start(actor=bob, model=atlas, amend=True)
    declaration = declaration_update_general(
        actor=bob,
        declaration=declaration,
        values={**GENERAL, "latest_collection_date": date(2025, 9, 30)},
        expected_lock_version=declaration.lock_version,
    )
    synthetic = declaration.sources.get(category="synthetic")
    source_save(
        actor=bob,
        declaration=declaration,
        source=synthetic,
        values={"share_percent": 5, "collection_end": date(2025, 9, 30)},
        expected_lock_version=synthetic.lock_version,
    )
    source_save(
        actor=bob,
        declaration=declaration,
        values=COMMON
        | {
            "name": "Parliamentary record",
            "category": "public_dataset",
            "description": "Debates of the UK Parliament, 1990 to 2025.",
            "url": "https://hansard.parliament.example/",
            "owner": "Parliament",
            "licence": "LicenseRef-open-parliament-licence",
            "licence_use_category": "commercial",
            "acquisition": "public",
            "ip_status": "public_domain",
            "share_percent": 5,
            "purpose": "Formal British English and public affairs.",
        },
    )
    sign(declaration, bob)
    for action, email, reason in ACCEPT:
        demo_move(DECLARATION, declaration, action, email, reason)


def demo_ownership(provider, owner, investors, *, signed: bool):
    actor = person(owner)
    statement = ownership_start(actor=actor, provider=provider, amend=False)
    for investor in investors:
        link_save(actor=actor, statement=statement, values=investor)
    if signed:
        statement.refresh_from_db()
        statement = ownership_sign(
            actor=actor,
            statement=statement,
            name=actor.full_name,
            role="Chief Executive",
            expected_lock_version=statement.lock_version,
        )
    return statement


def filings_summary(provider: Provider) -> list[str]:
    """One line per demo filing of the provider, with its status."""
    lines = []
    for model in AIModel.objects.filter(provider=provider).order_by("name"):
        number = model.registration_number or "not yet numbered"
        states = ", ".join(
            f"v{d.version} {d.status}" for d in model.declarations.order_by("version")
        )
        lines.append(f"model  {model.name} {model.version} ({number}): {states}")
    for statement in provider.ownership_statements.order_by("version"):
        lines.append(f"ownership statement v{statement.version}: {statement.status}")
    return lines
