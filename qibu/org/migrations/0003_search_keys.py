"""The search key of each name (issue 6: search), filled for the rows that exist."""

from django.db import migrations, models

from qibu.core.pinyin import refill_search_keys


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    refill_search_keys(apps.get_model("org", "Department"), "name")
    refill_search_keys(apps.get_model("org", "Person"), "full_name", "username")


class Migration(migrations.Migration):
    dependencies = [("org", "0002_report_indexes")]

    operations = [
        migrations.AddField(
            model_name="department",
            name="search_key",
            field=models.TextField(blank=True, default="", db_default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="person",
            name="search_key",
            field=models.TextField(blank=True, default="", db_default="", editable=False, verbose_name="search key"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
