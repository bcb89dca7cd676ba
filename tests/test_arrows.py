"""The arrows between the rooms (README "Architecture", ../shared/DESIGN.md) hold in the code:
each app imports only the apps listed for it. Tests are left out (they may build whatever
world they need). A new arrow is a design decision: add it here and to the README together."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "sanxing"

# The plumbing every room may use: core (soft delete, BusinessError, PDF and Excel output) and
# api (the JSON API's auth, errors and pagination, which each room's api.py plugs into).
PLUMBING = {"core", "api"}
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "api": {"core", "people"},  # tokens and the signed-in person
    "people": PLUMBING,
    "workcal": PLUMBING | {"people"},  # the congress (tenant) and the viewer
    "notify": PLUMBING | {"people"},
    "documents": PLUMBING | {"people"},
    "web": PLUMBING | {"people", "notify"},  # the shell: the header's unread count
    # The engines: never a programme app, and gatherings never casework (casework plugs
    # into gatherings through gatherings/handoff.py).
    "casework": PLUMBING
    | {"people", "workcal", "notify", "documents", "web", "demo", "gatherings"},
    "gatherings": PLUMBING | {"people", "workcal", "notify", "documents", "web", "demo"},
    # Programme apps sit on the engines.
    "deputies": PLUMBING | {"people", "workcal", "notify", "web", "demo", "gatherings"},
    "demo": {"core", "people", "wsgi"},  # builders register themselves; `serve` runs wsgi
}


def _apps() -> list[str]:
    return sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").exists())


def _imported_apps(app: str) -> dict[str, str]:
    """Each app of ours ``app``'s modules import (tests and migrations aside), with one place."""
    found: dict[str, str] = {}
    for path in sorted((SRC / app).rglob("*.py")):
        parts = path.relative_to(SRC / app).parts
        if "tests" in parts or "migrations" in parts or path.name in {"testing.py", "conftest.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                head = name.split(".")
                if head[0] == "sanxing" and len(head) > 1 and head[1] != app:
                    found.setdefault(head[1], f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_app_has_its_arrows_listed():
    listed = set(ALLOWED)
    apps = set(_apps())
    assert apps - listed == set(), "a new app: list what it may import in ALLOWED"


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_what_its_arrows_allow(app):
    imported = _imported_apps(app)
    extra = {other: where for other, where in imported.items() if other not in ALLOWED[app]}
    assert extra == {}, f"{app} imports apps it may not: {extra}"
