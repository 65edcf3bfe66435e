"""Provider endpoints for models and their lineage."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from registry.api.conditional import row_etag, row_expected_version
from registry.api.v1.serializers import DependencyInput, DependencyOutput, ModelInput, ModelOutput
from registry.api.views import ApiView, IdCursorPagination, validated
from registry.declarations import services
from registry.declarations.access import access_dependency_for_member, access_model_for_member
from registry.declarations.models import AIModel


def model_response(model: AIModel, code: int = status.HTTP_200_OK) -> Response:
    model = AIModel.objects.prefetch_related("dependencies__depends_on", "declarations").get(
        pk=model.pk
    )
    return Response(
        ModelOutput(model).data, status=code, headers={"ETag": row_etag("model", model)}
    )


class ModelListApi(ApiView):
    @extend_schema(responses=ModelOutput(many=True), summary="List your models")
    def get(self, request):
        models = AIModel.objects.filter(provider_id=request.auth.provider_id).prefetch_related(
            "dependencies__depends_on", "declarations"
        )
        paginator = IdCursorPagination()
        page = paginator.paginate_queryset(models, request, view=self)
        return paginator.get_paginated_response(ModelOutput(page, many=True).data)

    @extend_schema(request=ModelInput, responses={201: ModelOutput}, summary="Register a model")
    def post(self, request):
        values = validated(ModelInput, request.data)
        model = services.model_register(
            actor=request.user, provider=request.auth.provider, values=values
        )
        return model_response(model, status.HTTP_201_CREATED)


class ModelDetailApi(ApiView):
    @extend_schema(responses=ModelOutput, summary="Read a model")
    def get(self, request, model_id: int):
        return model_response(access_model_for_member(request.user, model_id))

    @extend_schema(request=ModelInput, responses=ModelOutput, summary="Replace a model's details")
    def put(self, request, model_id: int):
        return self.update(request, model_id, partial=False)

    @extend_schema(
        request=ModelInput, responses=ModelOutput, summary="Change some of a model's details"
    )
    def patch(self, request, model_id: int):
        return self.update(request, model_id, partial=True)

    def update(self, request, model_id: int, partial: bool) -> Response:
        model = access_model_for_member(request.user, model_id)
        values = validated(ModelInput, request.data, partial=partial)
        updated = services.model_update(
            actor=request.user,
            model=model,
            values=values,
            expected_lock_version=row_expected_version(request, "model", model),
        )
        return model_response(updated)


class LineageApi(ApiView):
    @extend_schema(
        request=DependencyInput,
        responses={201: DependencyOutput},
        summary="Add to a model's lineage",
    )
    def post(self, request, model_id: int):
        model = access_model_for_member(request.user, model_id)
        values = validated(DependencyInput, request.data)
        dependency = services.dependency_add(actor=request.user, model=model, values=values)
        return Response(DependencyOutput(dependency).data, status=status.HTTP_201_CREATED)


class LineageItemApi(ApiView):
    @extend_schema(responses={204: None}, summary="Remove from a model's lineage")
    def delete(self, request, model_id: int, dependency_id: int):
        dependency = access_dependency_for_member(request.user, model_id, dependency_id)
        services.dependency_remove(actor=request.user, dependency=dependency)
        return Response(status=status.HTTP_204_NO_CONTENT)
