"""The search key of each name (issue 6: search), filled for the rows that exist."""

from django.db import migrations, models

from qibu.core.pinyin import refill_search_keys


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    refill_search_keys(apps.get_model("okrs", "Objective"), "title")
    refill_search_keys(apps.get_model("okrs", "KeyResult"), "title")


class Migration(migrations.Migration):
    dependencies = [("okrs", "0004_report_indexes")]

    operations = [
        migrations.AddField(
            model_name="keyresult",
            name="search_key",
            field=models.TextField(blank=True, default="", db_default="", editable=False, verbose_name="search key"),
        ),
        migrations.AddField(
            model_name="objective",
            name="search_key",
            field=models.TextField(blank=True, default="", db_default="", editable=False, verbose_name="search key"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
