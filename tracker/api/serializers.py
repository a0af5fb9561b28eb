"""Translation between JSON and the task-domain services; no rule lives here."""

import json

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.choices import ReportCycle
from tracker.models import (
    Assignment,
    AuditEvent,
    ExtensionRequest,
    Notification,
    ProgressReport,
    Task,
)


class AssignmentBriefSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "unit", "unit_name", "role", "status", "light", "due_date", "percent"]


class TaskSerializer(serializers.ModelSerializer):
    report_cycle = serializers.CharField(read_only=True)
    assignments = serializers.SerializerMethodField()
    close_requested = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "document",
            "order",
            "label",
            "section",
            "title",
            "description",
            "start_date",
            "due_date",
            "report_cycle",
            "report_day",
            "needs_sign_off",
            "status",
            "light",
            "close_requested",
            "closed_at",
            "version",
            "assignments",
        ]

    @extend_schema_field(AssignmentBriefSerializer(many=True))
    def get_assignments(self, task):
        active = [a for a in task.assignments.all() if a.is_active]
        return AssignmentBriefSerializer(active, many=True).data

    def get_close_requested(self, task) -> bool:
        return task.close_requested_at is not None


class PlanSerializer(serializers.Serializer):
    """The planning fields of a task or an assignment; all optional (PATCH)."""

    due_date = serializers.DateField(required=False, allow_null=True)
    report_cycle = serializers.ChoiceField(choices=ReportCycle.choices, required=False)
    report_day = serializers.IntegerField(required=False)
    needs_sign_off = serializers.BooleanField(required=False)
    start_date = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(
        required=False, help_text=_("the version you read; a stale one answers 409")
    )

    def plan(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k != "version"}


class DocumentPlanSerializer(PlanSerializer):
    version = None
    tasks = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_("only these task ids (default: every active task of the document)"),
    )

    def plan(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k != "tasks"}


class AssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    task_label = serializers.CharField(source="task.label", read_only=True)
    document = serializers.IntegerField(source="task.document_id", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "task",
            "task_label",
            "task_title",
            "document",
            "unit",
            "unit_name",
            "role",
            "status",
            "light",
            "start_date",
            "due_date",
            "original_due_date",
            "evaluation_due_date",
            "report_cycle",
            "report_day",
            "needs_sign_off",
            "received_at",
            "percent",
            "next_report_due",
            "missed_reports",
            "last_report",
            "is_active",
            "version",
        ]


class AssignmentDetailSerializer(AssignmentSerializer):
    task_description = serializers.CharField(source="task.description", read_only=True)
    co_units = serializers.SerializerMethodField(
        help_text=_("the latest status of the other units on this task")
    )

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "task_description", "co_units"]

    @extend_schema_field(AssignmentBriefSerializer(many=True))
    def get_co_units(self, assignment):
        others = [
            a for a in assignment.task.assignments.all() if a.is_active and a.pk != assignment.pk
        ]
        return AssignmentBriefSerializer(others, many=True).data


class JSONOrText(serializers.JSONField):
    """JSON in a JSON body, or JSON text in a multipart form field."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else None
            except ValueError:
                raise serializers.ValidationError(_("Not valid JSON.")) from None
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.INT)
class PercentField(serializers.Field):
    """Passes the value through: the service owns the 0–100 whole-number rule and its code."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class ReportWriteSerializer(serializers.Serializer):
    progress = serializers.CharField(
        required=False, allow_blank=True, help_text=_("进展情况"), trim_whitespace=False
    )
    percent = PercentField(required=False, help_text=_("whole number, 0–100"))
    problems = serializers.CharField(required=False, allow_blank=True, help_text=_("存在问题"))
    next_steps = serializers.CharField(required=False, allow_blank=True, help_text=_("下一步举措"))
    target_actuals = JSONOrText(
        required=False,
        allow_null=True,
        help_text=_('{"<target id>": value} or [{"target": id, "value": v, "note": "…"}]'),
    )
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        help_text=_("pdf, docx, xlsx, jpg or png; checked by content"),
    )
    remove_attachments = serializers.ListField(child=serializers.IntegerField(), required=False)
    submit = serializers.BooleanField(required=False, default=False)
    period = serializers.CharField(
        required=False, help_text=_("period key such as 2026-11; default: the one owed")
    )
    version = serializers.IntegerField(required=False)

    def report_input(self):
        from tracker.services import ReportInput

        data = self.validated_data
        return ReportInput(
            progress=data.get("progress"),
            percent=data.get("percent"),
            problems=data.get("problems"),
            next_steps=data.get("next_steps"),
            target_actuals=data.get("target_actuals"),
            attachments=[(f.name, f) for f in data.get("attachments", [])],
            remove_attachments=data.get("remove_attachments", []),
        )


class ReportSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)
    unit = serializers.IntegerField(source="assignment.unit_id", read_only=True)
    target_actuals = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "assignment",
            "unit",
            "period_start",
            "period_end",
            "due_on",
            "status",
            "progress",
            "percent",
            "problems",
            "next_steps",
            "author",
            "author_name",
            "submitted_at",
            "signed_off_at",
            "reviewed_at",
            "review_comment",
            "similar_to",
            "similarity",
            "target_actuals",
            "attachments",
            "version",
        ]

    def get_target_actuals(self, report) -> list[dict]:
        return [
            {"target": a.target_id, "value": str(a.value), "note": a.note}
            for a in report.target_actuals.all()
        ]

    def get_attachments(self, report) -> list[dict]:
        return [
            {
                "id": a.pk,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse("tracker:attachment", args=[a.pk]),
            }
            for a in report.attachments.all()
        ]


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ExtensionCreateSerializer(serializers.Serializer):
    requested_due_date = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class ExtensionRequestSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="assignment.unit.name", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "assignment",
            "unit_name",
            "requested_due_date",
            "previous_due_date",
            "reason",
            "status",
            "requested_by",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "message",
            "object_type",
            "object_id",
            "url",
            "created_at",
            "read_at",
        ]


class ReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "jurisdiction",
            "unit",
            "before",
            "after",
            "ip_address",
            "prev_hash",
            "hash",
        ]
