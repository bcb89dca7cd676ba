"""Read-only views for administrators: what was sent to whom, for the audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from sanxing.notify.models import Notice, SmsMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "email_state", "sms_state"]
    list_filter = ["email_state", "sms_state", "urgent", "kind"]
    search_fields = ["title", "recipient__username", "dedupe_key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "phone", "status", "text"]
    list_filter = ["status"]
    date_hierarchy = "created_at"
