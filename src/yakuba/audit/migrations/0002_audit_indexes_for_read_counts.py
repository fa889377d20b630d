"""Indexes for the read budget (a user's reads of the last hour, on every page that shows residents)
and the council's readers page (reads of every user by action and time): cheap on a large log.
Built without locking the log (PostgreSQL: CONCURRENTLY), so a running office keeps writing."""

from django.db import migrations, models

from yakuba.site.migration_ops import AddIndexWithoutLocking


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="auditentry",
            index=models.Index(fields=["actor_id", "at"], name="audit_actor_at"),
        ),
        AddIndexWithoutLocking(
            model_name="auditentry",
            index=models.Index(fields=["action", "at"], name="audit_action_at"),
        ),
    ]
