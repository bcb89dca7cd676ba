from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanxing.workcal.models import CalendarDay, CalendarOverride, CalendarYear


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "loaded", "source", "loaded_at"]
    list_filter = ["loaded", "source"]


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    date_hierarchy = "date"


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "reason", "created_by", "created_at"]
    date_hierarchy = "date"
