"""Chain the audit events written before the trail was hash-chained, then make hashes unique."""

from django.db import migrations, models

from tracker.models.audit import event_hash

GENESIS_HASH = "0" * 64


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("tracker", "AuditEvent")
    AuditChainHead = apps.get_model("tracker", "AuditChainHead")
    previous, count = GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("id"):
        event.prev_hash = previous
        event.hash = event_hash(event)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        previous, count = event.hash, count + 1
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": previous, "count": count})


class Migration(migrations.Migration):
    dependencies = [("tracker", "0002_auditchainhead_extensionrequest_notification_and_more")]

    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="hash"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(max_length=64, verbose_name="hash of the previous event"),
        ),
    ]
