"""JSON for the evaluation API; rules stay in ``reports.services``."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reports.choices import CORRECTABLE_FIELDS
from reports.models import Appeal, EvaluationPeriod, EvaluationSnapshot


class PeriodSerializer(serializers.ModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = EvaluationPeriod
        fields = [
            "id",
            "jurisdiction",
            "jurisdiction_name",
            "code",
            "start",
            "end",
            "status",
            "computed_at",
            "as_of",
            "appeal_deadline",
            "published_at",
            "weights",
        ]
        read_only_fields = fields


class SnapshotSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    # None on a unit's overall row, which has no document
    document_title = serializers.CharField(
        source="document.title", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = EvaluationSnapshot
        fields = [
            "id",
            "unit",
            "unit_name",
            "document",
            "document_title",
            "tasks_assigned",
            "tasks_done",
            "tasks_overdue",
            "reports_due",
            "reports_on_time",
            "reports_late",
            "reports_missing",
            "on_time_rate",
            "completion_rate",
            "target_attainment",
            "score",
            "rank",
            "corrected",
            "correction_note",
        ]
        read_only_fields = fields


class AppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "snapshot",
            "filed_by",
            "reason",
            "evidence_name",
            "status",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_comment",
            "corrections",
        ]
        read_only_fields = fields


class RollupSerializer(serializers.Serializer):
    jurisdiction = serializers.IntegerField(
        required=False, help_text=_("Needed when you supervise several jurisdictions.")
    )
    force = serializers.BooleanField(
        default=False, help_text=_("Compute a period that has not ended, as of now.")
    )


class PublishSerializer(serializers.Serializer):
    jurisdiction = serializers.IntegerField(required=False)
    before_deadline = serializers.BooleanField(
        default=False, help_text=_("Publish before the appeal window closes.")
    )


class UnpublishSerializer(serializers.Serializer):
    jurisdiction = serializers.IntegerField(required=False)
    reason = serializers.CharField()


class AppealCreateSerializer(serializers.Serializer):
    reason = serializers.CharField()
    evidence = serializers.FileField(required=False)


class DecisionSerializer(serializers.Serializer):
    uphold = serializers.BooleanField()
    corrections = serializers.DictField(required=False, default=dict)
    comment = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_corrections(self, value):
        unknown = set(value) - set(CORRECTABLE_FIELDS)
        if unknown:
            raise serializers.ValidationError(
                _("These figures cannot be corrected: {names}").format(
                    names=", ".join(sorted(unknown))
                )
            )
        return value
