"""Calendar feeds keep only the sha256 of their secret; the history keeps neither. Existing
addresses keep working: their secret is hashed in place."""

import hashlib

from django.db import migrations, models


def hash_existing(apps, schema_editor):
    CalendarFeed = apps.get_model("gatherings", "CalendarFeed")
    for feed in CalendarFeed.objects.all().only("pk", "token"):
        CalendarFeed.objects.filter(pk=feed.pk).update(
            token_hash=hashlib.sha256(feed.token.encode("utf-8")).hexdigest()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("gatherings", "0005_activities"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(
                editable=False, max_length=64, null=True, verbose_name="token hash"
            ),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.RemoveField(model_name="historicalcalendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(
                editable=False, max_length=64, unique=True, verbose_name="token hash"
            ),
        ),
    ]
