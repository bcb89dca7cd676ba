from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "sanxing.web"
    label = "web"
    verbose_name = _("web")

    def ready(self) -> None:
        from sanxing.web import navigation, worklist

        # The everyday tools. Each app may register more (or replace these) in its own ready().
        navigation.register_nav("office", _("People directory"), "people:directory", order=10)
        navigation.register_nav("office", _("Working calendar"), "workcal:year", order=20)
        navigation.register_nav("office", _("Notices"), "notify:index", order=30)
        worklist.register(notify_source)


def notify_source(user, today):  # type: ignore[no-untyped-def]
    """Unread notices that carry work, from the notify app once it provides them."""
    try:
        from sanxing.notify.worklist import unread_for_home  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return []
    from sanxing.web.worklist import from_dict

    items = []
    for row in unread_for_home(user, today):
        if str(row.get("kind", "")).startswith("notice"):
            row = {**row, "kind": _("Notice")}
        items.append(from_dict(row))
    return items
