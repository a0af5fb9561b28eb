"""The default score weights, so a first rollup needs no admin visit."""

from django.db import migrations


def create_default(apps, schema_editor):
    ScoreWeights = apps.get_model("reports", "ScoreWeights")
    if not ScoreWeights.objects.filter(is_default=True).exists():
        ScoreWeights.objects.create(name="default", is_default=True)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
