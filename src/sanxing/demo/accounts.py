"""The accounts table the demo prints: who to log in as, and what each persona can do."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from sanxing.demo.people_demo import PERSONAS
from sanxing.people.models import Role, User


def account_rows() -> list[tuple[str, str, str]]:
    """(username, person's name, roles held today) for each demo persona."""
    today = timezone.localdate()
    current = (
        Role.objects.filter(starts_on__lte=today)
        .exclude(ends_on__lt=today)
        .select_related("organisation")
        .order_by("organisation__kind", "organisation__sort_order", "pk")
    )
    users = (
        User.objects.filter(username__in=PERSONAS)
        .select_related("person")
        .prefetch_related(Prefetch("person__roles", queryset=current))
    )
    by_name = {user.username: user for user in users}
    rows = []
    for username in PERSONAS:
        user = by_name.get(username)
        if user is None:
            continue
        person = user.person
        roles = [
            f"{role.organisation.name} {role.title or role.get_kind_display()}"
            for role in (person.roles.all() if person else [])
        ]
        if user.is_superuser:
            roles.insert(0, "superuser")
        rows.append((username, person.name if person else "", "; ".join(roles)))
    return rows


def accounts_table() -> str:
    rows = [("username", "name", "roles"), *account_rows()]
    width = [max(_width(row[i]) for row in rows) for i in range(2)]
    lines = []
    for row in rows:
        cells = [row[i] + " " * (width[i] - _width(row[i])) for i in range(2)]
        lines.append("  ".join([*cells, row[2]]))
    lines.append("")
    lines.append(f"password for every account: {settings.DEMO_PASSWORD}")
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
