"""Full-text search over casework items: titles, contents and reply texts, in Chinese.

How the index is kept (no casework migration; everything is created idempotently):

- **SQLite** (≥ 3.34): an FTS5 table ``casework_item_fts`` with the ``trigram`` tokenizer
  (rowid = item id; columns title, content and the item's live reply texts), kept in sync by
  triggers on ``casework_item`` and ``casework_reply``. Words of three characters or more go
  through ``MATCH``; words of one or two characters (trigram needs three) fall back to
  ``LIKE`` on the same indexed columns.
- **PostgreSQL**: ``CREATE EXTENSION IF NOT EXISTS pg_trgm`` and GIN ``gin_trgm_ops`` indexes
  on the item's title and content and the reply's text; queries use ``ILIKE``, which those
  indexes serve (words of three characters or more; shorter ones scan).

``install_search_index()`` creates all this (and fills the SQLite table from the rows already
there); it runs from the ``post_migrate`` handler connected when this module is imported
(``CaseworkConfig.ready`` should import it), lazily before the first search on a database
that lacks it, after the demo builder, and from ``sanxing casework_reindex``.

Every search starts from ``sanxing.casework.access.items_visible_to(user)``: nobody finds an
item they may not open.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, F, Lookup, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.safestring import SafeString, mark_safe

from sanxing.casework.access import items_visible_to
from sanxing.casework.models import Item, Reply
from sanxing.people.access import viewer_for

FTS_TABLE = "casework_item_fts"
MAX_QUERY = 100
MAX_TERMS = 5
SNIPPET_RADIUS = 40

_REPLIES_OF = (
    "(SELECT group_concat(r.text, char(10)) FROM casework_reply r "
    "WHERE r.item_id = {item} AND r.deleted_at IS NULL AND r.approval IN ('', 'approved'))"
)
# A reply is searchable once it is sent: needing no approval, or approved by the unit's head.
# One awaiting the head (or sent back) is not: its text may still change or be withdrawn.
SENT = Q(approval__in=[Reply.Approval.NONE, Reply.Approval.APPROVED])
# Marks the current trigger definitions: an index built by older triggers is rebuilt.
SQLITE_VERSION_MARK = "r.approval IN"
SQLITE_TRIGGERS = ("item_ai", "item_au", "item_ad", "reply_ai", "reply_au", "reply_ad")
SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} "
    "USING fts5(title, content, replies, tokenize='trigram')",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_item_ai AFTER INSERT ON casework_item BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, content, replies)
        VALUES (new.id, new.title, new.content, {_REPLIES_OF.format(item="new.id")});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_item_au
    AFTER UPDATE OF title, content ON casework_item BEGIN
        UPDATE {FTS_TABLE} SET title = new.title, content = new.content WHERE rowid = new.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_item_ad AFTER DELETE ON casework_item BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_reply_ai AFTER INSERT ON casework_reply BEGIN
        UPDATE {FTS_TABLE} SET replies = {_REPLIES_OF.format(item="new.item_id")}
        WHERE rowid = new.item_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_reply_au AFTER UPDATE ON casework_reply BEGIN
        UPDATE {FTS_TABLE} SET replies = {_REPLIES_OF.format(item="old.item_id")}
        WHERE rowid = old.item_id;
        UPDATE {FTS_TABLE} SET replies = {_REPLIES_OF.format(item="new.item_id")}
        WHERE rowid = new.item_id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_reply_ad AFTER DELETE ON casework_reply BEGIN
        UPDATE {FTS_TABLE} SET replies = {_REPLIES_OF.format(item="old.item_id")}
        WHERE rowid = old.item_id;
    END""",
]
SQLITE_FILL = [
    f"DELETE FROM {FTS_TABLE}",
    f"INSERT INTO {FTS_TABLE}(rowid, title, content, replies) "
    f"SELECT i.id, i.title, i.content, {_REPLIES_OF.format(item='i.id')} FROM casework_item i",
]
POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS casework_item_title_trgm "
    "ON casework_item USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS casework_item_content_trgm "
    "ON casework_item USING gin (content gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS casework_reply_text_trgm "
    "ON casework_reply USING gin (text gin_trgm_ops)",
]

