"""API v1: a provider's ownership statements, their investment links and their lifecycle.

Views fetch through `providers.access` (another provider's statements are 404) and write through
`providers.services`, so the rules and problem codes are the web forms'. A statement read here
shows everything, exact holdings and NSI references included: it is the provider's own. The
public sees only bands, through the public endpoints.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.forms.models import model_to_dict
from django.http import Http404
from django.urls import path, reverse
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from registry.api.conditional import (
    etag,
    expected_lock_version,
    row_etag,
    row_expected_version,
)
from registry.api.errors import problem_items
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
from registry.api.views import ApiView, IdCursorPagination, StrictSerializer, validated
from registry.filings.models import FilingKind
from registry.filings.selectors import filing_feedback, filing_history, latest_snapshot
from registry.filings.states import Status
from registry.providers import services
from registry.providers.access import access_link_for_member, access_statement_for_member
from registry.providers.models import (
    InvestmentLink,
    InvestorKind,
    OwnershipBand,
    OwnershipStatement,
    StateAffiliation,
)
from registry.providers.selectors import LINK_FIELDS, ownership_data
from registry.providers.validation import validate_link, validate_ownership

KIND = FilingKind.OWNERSHIP
MAX_LINKS = 1000
REGULATOR_ONLY = " Regulator-only: never shown to the public, who see the band."

# --- Requests


class Percent(serializers.DecimalField):
    def __init__(self, **kwargs: Any):
        super().__init__(max_digits=6, decimal_places=3, **kwargs)


class LinkFields(StrictSerializer):
    """An investor: who, from where, how much, and whether a state stands behind it."""

    investor_name = serializers.CharField(required=False, allow_blank=True)
    investor_kind = serializers.ChoiceField(InvestorKind.choices, required=False)
    country = serializers.CharField(
        required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2, e.g. GB or US"
    )
    registration_number = serializers.CharField(
        required=False, allow_blank=True, help_text="The investor's company or fund number"
    )
    share_percent = Percent(
        required=False, allow_null=True, help_text="Exact % of shares held." + REGULATOR_ONLY
    )
    votes_percent = Percent(
        required=False, allow_null=True, help_text="Exact % of votes held." + REGULATOR_ONLY
    )
    board_appointment = serializers.BooleanField(
        required=False, help_text="May appoint or remove a majority of the board"
    )
    significant_influence = serializers.BooleanField(
        required=False, help_text="Has significant influence or control"
    )
    state_affiliation = serializers.ChoiceField(StateAffiliation.choices, required=False)
    acquired_on = serializers.DateField(required=False, allow_null=True)
    ceased_on = serializers.DateField(
        required=False, allow_null=True, help_text="When the holding ended, if it has"
    )
    nsi_notified = serializers.BooleanField(
        required=False, help_text="Notified under the National Security and Investment Act 2021"
    )
    nsi_reference = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The NSI notice reference; needed when notified. Regulator-only.",
    )


class StatementPatch(StrictSerializer):
    links = serializers.ListField(
        child=LinkFields(),
        required=False,
        max_length=MAX_LINKS,
        help_text="Every investor: replaces the links the statement has (they get new ids)",
    )
    signatory_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    signatory_role = serializers.CharField(required=False, allow_blank=True, max_length=200)
    sign = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Sign the statement of truth once the rest is saved. Any later change voids "
        "the signature.",
    )


class StatementReplace(StatementPatch):
    """The whole statement: what the body leaves out is emptied."""


class StatementCreate(StatementReplace):
    amend = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Start from the accepted statement, with all its links",
    )


class StatementWithdrawInput(StrictSerializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Why it is withdrawn: kept in its history"
    )


# --- Responses


class LinkOutput(LinkFields):
    id = serializers.IntegerField()
    etag = serializers.SerializerMethodField(help_text="Send it back in If-Match to change it")
    share_band = serializers.ChoiceField(OwnershipBand.choices, help_text="What the public sees")
    votes_band = serializers.ChoiceField(OwnershipBand.choices, help_text="What the public sees")
    problems = serializers.SerializerMethodField(
        help_text=(
            "What is still to fix in this investor before the statement can be submitted "
            "(given when the investor is read alone)"
        )
    )

    def get_etag(self, link: InvestmentLink) -> str:
        return row_etag("link", link)

    @extend_schema_field(FilingProblem(many=True))
    def get_problems(self, link: InvestmentLink) -> list[dict[str, str]]:
        return self.context.get("problems", [])


class StatementSummary(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="OWN-<id>-v<version>")
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

    def get_etag(self, statement: OwnershipStatement) -> str:
        return etag(statement)


class StatementOutput(StatementSummary, FeedbackFields):
    """Everything in the statement, exact holdings included: it is the provider's own.

    Its fields and links are where validate's and submit's problem pointers point.
    """

    signatory_name = serializers.CharField()
    signatory_role = serializers.CharField()
    links = LinkOutput(many=True, source="links.all")
    snapshot = serializers.SerializerMethodField(
        help_text="The latest submission's frozen snapshot; null before the first"
    )
    history = serializers.SerializerMethodField(
        help_text="Every move through the lifecycle, oldest first, with the regulator's reasons"
    )
    problems = serializers.SerializerMethodField(
        help_text=(
            "After a write: every problem still to fix before it can be submitted, exactly as "
            "validate lists them (a draft keeps everything that can be stored). Null on a read."
        )
    )

    @extend_schema_field(FilingProblem(many=True, allow_null=True))
    def get_problems(self, statement: OwnershipStatement) -> list[dict[str, str]] | None:
        return self.context.get("problems")

    @extend_schema_field(SnapshotOutput(allow_null=True))
    def get_snapshot(self, statement: OwnershipStatement) -> dict | None:
        snapshot = self.context.get("snapshot")
        return SnapshotOutput(snapshot).data if snapshot is not None else None

    @extend_schema_field(HistoryEntry(many=True))
    def get_history(self, statement: OwnershipStatement) -> list:
        return list(HistoryEntry(self.context.get("history", []), many=True).data)


def statement_response(
    statement: OwnershipStatement, code: int = status.HTTP_200_OK, *, written: bool = False
) -> Response:
    """The whole statement with its ETag, and, once `written`, every problem it still holds.

    Three queries (links, snapshot, history), and two more once it was submitted: the
    regulator's sent findings and its messages; a write adds what the rules read.
    """
    prefetch_related_objects([statement], Prefetch("links", InvestmentLink.objects.order_by("id")))
    positions = {"links": {link.pk: index for index, link in enumerate(statement.links.all())}}
    context: dict[str, Any] = {
        "snapshot": latest_snapshot(KIND, statement.pk),
        "history": list(filing_history(KIND, statement.pk)),
        "feedback": feedback_data(filing_feedback(statement), positions),
    }
    if written:
        rules = validate_ownership(ownership_data(statement))
        context["problems"] = problem_items(rules)
    headers = {"ETag": etag(statement)}
    if code == status.HTTP_201_CREATED:
        headers["Location"] = reverse("api:v1:ownership-statement", args=[statement.pk])
    return Response(StatementOutput(statement, context=context).data, status=code, headers=headers)


def link_response(link: InvestmentLink, code: int = status.HTTP_200_OK) -> Response:
    headers = {"ETag": row_etag("link", link)}
    if code == status.HTTP_201_CREATED:
        args = [link.statement_id, link.pk]
        headers["Location"] = reverse("api:v1:ownership-link", args=args)
    context = {"problems": problem_items(validate_link(model_to_dict(link, fields=LINK_FIELDS)))}
    return Response(LinkOutput(link, context=context).data, status=code, headers=headers)


NOT_EDITABLE = OpenApiResponse(description="not_editable: the statement has been submitted")

# --- Statements


class StatementListApi(ApiView):
    @extend_schema(
        summary="List your ownership statements",
        responses={200: StatementSummary(many=True)},
    )
    def get(self, request):
        statements = OwnershipStatement.objects.filter(provider_id=request.auth.provider_id)
        paginator = IdCursorPagination()
        page = paginator.paginate_queryset(statements, request, view=self)
        return paginator.get_paginated_response(StatementSummary(page, many=True).data)

    @extend_schema(
        summary="Start an ownership statement, optionally with its whole content",
        description=(
            "Starts the provider's next version as a draft (or, with amend, a copy of the "
            "accepted one) and fills it from the same body: the investors, the signatory, and "
            "with sign the statement of truth. All of it is written, or nothing: every problem "
            "is reported, each with a pointer into this body."
        ),
        request=StatementCreate,
        parameters=[ETAG],
        responses={
            201: StatementOutput,
            409: OpenApiResponse(
                description="open_filing_exists: finish or discard the open one first; "
                "nothing_to_amend: no accepted version yet"
            ),
        },
    )
    def post(self, request):
        body = dict(validated(StatementCreate, request.data))
        amend = body.pop("amend")
        statement = services.ownership_create(
            actor=request.user, provider=request.auth.provider, amend=amend, body=body
        )
        return statement_response(statement, status.HTTP_201_CREATED, written=True)


class StatementApi(ApiView):
    """A view of one ownership statement, addressed by its id in the path."""

    def statement(self, request, statement_id: int) -> OwnershipStatement:
        return access_statement_for_member(request.user, statement_id)


class StatementDetailApi(StatementApi):
    @extend_schema(
        summary="Read an ownership statement: content, status, snapshot hash and history",
        parameters=[ETAG],
        responses={200: StatementOutput},
    )
    def get(self, request, statement_id: int):
        return statement_response(self.statement(request, statement_id))

    @extend_schema(
        summary="Replace a draft statement's whole content",
        description=(
            "The investors and the signatory are replaced by the body; what the body leaves out "
            "is emptied. Everything that can be stored is kept and the problems still to fix are "
            "listed; a value that can't be stored refuses the whole body and changes nothing."
        ),
        request=StatementReplace,
        parameters=[IF_MATCH, ETAG],
        responses={200: StatementOutput, 409: NOT_EDITABLE},
    )
    def put(self, request, statement_id: int):
        return self.fill(request, statement_id, StatementReplace, replace=True)

    @extend_schema(
        summary="Change some of a draft statement, or sign it",
        description=(
            "Only what the body gives changes; links, if given, replace them all. Everything "
            "that can be stored is kept, and the problems still to fix are listed."
        ),
        request=StatementPatch,
        parameters=[IF_MATCH, ETAG],
        responses={200: StatementOutput, 409: NOT_EDITABLE},
    )
    def patch(self, request, statement_id: int):
        return self.fill(request, statement_id, StatementPatch, replace=False)

    @extend_schema(
        summary="Delete a draft statement that was never submitted",
        parameters=[IF_MATCH],
        responses={
            204: None,
            409: OpenApiResponse(description="not_discardable: it has been submitted before"),
        },
    )
    def delete(self, request, statement_id: int):
        statement = self.statement(request, statement_id)
        expected_lock_version(request, statement)
        services.ownership_discard(actor=request.user, statement=statement)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def fill(self, request, statement_id: int, serializer_class, replace: bool) -> Response:
        statement = self.statement(request, statement_id)
        expected = expected_lock_version(request, statement)
        body = dict(validated(serializer_class, request.data))
        if replace:
            body = {"links": [], "signatory_name": "", "signatory_role": ""} | body
        filled = services.ownership_fill(
            actor=request.user, statement=statement, body=body, expected_lock_version=expected
        )
        return statement_response(filled, written=True)


class StatementValidateApi(StatementApi):
    permission_classes = [AnyKey]

    @extend_schema(
        summary="Check a statement as submitting it would, without submitting",
        description=(
            "Exactly the problems the submit gate would raise now, each with a pointer into the "
            "statement's representation (GET). Changes nothing; a read key may call it."
        ),
        request=None,
        responses={200: ValidateOutput},
    )
    def post(self, request, statement_id: int):
        statement = self.statement(request, statement_id)
        validated(StrictSerializer, request.data)
        problems = validate_ownership(services.OWNERSHIP.data(statement))
        return Response({"valid": not problems, "problems": problem_items(problems)})


class StatementSubmitApi(StatementApi):
    @extend_schema(
        summary="Submit a draft statement to the regulator",
        description=(
            "Runs the checks of validate; if there are problems nothing changes and they are "
            "listed (400). Otherwise the statement is frozen in a snapshot whose SHA-256 is in "
            "the response."
        ),
        request=None,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: StatementOutput,
            409: OpenApiResponse(description="transition_not_allowed: it is not a draft"),
        },
    )
    def post(self, request, statement_id: int):
        statement = self.statement(request, statement_id)
        expected = expected_lock_version(request, statement)
        validated(StrictSerializer, request.data)
        submitted = services.ownership_transition(
            actor=request.user, statement=statement, action="submit", expected_lock_version=expected
        )
        return statement_response(submitted)


class StatementWithdrawApi(StatementApi):
    @extend_schema(
        summary="Withdraw an accepted statement, with a reason",
        request=StatementWithdrawInput,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: StatementOutput,
            409: OpenApiResponse(description="transition_not_allowed: it is not accepted"),
        },
    )
    def post(self, request, statement_id: int):
        statement = self.statement(request, statement_id)
        expected = expected_lock_version(request, statement)
        reason = validated(StatementWithdrawInput, request.data).get("reason") or ""
        withdrawn = services.ownership_transition(
            actor=request.user,
            statement=statement,
            action="withdraw",
            reason=reason,
            expected_lock_version=expected,
        )
        return statement_response(withdrawn)


# --- Investment links


class LinkListApi(StatementApi):
    @extend_schema(
        summary="List a statement's investors",
        responses={200: LinkOutput(many=True)},
    )
    def get(self, request, statement_id: int):
        statement = self.statement(request, statement_id)
        paginator = IdCursorPagination()
        page = paginator.paginate_queryset(statement.links.all(), request, view=self)
        return paginator.get_paginated_response(LinkOutput(page, many=True).data)

    @extend_schema(
        summary="Add an investor to a draft statement",
        request=LinkFields,
        parameters=[ETAG],
        responses={201: LinkOutput, 409: NOT_EDITABLE},
    )
    def post(self, request, statement_id: int):
        statement = self.statement(request, statement_id)
        values = validated(LinkFields, request.data)
        link = services.link_save(
            actor=request.user, statement=statement, values=values, complete=False
        )
        return link_response(link, status.HTTP_201_CREATED)


class LinkItemApi(StatementApi):
    def link(self, request, statement_id: int, link_id: int) -> InvestmentLink:
        link = access_link_for_member(request.user, link_id)
        if link.statement_id != statement_id:
            raise Http404
        return link

    @extend_schema(summary="Read an investor", parameters=[ETAG], responses={200: LinkOutput})
    def get(self, request, statement_id: int, link_id: int):
        return link_response(self.link(request, statement_id, link_id))

    @extend_schema(
        summary="Replace an investor's answers",
        description="What the body leaves out is emptied.",
        request=LinkFields,
        parameters=[IF_MATCH, ETAG],
        responses={200: LinkOutput, 409: NOT_EDITABLE},
    )
    def put(self, request, statement_id: int, link_id: int):
        return self.save(request, statement_id, link_id, replace=True)

    @extend_schema(
        summary="Change some of an investor's answers",
        request=LinkFields,
        parameters=[IF_MATCH, ETAG],
        responses={200: LinkOutput, 409: NOT_EDITABLE},
    )
    def patch(self, request, statement_id: int, link_id: int):
        return self.save(request, statement_id, link_id, replace=False)

    @extend_schema(
        summary="Remove an investor from a draft statement",
        parameters=[IF_MATCH],
        responses={204: None, 409: NOT_EDITABLE},
    )
    def delete(self, request, statement_id: int, link_id: int):
        link = self.link(request, statement_id, link_id)
        row_expected_version(request, "link", link)
        services.link_remove(actor=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def save(self, request, statement_id: int, link_id: int, replace: bool) -> Response:
        link = self.link(request, statement_id, link_id)
        expected = row_expected_version(request, "link", link)
        values = dict(validated(LinkFields, request.data))
        if replace:
            values = dict.fromkeys(LINK_FIELDS) | values
        saved = services.link_save(
            actor=request.user,
            statement=link.statement,
            values=values,
            link=link,
            expected_lock_version=expected,
            complete=False,
        )
        return link_response(saved)


urlpatterns = [
    path("ownership-statements/", StatementListApi.as_view(), name="ownership-statements"),
    path(
        "ownership-statements/<int:statement_id>/",
        StatementDetailApi.as_view(),
        name="ownership-statement",
    ),
    path(
        "ownership-statements/<int:statement_id>/validate",
        StatementValidateApi.as_view(),
        name="ownership-statement-validate",
    ),
    path(
        "ownership-statements/<int:statement_id>/submit",
        StatementSubmitApi.as_view(),
        name="ownership-statement-submit",
    ),
    path(
        "ownership-statements/<int:statement_id>/withdraw",
        StatementWithdrawApi.as_view(),
        name="ownership-statement-withdraw",
    ),
    path(
        "ownership-statements/<int:statement_id>/links/",
        LinkListApi.as_view(),
        name="ownership-links",
    ),
    path(
        "ownership-statements/<int:statement_id>/links/<int:link_id>/",
        LinkItemApi.as_view(),
        name="ownership-link",
    ),
]
