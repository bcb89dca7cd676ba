"""An administrator adjusts each kind's workflow per congress (shared/STYLE.md §7): rename
states, add or remove transitions. Items themselves change only through the services, so
they are read-only here."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sanxing.casework.models import Item, Mailbox, State, Transition, UnitSetting, Workflow


class StateInline(admin.TabularInline):
    model = State
    extra = 0
    fields = ("code", "name", "is_initial", "is_final", "sort_order")


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    fields = ("action", "from_state", "to_state")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        # Offer only the states of the workflow being edited.
        workflow_id = (
            request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        )
        if db_field.name in ("from_state", "to_state") and workflow_id:
            kwargs["queryset"] = State.objects.filter(workflow_id=workflow_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Workflow)
class WorkflowAdmin(SimpleHistoryAdmin):
    list_display = ("congress", "kind")
    list_filter = ("congress", "kind")
    inlines = [StateInline, TransitionInline]


@admin.register(Item)
class ItemAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "title", "kind", "state", "submitted_on", "congress")
    list_filter = ("congress", "kind", "state")
    search_fields = ("title",)
    exclude = ("petitioner_id_number", "petitioner_phone")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Mailbox)
class MailboxAdmin(SimpleHistoryAdmin):
    """The directors' published mailboxes that the inbound gateway (sanxing mailin) accepts."""

    list_display = ("address", "owner", "congress", "active")
    list_filter = ("congress", "active")


@admin.register(UnitSetting)
class UnitSettingAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "congress", "reply_needs_approval")
    list_filter = ("congress", "reply_needs_approval")
