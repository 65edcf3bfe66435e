"""The closed vocabularies of models and declarations: their values are the contract."""

from __future__ import annotations

from django.db import models


class ModelType(models.TextChoices):
    FOUNDATION = "foundation", "Foundation model"
    FINE_TUNED = "fine_tuned", "Fine-tuned"
    DISTILLED = "distilled", "Distilled"
    MERGED = "merged", "Merged"
    ADAPTER = "adapter", "Adapter"
    QUANTIZED = "quantized", "Quantised"


class Modality(models.TextChoices):
    TEXT = "text", "Text"
    IMAGE = "image", "Image"
    AUDIO = "audio", "Audio"
    VIDEO = "video", "Video"
    CODE = "code", "Code"
    OTHER = "other", "Other"


class Distribution(models.TextChoices):
    API = "api", "Through an API"
    OPEN_WEIGHTS = "open_weights", "Open weights"
    PRODUCT = "product", "Inside a product"
    INTERNAL = "internal", "Internal use only"


class Relation(models.TextChoices):
    FINE_TUNE = "fine_tune", "Fine-tune"
    CONTINUED_PRETRAINING = "continued_pretraining", "Continued pre-training"
    DISTILLATION = "distillation", "Distillation"
    MERGE = "merge", "Merge"
    ADAPTER = "adapter", "Adapter"
    QUANTIZATION = "quantization", "Quantisation"


# Size bands per modality, as the EU template's public summary asks.
SIZE_BANDS: dict[str, dict[str, str]] = {
    "text": {
        "lt_1b": "Less than 1 billion tokens",
        "1b_10t": "1 billion to 10 trillion tokens",
        "gt_10t": "More than 10 trillion tokens",
    },
    "image": {
        "lt_1m": "Less than 1 million images",
        "1m_1b": "1 million to 1 billion images",
        "gt_1b": "More than 1 billion images",
    },
    "audio": {
        "lt_10k_h": "Less than 10,000 hours",
        "10k_1m_h": "10,000 to 1 million hours",
        "gt_1m_h": "More than 1 million hours",
    },
    "video": {
        "lt_10k_h": "Less than 10,000 hours",
        "10k_1m_h": "10,000 to 1 million hours",
        "gt_1m_h": "More than 1 million hours",
    },
}
# The exact figure (regulator-only) that goes with each modality's band.
SIZE_TOTAL_FIELDS = {
    "text": "total_tokens",
    "image": "total_images",
    "audio": "total_audio_hours",
    "video": "total_video_hours",
}
# Where the bands split: below the first figure is the low band, above the second the high one.
SIZE_BAND_THRESHOLDS = {
    "text": (1e9, 1e13),
    "image": (1e6, 1e9),
    "audio": (1e4, 1e6),
    "video": (1e4, 1e6),
}


def size_band_for(modality: str, figure: float) -> str:
    """The band an exact figure falls in."""
    low, high = SIZE_BAND_THRESHOLDS[modality]
    bands = list(SIZE_BANDS[modality])
    if figure < low:
        return bands[0]
    return bands[1] if figure <= high else bands[2]


class SourceCategory(models.TextChoices):
    PUBLIC_DATASET = "public_dataset", "Publicly available dataset"
    LICENSED = "licensed", "Commercially licensed"
    PRIVATE_THIRD_PARTY = "private_third_party", "Private data from a third party"
    WEB_CRAWL = "web_crawl", "Crawled from the web"
    USER_DATA = "user_data", "User data"
    SYNTHETIC = "synthetic", "Synthetic (model generated)"
    PROPRIETARY = "proprietary", "Provider's own data"
    OTHER = "other", "Other"


class LicenceUse(models.TextChoices):
    COMMERCIAL = "commercial", "Commercial use allowed"
    NON_COMMERCIAL = "non_commercial", "Non-commercial only"
    ACADEMIC = "academic", "Academic only"
    UNSPECIFIED = "unspecified", "Unspecified"


class Acquisition(models.TextChoices):
    PURCHASED = "purchased", "Purchased"
    LICENSED = "licensed", "Licensed"
    PUBLIC = "public", "Publicly available"
    SCRAPED = "scraped", "Scraped"
    USER_PROVIDED = "user_provided", "Provided by users"
    GENERATED = "generated", "Generated"
    INTERNAL = "internal", "Internal"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class IpStatus(models.TextChoices):
    COPYRIGHTED = "copyrighted", "Copyrighted"
    MIXED = "mixed", "Mixed"
    PUBLIC_DOMAIN = "public_domain", "Public domain"
    OWN = "own", "Provider's own"
    UNKNOWN = "unknown", "Unknown"


class Processing(models.TextChoices):
    DEDUPLICATION = "deduplication", "Deduplication"
    PII_FILTERING = "pii_filtering", "Personal data filtering"
    TOXICITY_FILTERING = "toxicity_filtering", "Toxicity filtering"
    QUALITY_FILTERING = "quality_filtering", "Quality filtering"
    DECONTAMINATION = "decontamination", "Benchmark decontamination"
    OTHER = "other", "Other"


class PartyRole(models.TextChoices):
    COMPUTE = "compute", "Compute"
    CLOUD_HOSTING = "cloud_hosting", "Cloud hosting"
    DATA_VENDOR = "data_vendor", "Data vendor"
    ANNOTATION_VENDOR = "annotation_vendor", "Annotation vendor"
    API_AGGREGATOR = "api_aggregator", "API aggregator"
    MODEL_VENDOR = "model_vendor", "Model vendor"
    OTHER = "other", "Other"


class RedTeamScope(models.TextChoices):
    SUPPLY_CHAIN = "supply_chain", "Supply chain"
    MODEL_EXTRACTION = "model_extraction", "Model extraction"
    DATA_POISONING = "data_poisoning", "Data poisoning"
    DISTILLATION_ABUSE = "distillation_abuse", "Distillation abuse"
    OTHER = "other", "Other"


class RedTeamOutcome(models.TextChoices):
    PASS = "pass", "Passed"
    FINDINGS_REMEDIATED = "findings_remediated", "Findings remediated"
    FINDINGS_OPEN = "findings_open", "Findings open"
