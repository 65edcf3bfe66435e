"""Provider endpoints for models and their lineage."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from registry.api.errors import ApiProblem
from registry.api.v1.serializers import DependencyInput, DependencyOutput, ModelInput, ModelOutput
from registry.api.views import ApiView, IdCursorPagination
from registry.declarations import services
from registry.declarations.access import access_dependency_for_member, access_model_for_member
from registry.declarations.models import AIModel


def model_etag(model: AIModel) -> str:
    return f'"model-{model.pk}-{model.lock_version}"'


def model_response(model: AIModel, code: int = status.HTTP_200_OK) -> Response:
    model = AIModel.objects.prefetch_related("dependencies__depends_on", "declarations").get(
        pk=model.pk
    )
    return Response(ModelOutput(model).data, status=code, headers={"ETag": model_etag(model)})


def model_expected_version(request, model: AIModel) -> int | None:
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    if model_etag(model) not in {tag.strip().removeprefix("W/") for tag in header.split(",")}:
        raise ApiProblem(412, "stale_edit", "The model has changed since you read it: GET it again")
    return model.lock_version


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
        values = self.validated(ModelInput, request.data)
        model = services.model_register(
            actor=request.user, provider=request.auth.provider, values=values
        )
        return model_response(model, status.HTTP_201_CREATED)

    @staticmethod
    def validated(serializer_class, data, partial=False):
        serializer = serializer_class(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


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
        values = ModelListApi.validated(ModelInput, request.data, partial=partial)
        updated = services.model_update(
            actor=request.user,
            model=model,
            values=values,
            expected_lock_version=model_expected_version(request, model),
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
        values = ModelListApi.validated(DependencyInput, request.data)
        dependency = services.dependency_add(actor=request.user, model=model, values=values)
        return Response(DependencyOutput(dependency).data, status=status.HTTP_201_CREATED)


class LineageItemApi(ApiView):
    @extend_schema(responses={204: None}, summary="Remove from a model's lineage")
    def delete(self, request, model_id: int, dependency_id: int):
        dependency = access_dependency_for_member(request.user, model_id, dependency_id)
        services.dependency_remove(actor=request.user, dependency=dependency)
        return Response(status=status.HTTP_204_NO_CONTENT)
