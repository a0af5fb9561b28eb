from rest_framework import serializers

from accounts.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.name", read_only=True)
    aliases = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "jurisdiction", "aliases"]

    def get_aliases(self, unit) -> list[str]:
        return [a.name for a in unit.aliases.all()]