_installed: set[tuple[str, str]] = set()


def _key(using: str) -> tuple[str, str]:
    return (using, str(connections[using].settings_dict.get("NAME")))


def _has_fts_table(using: str) -> bool:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
        )
        return cursor.fetchone() is not None


def _triggers_current(using: str) -> bool:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            [f"{FTS_TABLE}_reply_au"],
        )
        row = cursor.fetchone()
    return row is not None and SQLITE_VERSION_MARK in (row[0] or "")


def install_search_index(using: str = DEFAULT_DB_ALIAS, *, rebuild: bool = False) -> None:
    """Create the index (idempotent); on SQLite fill it when new or when ``rebuild``."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            fresh = not _has_fts_table(using)
            stale = not fresh and not _triggers_current(using)
            if stale:
                for name in SQLITE_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{name}")
            for sql in SQLITE_DDL:
                cursor.execute(sql)
            if fresh or stale or rebuild:
                for sql in SQLITE_FILL:
                    cursor.execute(sql)
        elif connection.vendor == "postgresql":
            missing = _postgres_missing(cursor)
            if missing and connection.in_atomic_block:
                # CREATE INDEX refuses a table with deferred foreign-key checks pending in
                # this transaction (seed, reindex, a first search after writes): run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in missing:
                cursor.execute(sql)
    _installed.add(_key(using))


def _postgres_missing(cursor: Any) -> list[str]:
    """The statements of POSTGRES_DDL whose extension or index is not there yet."""
    cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    have_extension = cursor.fetchone() is not None
    cursor.execute(
        "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)",
        [["casework_item_title_trgm", "casework_item_content_trgm", "casework_reply_text_trgm"]],
    )
    have = {row[0] for row in cursor.fetchall()}
    missing = []
    for sql in POSTGRES_DDL:
        if sql.startswith("CREATE EXTENSION"):
            if not have_extension:
                missing.append(sql)
        elif sql.split()[5] not in have:
            missing.append(sql)
    return missing


def ensure_search_index(using: str = DEFAULT_DB_ALIAS) -> None:
    """Install once per process and database when missing (one cheap check)."""
    if _key(using) in _installed:
        return
    connection = connections[using]
    if connection.vendor == "sqlite" and _has_fts_table(using) and _triggers_current(using):
        _installed.add(_key(using))
        return
    install_search_index(using)


def _on_post_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    if getattr(sender, "label", None) != "casework":
        return
    _installed.discard(_key(using))
    install_search_index(using)


def _on_pre_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """SQLite alters a table by copying it under a new name: the triggers naming
    casework_reply or casework_item would break that. Drop them before casework's migrations;
    post_migrate puts them back and refills the index."""
    if getattr(sender, "label", None) != "casework":
        return
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{name}")
    _installed.discard(_key(using))


pre_migrate.connect(_on_pre_migrate, dispatch_uid="sanxing.casework.search.pre_migrate")
post_migrate.connect(_on_post_migrate, dispatch_uid="sanxing.casework.search.post_migrate")


# -- queries ------------------------------------------------------------------------------------


def terms_of(q: str) -> list[str]:
    """The words of a query: split on white space, at most five, each at most 100 chars."""
    words = (q or "").strip()[:MAX_QUERY].split()
    seen: list[str] = []
    for w in words:
        if w not in seen:
            seen.append(w)
    return seen[:MAX_TERMS]


class ILike(Lookup):
    """``lhs ILIKE '%rhs%'`` (PostgreSQL): served by the pg_trgm GIN indexes, which
    Django's ``icontains`` (``UPPER(col) LIKE UPPER(…)``) would not use."""

    lookup_name = "trgm_icontains"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = [*lhs_params, *[f"%{connection.ops.prep_for_like_query(p)}%" for p in rhs_params]]
        return f"{lhs} ILIKE {rhs}", params


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _sqlite_filter(items: QuerySet[Item], terms: list[str]) -> QuerySet[Item]:
    long = [t for t in terms if len(t) >= 3]
    short = [t for t in terms if len(t) < 3]
    where: list[str] = []
    params: list[Any] = []
    if long:
        where.append(f"{FTS_TABLE} MATCH %s")
        params.append(" AND ".join(_fts_quote(t) for t in long))
    for t in short:
        where.append(
            "(title LIKE %s ESCAPE '\\' OR content LIKE %s ESCAPE '\\' "
            "OR replies LIKE %s ESCAPE '\\')"
        )
        params += [_like(t)] * 3
    sql = f"SELECT rowid FROM {FTS_TABLE} WHERE " + " AND ".join(where)
    return items.filter(pk__in=RawSQL(sql, params))


