from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from registry.declarations import choices
from registry.filings.models import Filing, FilingKind
from registry.filings.states import OPEN, Status
from registry.lib.storage import private_storage


def one_of(field: str, values, *, blank: bool = True) -> Q:
    """A check that a field holds one of its choices (or is still empty, in a draft)."""
    allowed = Q(**{f"{field}__in": list(values)})
    return allowed | Q(**{field: ""}) if blank else allowed


class AIModel(models.Model):
    """A model a provider offers in the UK; it gets its MOD- number on its first accepted label."""

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="models"
    )
    registration_number = models.CharField(max_length=10, unique=True, null=True, blank=True)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=50)
    model_type = models.CharField(max_length=20, choices=choices.ModelType.choices)
    modalities_in = models.JSONField(default=list)
    modalities_out = models.JSONField(default=list)
    parameter_count = models.BigIntegerField(null=True, blank=True)
    release_date = models.DateField(null=True, blank=True)
    distribution = models.CharField(max_length=20, choices=choices.Distribution.choices)
    intended_uses = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "name", "version"], name="model_unique_name_version"
            ),
            models.CheckConstraint(
                condition=Q(registration_number__isnull=True)
                | Q(registration_number__regex=r"^MOD-[0-9]{6}$"),
                name="model_registration_number_format",
            ),
            models.CheckConstraint(
                condition=one_of("model_type", choices.ModelType.values, blank=False),
                name="model_type_valid",
            ),
            models.CheckConstraint(
                condition=one_of("distribution", choices.Distribution.values, blank=False),
                name="model_distribution_valid",
            ),
            models.CheckConstraint(
                condition=Q(parameter_count__isnull=True) | Q(parameter_count__gt=0),
                name="model_parameter_count_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class ModelDependency(models.Model):
    """Lineage: this model is built on another, registered here or external."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="dependencies")
    depends_on = models.ForeignKey(
        AIModel, null=True, blank=True, on_delete=models.PROTECT, related_name="dependants"
    )
    external_name = models.CharField(max_length=200, blank=True)
    external_provider = models.CharField(max_length=200, blank=True)
    relation = models.CharField(max_length=30, choices=choices.Relation.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(depends_on__isnull=False) & Q(external_name=""))
                | (Q(depends_on__isnull=True) & ~Q(external_name="")),
                name="dependency_registered_or_external",
            ),
            models.CheckConstraint(
                condition=~Q(depends_on=models.F("model")), name="dependency_not_itself"
            ),
            models.CheckConstraint(
                condition=one_of("relation", choices.Relation.values, blank=False),
                name="dependency_relation_valid",
            ),
        ]

    def __str__(self) -> str:
        base = self.depends_on or self.external_name
        return f"{self.model} ← {base} ({self.relation})"


class ProvenanceDeclaration(Filing):
    """Where one version of a model's training data came from, as the provider declares it."""

    kind = FilingKind.DECLARATION

    model = models.ForeignKey(AIModel, on_delete=models.PROTECT, related_name="declarations")
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    # Band per modality, e.g. {"text": "1b_10t"}; the public sees bands only.
    training_data_size = models.JSONField(default=dict, blank=True)
    # Exact figures: regulator-only.
    total_tokens = models.BigIntegerField(null=True, blank=True)
    total_images = models.BigIntegerField(null=True, blank=True)
    total_audio_hours = models.DecimalField(max_digits=14, decimal_places=1, null=True, blank=True)
    total_video_hours = models.DecimalField(max_digits=14, decimal_places=1, null=True, blank=True)
    latest_collection_date = models.DateField(null=True, blank=True)
    continuous_training = models.BooleanField(null=True, blank=True)
    # [{"code": "en", "share_percent": 80}, ...]
    languages = models.JSONField(default=list, blank=True)
    content_types = models.JSONField(default=list, blank=True)
    tdm_opt_out_measures = models.TextField(blank=True)
    illegal_content_measures = models.TextField(blank=True)
    code_of_practice_signatory = models.BooleanField(null=True, blank=True)
    # The first day the label raises `red_team_overdue`, fixed on acceptance with `public_alerts`
    # (the one rule that changes with time: `risks.red_team_overdue_on`); None: no attestation.
    red_team_overdue_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["model", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["model", "version"], name="declaration_unique_version"),
            models.UniqueConstraint(
                fields=["model"],
                condition=Q(status__in=sorted(OPEN)),
                name="declaration_one_open_per_model",
            ),
            models.UniqueConstraint(
                fields=["model"],
                condition=Q(status=Status.ACCEPTED),
                name="declaration_one_accepted_per_model",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="declaration_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} declaration v{self.version}"


class DataSource(models.Model):
    """One source of training data in a declaration."""

    declaration = models.ForeignKey(
        ProvenanceDeclaration, on_delete=models.CASCADE, related_name="sources"
    )
    lock_version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=300)
    category = models.CharField(max_length=30, choices=choices.SourceCategory.choices)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=2000, blank=True)
    dataset_version = models.CharField(max_length=100, blank=True)
    owner = models.CharField(max_length=300, blank=True)
    licence = models.CharField(max_length=500, blank=True)
    licence_use_category = models.CharField(
        max_length=20, choices=choices.LicenceUse.choices, blank=True
    )
    acquisition = models.CharField(max_length=20, choices=choices.Acquisition.choices, blank=True)
    modalities = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    # Exact sizes: regulator-only.
    size_tokens = models.BigIntegerField(null=True, blank=True)
    size_records = models.BigIntegerField(null=True, blank=True)
    size_bytes = models.BigIntegerField(null=True, blank=True)
    share_percent = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    collection_start = models.DateField(null=True, blank=True)
    collection_end = models.DateField(null=True, blank=True)
    collection_ongoing = models.BooleanField(default=False)
    first_used_on = models.DateField(null=True, blank=True)
    purpose = models.TextField(blank=True)
    personal_data = models.CharField(
        max_length=10, choices=choices.YesNoUnknown.choices, blank=True
    )
    personal_data_measures = models.TextField(blank=True)
    aggregate_consumer_data = models.BooleanField(default=False)
    ip_status = models.CharField(max_length=20, choices=choices.IpStatus.choices, blank=True)
    processing = models.JSONField(default=list, blank=True)
    processing_notes = models.TextField(blank=True)
    countries = models.JSONField(default=list, blank=True)
    # Web crawls
    crawler_name = models.CharField(max_length=200, blank=True)
    crawler_user_agent = models.CharField(max_length=500, blank=True)
    robots_txt_respected = models.BooleanField(null=True, blank=True)
    tdm_opt_out_respected = models.BooleanField(null=True, blank=True)
    top_domains = models.JSONField(default=list, blank=True)
    # Synthetic data: [{"name", "provider", "terms_permit_training": yes|no|unknown}]
    generator_models = models.JSONField(default=list, blank=True)
    # The provider asks the regulator to withhold name, owner, URL and description from the public.
    confidential = models.BooleanField(default=False)
    confidentiality_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("category", choices.SourceCategory.values, blank=False),
                name="source_category_valid",
            ),
            models.CheckConstraint(
                condition=one_of("licence_use_category", choices.LicenceUse.values),
                name="source_licence_use_valid",
            ),
            models.CheckConstraint(
                condition=one_of("acquisition", choices.Acquisition.values),
                name="source_acquisition_valid",
            ),
            models.CheckConstraint(
                condition=one_of("personal_data", choices.YesNoUnknown.values),
                name="source_personal_data_valid",
            ),
            models.CheckConstraint(
                condition=one_of("ip_status", choices.IpStatus.values),
                name="source_ip_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(share_percent__isnull=True)
                | (Q(share_percent__gte=0) & Q(share_percent__lte=100)),
                name="source_share_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SupplyChainParty(models.Model):
    """A party in the model's supply chain: compute, hosting, data, annotation, models, APIs."""

    declaration = models.ForeignKey(
        ProvenanceDeclaration, on_delete=models.CASCADE, related_name="supply_chain"
    )
    lock_version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=300)
    role = models.CharField(max_length=20, choices=choices.PartyRole.choices)
    country = models.CharField(max_length=2, blank=True)
    company_number = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "supply chain parties"
        constraints = [
            models.CheckConstraint(
                condition=one_of("role", choices.PartyRole.values, blank=False),
                name="party_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def red_team_report_path(attestation: RedTeamAttestation, filename: str) -> str:
    return f"red-team-reports/{attestation.declaration_id}/{timezone.now():%Y%m%d%H%M%S}.pdf"


class RedTeamAttestation(models.Model):
    """An attestation that the supply chain was red-teamed, by whom, with what outcome."""

    declaration = models.ForeignKey(
        ProvenanceDeclaration, on_delete=models.CASCADE, related_name="red_team_attestations"
    )
    lock_version = models.PositiveIntegerField(default=1)
    assessor = models.CharField(max_length=300)
    assessor_independent = models.BooleanField(null=True, blank=True)
    scope = models.JSONField(default=list, blank=True)
    performed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=choices.RedTeamOutcome.choices, blank=True)
    summary = models.TextField(blank=True)
    # Regulator-only: stored privately, served only to the provider and regulators.
    report = models.FileField(upload_to=red_team_report_path, storage=private_storage, blank=True)
    report_sha256 = models.CharField(max_length=64, blank=True)
    next_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-performed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("outcome", choices.RedTeamOutcome.values),
                name="red_team_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessor} ({self.performed_on})"
