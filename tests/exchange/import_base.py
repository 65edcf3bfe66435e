"""What the import tests share: the fixtures, a draft of Acme's, and what a draft holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.audit.models import AuditEvent
from registry.declarations.models import DataSource, ModelDependency, ProvenanceDeclaration
from tests.base import PersonaTestCase
from tests.factories import AIModelFactory, ProvenanceDeclarationFactory

FIXTURES = Path(__file__).parent / "fixtures"
CROISSANT = (FIXTURES / "croissant-rai.json").read_text(encoding="utf-8")
MODEL_CARD = (FIXTURES / "model-card" / "README.md").read_text(encoding="utf-8")
DATASET_CARD = (FIXTURES / "dataset-card" / "README.md").read_text(encoding="utf-8")

# A bomb of YAML aliases: nine levels of nine, a billion "lol"s once expanded.
ALIAS_BOMB = (
    "---\n"
    + "\n".join(
        ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        + [
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]"
            for i in range(8)
        ]
        + ["license: mit"]
    )
    + "\n---\n# A card\n"
)

# JSON-LD that is not Croissant: a schema.org person.
NOT_CROISSANT = (
    '{"@context": {"@vocab": "https://schema.org/"}, "@type": "Person", "name": "Ada Lovelace"}'
)


def stored(declaration: ProvenanceDeclaration) -> dict[str, Any]:
    """Everything an import may change, to compare before and after."""
    declaration.refresh_from_db()
    return {
        "lock_version": declaration.lock_version,
        "languages": declaration.languages,
        "status": declaration.status,
        "signed_at": declaration.signed_at,
        "sources": list(DataSource.objects.filter(declaration=declaration).values()),
        "lineage": list(ModelDependency.objects.filter(model=declaration.model).values()),
        "audit": AuditEvent.objects.count(),
    }


class ImportTestCase(PersonaTestCase):
    """A draft of Acme's (declaring English and French) to import into."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.model = AIModelFactory(provider=cls.acme, name="Brython", version="7B")
        cls.draft = ProvenanceDeclarationFactory(model=cls.model, created_by=cls.alice)
