from rest_framework import serializers

from tracker.models import Assignment, Task


class AssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "unit", "unit_name", "role", "status", "light", "due_date"]


class TaskSerializer(serializers.ModelSerializer):
    assignments = serializers.SerializerMethodField()

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
            "due_date",
            "report_cycle",
            "status",
            "light",
            "assignments",
        ]

    def get_assignments(self, task) -> list[dict]:
        active = [a for a in task.assignments.all() if a.is_active]
        return AssignmentSerializer(active, many=True).data
