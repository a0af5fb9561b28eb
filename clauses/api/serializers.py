"""Translation between JSON and the intake services; no rule lives here."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.choices import UnitKind
from clauses.models import PolicyDocument
from clauses.services import TaskEdit, UnitDecision
from tracker.api.serializers import TaskSerializer


class UploadSerializer(serializers.Serializer):
    # empty files reach the reader, which answers with the same code as everywhere else
    file = serializers.FileField(
        allow_empty_file=True, help_text=_(".txt, .docx, .pdf or .html, at most 20 MB")
    )
    jurisdiction = serializers.CharField(
        required=False, allow_blank=True, help_text=_("e.g. 深圳市")
    )


class UnitDecisionSerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        required=False, help_text=_("map the name to this unit (an alias is recorded)")
    )
    create = serializers.BooleanField(
        required=False, default=False, help_text=_("create a new unit of this name")
    )
    kind = serializers.ChoiceField(choices=UnitKind.choices, required=False, default=UnitKind.OTHER)

    def validate(self, attrs):
        if bool(attrs.get("unit")) == bool(attrs.get("create")):
            raise serializers.ValidationError(_("Give either a unit to map to or create=true."))
        return attrs


class TaskEditSerializer(serializers.Serializer):
    document = serializers.IntegerField(
        min_value=0, default=0, help_text=_("index of the document in the file")
    )
    seq = serializers.IntegerField(min_value=1)
    title = serializers.CharField(required=False, max_length=300)
    units = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    lead_units = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    due_date = serializers.DateField(required=False, allow_null=True)


class ImportSerializer(UploadSerializer):
    decisions = serializers.DictField(
        child=UnitDecisionSerializer(), required=False, help_text=_("unknown unit name → decision")
    )
    edits = TaskEditSerializer(many=True, required=False)

    def to_internal_value(self, data):
        # multipart sends nested structures as JSON strings
        import json

        if hasattr(data, "getlist"):
            data = {key: data.get(key) for key in data}
        for key in ("decisions", "edits"):
            if isinstance(data.get(key), str):
                try:
                    data[key] = json.loads(data[key]) if data[key] else None
                except ValueError:
                    raise serializers.ValidationError({key: [_("Not valid JSON.")]}) from None
                if data[key] is None:
                    data.pop(key)
        return super().to_internal_value(data)

    def service_arguments(self) -> dict:
        v = self.validated_data
        decisions = {
            name: UnitDecision(
                unit_id=d.get("unit"), create=d.get("create", False), kind=d.get("kind", "other")
            )
            for name, d in v.get("decisions", {}).items()
        }
        edits = {
            (e["document"], e["seq"]): TaskEdit(
                title=e.get("title"),
                units=e.get("units"),
                lead_units=e.get("lead_units"),
                due_date=e.get("due_date"),
            )
            for e in v.get("edits", [])
        }
        return {
            "jurisdiction": v.get("jurisdiction") or None,
            "decisions": decisions,
            "edits": edits,
        }


class PolicyDocumentListSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.name", read_only=True)
    task_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PolicyDocument
        fields = [
            "id",
            "title",
            "jurisdiction",
            "doc_number",
            "version",
            "is_current",
            "effective_from",
            "valid_until",
            "task_count",
            "created_at",
        ]


class PolicyDocumentSerializer(PolicyDocumentListSerializer):
    tasks = serializers.SerializerMethodField()

    class Meta(PolicyDocumentListSerializer.Meta):
        fields = [
            *PolicyDocumentListSerializer.Meta.fields,
            "kind",
            "issuers",
            "addressees",
            "issued_on",
            "valid_years",
            "lead_rule",
            "source_name",
            "content_hash",
            "tasks",
        ]

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, document):
        tasks = [t for t in document.tasks.all() if t.is_active]
        return TaskSerializer(tasks, many=True).data


class ImportedDocumentSerializer(serializers.Serializer):
    """One document of an import: the document, whether it is new, and the version diff."""

    created = serializers.BooleanField()
    document = PolicyDocumentSerializer()
    added = serializers.ListField(child=serializers.CharField())
    changed = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.IntegerField()


class ImportResultSerializer(serializers.Serializer):
    documents = ImportedDocumentSerializer(many=True)
