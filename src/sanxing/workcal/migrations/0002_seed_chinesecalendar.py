"""Seed the official schedules 2004–2026 from the chinesecalendar package.

A few hundred rows in two bulk inserts: fast on SQLite and PostgreSQL. No history rows here
(the historical models are not needed to read the calendar); ``sanxing calendar load`` is the
same loader for later package versions, and it does write history."""

from django.db import migrations


def seed(apps, schema_editor):
    from sanxing.workcal.seed import seed_years

    seed_years(
        day_model=apps.get_model("workcal", "CalendarDay"),
        year_model=apps.get_model("workcal", "CalendarYear"),
    )


def unseed(apps, schema_editor):
    apps.get_model("workcal", "CalendarDay").objects.filter(source="chinesecalendar").delete()
    apps.get_model("workcal", "CalendarYear").objects.filter(source="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("workcal", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
