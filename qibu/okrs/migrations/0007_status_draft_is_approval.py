"""Being a draft is an objective's approval, no longer its status (issue 8): the objectives whose status was
"draft" become active drafts that were never approved (approval "draft", `approved_at` unset), so that they are
seen, counted and checked in on as every other draft is. The status keeps "active" and "closed"."""

from typing import Any

from django.db import migrations, models


def status_draft_to_approval(apps: Any, schema_editor: Any) -> None:
    Objective = apps.get_model("okrs", "Objective")
    Objective.objects.filter(status="draft").update(status="active", approval="draft", approved_at=None)


def approval_draft_to_status(apps: Any, schema_editor: Any) -> None:
    # Back to before approval: a draft never approved is a draft by its status again, and counts as approved.
    Objective = apps.get_model("okrs", "Objective")
    Objective.objects.filter(approved_at__isnull=True).exclude(approval="approved").update(
        status="draft", approval="approved"
    )


class Migration(migrations.Migration):
    dependencies = [("okrs", "0006_approval_and_strategy")]

    operations = [
        migrations.RunPython(status_draft_to_approval, approval_draft_to_status, elidable=False),
        migrations.AlterField(
            model_name="objective",
            name="status",
            field=models.CharField(
                choices=[("active", "active"), ("closed", "closed")],
                default="active",
                max_length=20,
                verbose_name="status",
            ),
        ),
    ]
