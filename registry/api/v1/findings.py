"""API v1: a provider's reply to a finding the regulator sent it, on any of its filings.

The findings themselves are read with their filing (its `findings`, each with its `status` and
any `reply`); a reply is written here, through the same service as the web form.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from registry.api.views import ApiView, StrictSerializer, Text, validated
from registry.review import services
from registry.review.access import access_finding_for_member
from registry.review.models import FindingStatus
from registry.review.validation import TEXT_LIMIT


class FindingReplyInput(StrictSerializer):
    reply = Text(
        max_length=TEXT_LIMIT,
        allow_blank=True,
        help_text="Your answer to the finding; sending it again replaces it, until you resubmit",
    )


class FindingReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=FindingStatus.choices, help_text="Where the finding stands: 'answered' once replied"
    )
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField()


class FindingReplyApi(ApiView):
    @extend_schema(
        summary="Reply to a finding the regulator sent you",
        operation_id="findings_reply",
        description=(
            "While changes are requested on the submission a finding is about, its provider's "
            "owners and submitters may answer it. The regulator reads the reply beside the "
            "finding; a finding of another provider is not found (404)."
        ),
        request=FindingReplyInput,
        responses={200: FindingReplyOutput},
    )
    def post(self, request, finding_id: int):
        finding = access_finding_for_member(request.user, finding_id)
        body = validated(FindingReplyInput, request.data)
        replied = services.finding_reply(actor=request.user, finding=finding, reply=body["reply"])
        return Response(
            FindingReplyOutput(
                {
                    "id": replied.pk,
                    "status": replied.status.value,
                    "reply": replied.reply,
                    "replied_at": replied.replied_at,
                }
            ).data
        )


urlpatterns = [
    path("findings/<int:finding_id>/reply", FindingReplyApi.as_view(), name="finding-reply"),
]
