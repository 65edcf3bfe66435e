"""The template's example rows: in both templates, in the data dictionary, and never filed."""

from __future__ import annotations

from typing import Any

# Real examples: a public dataset as it is published, and a crawl run by a provider.
EXAMPLE_ROWS: list[dict[str, str]] = [
    {
        "name": "English Wikipedia",
        "category": "public_dataset",
        "description": (
            "Every article of the English-language Wikipedia, from the Wikimedia Foundation's "
            "public database dump"
        ),
        "url": "https://dumps.wikimedia.org/enwiki/",
        "dataset_version": "20240301",
        "owner": "Wikimedia Foundation and Wikipedia contributors",
        "licence": "CC-BY-SA-4.0",
        "licence_use_category": "commercial",
        "acquisition": "public",
        "modalities": "text",
        "languages": "en",
        "size_tokens": "4500000000",
        "size_records": "6800000",
        "size_bytes": "21000000000",
        "share_percent": "12.5",
        "collection_start": "2024-03-01",
        "collection_end": "2024-03-01",
        "collection_ongoing": "no",
        "first_used_on": "2024-04-15",
        "purpose": "General knowledge, and well-edited encyclopaedic writing in English",
        "personal_data": "yes",
        "personal_data_measures": (
            "Biographies of public figures kept; email addresses and phone numbers removed"
        ),
        "aggregate_consumer_data": "no",
        "ip_status": "copyrighted",
        "processing": "deduplication;pii_filtering;decontamination",
        "processing_notes": "Wiki markup, tables and reference lists removed",
        "countries": "US",
        "confidential": "no",
    },
    {
        "name": "Public web crawl, first half of 2024",
        "category": "web_crawl",
        "description": "Public web pages fetched by our own crawler from January to June 2024",
        "url": "https://www.example.com/examplebot",
        "dataset_version": "2024-H1",
        "licence_use_category": "unspecified",
        "acquisition": "scraped",
        "modalities": "text;code",
        "languages": "en;fr;de",
        "size_tokens": "1200000000000",
        "size_records": "2100000000",
        "size_bytes": "9800000000000",
        "share_percent": "87.5",
        "collection_start": "2024-01-08",
        "collection_end": "2024-06-28",
        "collection_ongoing": "no",
        "first_used_on": "2024-07-15",
        "purpose": "Broad coverage of current written English, French and German, and of code",
        "personal_data": "yes",
        "personal_data_measures": (
            "Names, email addresses and phone numbers filtered out; no page behind a login fetched"
        ),
        "aggregate_consumer_data": "no",
        "ip_status": "mixed",
        "processing": "deduplication;pii_filtering;toxicity_filtering;quality_filtering",
        "processing_notes": "Near-duplicate pages removed; pages on a list of adult sites dropped",
        "countries": "GB",
        "crawler_name": "ExampleBot",
        "crawler_user_agent": (
            "Mozilla/5.0 (compatible; ExampleBot/2.1; +https://www.example.com/examplebot)"
        ),
        "robots_txt_respected": "yes",
        "tdm_opt_out_respected": "yes",
        "top_domains": "en.wikipedia.org;www.bbc.co.uk;www.gov.uk;github.com;stackoverflow.com",
        "confidential": "no",
    },
]
# Examples for the columns neither example row needs.
EXTRA_EXAMPLES = {
    "generator_models": "Teacher-70B|Example Labs|no;Helper-8B|Other Labs|unknown",
    "confidentiality_reason": "The supplier's name is commercially sensitive until launch",
}


def example_key(row: dict[str, Any]) -> tuple[str, str]:
    return str(row.get("name", "")), str(row.get("description", ""))


# An example row left unchanged in an upload: refused, rather than filed as a source.
EXAMPLE_KEYS = frozenset(example_key(row) for row in EXAMPLE_ROWS)
