"""History names its subject (type and id) instead of only an objective; types become model labels."""

from django.db import migrations, models

LABELS = {
    "objective": "okrs.objective",
    "keyresult": "okrs.keyresult",
    "checkin": "okrs.checkin",
    "milestone": "okrs.milestone",
    "alignment": "okrs.alignment",
    "organisation": "org.organisation",
    "strategicgoal": "org.strategicgoal",
    "department": "org.department",
    "team": "org.team",
    "person": "org.person",
    "cycle": "cycles.cycle",
}


def forwards(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    for short, label in LABELS.items():
        AuditEntry.objects.filter(target_type=short).update(target_type=label)
    AuditEntry.objects.filter(objective_id__isnull=False).update(
        subject_type="okrs.objective", subject_id=models.F("objective_id")
    )
    AuditEntry.objects.filter(objective_id__isnull=True).update(
        subject_type=models.F("target_type"), subject_id=models.F("target_id")
    )


def backwards(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditEntry.objects.filter(subject_type="okrs.objective").update(objective_id=models.F("subject_id"))
    for short, label in LABELS.items():
        AuditEntry.objects.filter(target_type=label).update(target_type=short)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_objective_history_index")]

    operations = [
        migrations.AddField(
            model_name="auditentry", name="subject_type", field=models.CharField(default="", max_length=50),
            preserve_default=False,
        ),
        migrations.AddField(model_name="auditentry", name="subject_id", field=models.BigIntegerField(null=True)),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveIndex(model_name="auditentry", name="audit_objective_newest"),
        migrations.RemoveField(model_name="auditentry", name="objective_id"),
        migrations.RenameIndex(
            model_name="auditentry", new_name="history_target", old_name="audit_audit_target__e2abcf_idx"
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["subject_type", "subject_id", "-at", "-id"], name="history_subject_newest"),
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={"ordering": ["-at", "-id"], "verbose_name": "history entry", "verbose_name_plural": "history"},
        ),
    ]