def _postgres_filter(items: QuerySet[Item], terms: list[str]) -> QuerySet[Item]:
    for t in terms:
        replied = Reply.objects.filter(SENT, item=OuterRef("pk")).filter(ILike(F("text"), Value(t)))
        items = items.filter(
            ILike(F("title"), Value(t)) | ILike(F("content"), Value(t)) | Exists(replied)
        )
    return items


def _generic_filter(items: QuerySet[Item], terms: list[str]) -> QuerySet[Item]:
    for t in terms:
        replied = Reply.objects.filter(SENT, item=OuterRef("pk"), text__icontains=t)
        items = items.filter(Q(title__icontains=t) | Q(content__icontains=t) | Exists(replied))
    return items


def matching(items: QuerySet[Item], q: str, using: str = DEFAULT_DB_ALIAS) -> QuerySet[Item]:
    """``items`` narrowed to those whose title, content or a sent live reply contains every word
    of ``q``; newest first. An empty query finds nothing."""
    terms = terms_of(q)
    if not terms:
        return items.none()
    vendor = connections[using].vendor
    if vendor == "sqlite":
        ensure_search_index(using)
        items = _sqlite_filter(items, terms)
    elif vendor == "postgresql":
        ensure_search_index(using)
        items = _postgres_filter(items, terms)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        items = _generic_filter(items, terms)
    return items.order_by("-submitted_on", "-pk")


def may_search(user: Any) -> bool:
    """The office, unit handlers, deputies and committee members search casework; anyone
    else is refused (404), whatever items_visible_to would give them."""
    v = viewer_for(user)
    return bool(v.is_office or v.is_handler or v.is_deputy or v.is_committee_member)


def search_items(user: Any, q: str) -> QuerySet[Item]:
    """What ``user`` may see that matches ``q``, with the live replies prefetched (for the
    snippets): a page of results costs the count, the rows and one query for the replies."""
    live_replies = Reply.objects.filter(SENT).order_by("round", "sent_on", "pk")
    return matching(items_visible_to(user), q).prefetch_related(
        Prefetch("replies", queryset=live_replies, to_attr="live_replies")
    )


# -- snippets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snippet:
    field: str  # "title", "content" or "reply"
    html: SafeString


def highlight(text: str, terms: list[str], radius: int = SNIPPET_RADIUS) -> SafeString | None:
    """The part of ``text`` around the first word found, escaped, with every word marked;
    None when no word occurs."""
    if not text or not terms:
        return None
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    first = pattern.search(text)
    if first is None:
        return None
    start = max(0, first.start() - radius)
    end = min(len(text), first.end() + radius)
    window = text[start:end]
    out: list[str] = ["…" if start > 0 else ""]
    pos = 0
    for m in pattern.finditer(window):
        out.append(html.escape(window[pos : m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(html.escape(window[pos:]))
    out.append("…" if end < len(text) else "")
    return mark_safe("".join(out))  # every piece of text is escaped above


def snippets_for(item: Item, q: str) -> dict[str, Any]:
    """The highlighted title and the best passage (content, else a reply) of one result."""
    terms = terms_of(q)
    title = highlight(item.title, terms, radius=len(item.title)) or mark_safe(
        html.escape(item.title)
    )
    passage: Snippet | None = None
    found = highlight(item.content, terms)
    if found is not None:
        passage = Snippet("content", found)
    else:
        for reply in getattr(item, "live_replies", []):
            found = highlight(reply.text, terms)
            if found is not None:
                passage = Snippet("reply", found)
                break
    return {"title": title, "passage": passage}
