"""Shapes of the API's requests and responses. Types only: the rules live in validation.py."""

from __future__ import annotations

from rest_framework import serializers

from registry.api.views import MAX_ID, StrictSerializer
from registry.declarations import choices


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
        return f'"model-{model.pk}-{model.lock_version}"'
