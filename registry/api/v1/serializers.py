"""Shapes of the API's requests and responses. Types only: the rules live in validation.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from registry.api.conditional import row_etag
from registry.api.errors import pointer
from registry.api.views import MAX_ID, StrictSerializer
from registry.declarations import choices
from registry.filings.models import FilingTransition
from registry.filings.selectors import Feedback, SentFinding
from registry.filings.states import TRANSITIONS, Status
from registry.review.models import FindingStatus

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you read: the change is refused with 412 if it is no longer current",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=True,
    description="The version read: send it in If-Match to change it",
)


class SnapshotOutput(serializers.Serializer):
    submission = serializers.IntegerField(help_text="1 for the first submission of this version")
    sha256 = serializers.CharField(help_text="SHA-256 of the canonical JSON frozen on submission")
    submitted_at = serializers.DateTimeField()


class HistoryEntry(serializers.Serializer):
    action = serializers.ChoiceField([(action, action) for action in TRANSITIONS])
    from_status = serializers.ChoiceField(Status.choices)
    to_status = serializers.ChoiceField(Status.choices)
    actor = serializers.SerializerMethodField(
        help_text="A person of your organisation by name; 'regulator' for regulator staff; "
        "'register' for the register itself"
    )
    reason = serializers.CharField(
        help_text="The reason given: the regulator's message when changes are requested or on a "
        "decision"
    )
    occurred_at = serializers.DateTimeField()

    def get_actor(self, step: FilingTransition) -> str:
        # Regulator staff act for the regulator: their names are not the provider's to see.
        if step.by_regulator:
            return "regulator"
        return step.actor.full_name if step.actor is not None else "register"


# Whoever at the regulator raised a finding or wrote a message, the provider sees the regulator.
REGULATOR = "regulator"


class FindingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    field = serializers.CharField(
        help_text="The dotted path it is about, in the submission it was raised on: "
        "'sources.3.licence', 'sources.3' for a whole row, 'tdm_opt_out_measures'"
    )
    pointer = serializers.CharField(
        allow_null=True,
        help_text="JSON pointer to the field in the filing as GET returns it now, its row found "
        "by id ('/sources/2/licence'); null once the row it is about has been removed",
    )
    row_id = serializers.IntegerField(
        allow_null=True, help_text="The id of the row it is about; null for a field of the whole"
    )
    message = serializers.CharField(help_text="What the regulator asks you to change")
    submission = serializers.IntegerField(help_text="The submission it is about (1 for the first)")
    current = serializers.BooleanField(
        help_text="true while changes are requested on the submission it is about"
    )
    raised_by = serializers.CharField(help_text="Always 'regulator'")
    raised_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(help_text="When it was sent with a request for changes")
    status = serializers.ChoiceField(
        choices=[value for value in FindingStatus.values if value != FindingStatus.NOT_SENT],
        help_text="Where it stands: open; answered (you replied); changed or unchanged (what "
        "your resubmission did to its field); resolved or carried_forward (the regulator's "
        "verdict on it)",
    )
    reply = serializers.CharField(help_text="Your reply to it, if any ('' for none)")
    replied_at = serializers.DateTimeField(allow_null=True)


class MessageOutput(serializers.Serializer):
    body = serializers.CharField()
    author = serializers.CharField(help_text="Always 'regulator'")
    sent_at = serializers.DateTimeField()


def finding_pointer(finding: SentFinding, positions: Mapping[str, Mapping[int, int]]) -> str | None:
    """Where a finding points in the filing as it is now: its row by id, wherever it moved."""
    if not finding.collection:
        return pointer(finding.field)
    position = positions.get(finding.collection, {}).get(finding.row_id or 0)
    if position is None:
        return None
    return pointer(".".join([finding.collection, str(position), *finding.parts[2:]]))


def feedback_data(
    feedback: Feedback, positions: Mapping[str, Mapping[int, int]]
) -> dict[str, list]:
    """Give the filing's `findings` (sent ones, newest round first) and `messages`."""
    # Never an internal note, an unsent finding or the name of anyone at the regulator.
    findings = [
        {
            **asdict(finding),
            "pointer": finding_pointer(finding, positions),
            "raised_by": REGULATOR,
        }
        for finding in feedback.findings
    ]
    messages = [
        {"body": message.body, "author": REGULATOR, "sent_at": message.sent_at}
        for message in feedback.messages
    ]
    return {
        "findings": list(FindingOutput(findings, many=True).data),
        "messages": list(MessageOutput(messages, many=True).data),
    }


class FeedbackFields(serializers.Serializer):
    """What the regulator sent the provider about a filing, as its representation shows it."""

    findings = serializers.SerializerMethodField(
        help_text="The regulator's findings sent to you with requests for changes, newest round "
        "first; the fields they are about are where the pointers point"
    )
    messages = serializers.SerializerMethodField(
        help_text="The regulator's messages to you about this filing, oldest first"
    )

    @extend_schema_field(FindingOutput(many=True))
    def get_findings(self, filing) -> list:
        return self.context.get("feedback", {}).get("findings", [])

    @extend_schema_field(MessageOutput(many=True))
    def get_messages(self, filing) -> list:
        return self.context.get("feedback", {}).get("messages", [])


class FilingProblem(serializers.Serializer):
    code = serializers.CharField(help_text="Stable problem code, the same as the web forms use")
    detail = serializers.CharField(help_text="What is wrong, in a sentence")
    pointer = serializers.CharField(
        help_text="JSON pointer to the field in the filing as GET returns it"
    )


class ValidateOutput(serializers.Serializer):
    valid = serializers.BooleanField(help_text="true when submitting now would pass the checks")
    problems = FilingProblem(many=True)


class ModelInput(StrictSerializer):
    name = serializers.CharField(max_length=200, help_text="The model's name, e.g. 'Acme Chat'")
    version = serializers.CharField(max_length=50, help_text="The model's version, e.g. '2.1'")
    model_type = serializers.ChoiceField(choices.ModelType.choices)
    modalities_in = serializers.ListField(
        child=serializers.ChoiceField(choices.Modality.choices), help_text="What the model takes in"
    )
    modalities_out = serializers.ListField(
        child=serializers.ChoiceField(choices.Modality.choices), help_text="What the model puts out"
    )
    parameter_count = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True
    )
    release_date = serializers.DateField(required=False, allow_null=True)
    distribution = serializers.ChoiceField(choices.Distribution.choices)
    intended_uses = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class DependencyInput(StrictSerializer):
    depends_on = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="Id of a registered model (or one of yours)",
    )
    external_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    external_provider = serializers.CharField(required=False, allow_blank=True, max_length=200)
    relation = serializers.ChoiceField(choices.Relation.choices)


class DependencyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    depends_on = serializers.IntegerField(source="depends_on_id", allow_null=True)
    depends_on_registration_number = serializers.CharField(
        source="depends_on.registration_number", allow_null=True, default=None
    )
    external_name = serializers.CharField()
    external_provider = serializers.CharField()
    relation = serializers.ChoiceField(choices.Relation.choices)


class DeclarationBrief(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    reference = serializers.CharField()


class ModelOutput(ModelInput):
    id = serializers.IntegerField()
    registration_number = serializers.CharField(
        allow_null=True, help_text="MOD- number, assigned when the first declaration is accepted"
    )
    lineage = DependencyOutput(many=True, source="dependencies.all")
    declarations = DeclarationBrief(many=True, source="declarations.all")
    etag = serializers.SerializerMethodField()

    def get_etag(self, model) -> str:
        return row_etag("model", model)
