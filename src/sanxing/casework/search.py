"""Full-text search over casework items: titles, contents and reply texts, in Chinese.

How the index is kept (no casework migration; everything is created idempotently):

- **SQLite** (≥ 3.34): an FTS5 table ``casework_item_fts`` with the ``trigram`` tokenizer
  (rowid = item id; columns title, content and the item's live reply texts), kept in sync by
  triggers on ``casework_item`` and ``casework_reply``. Words of three characters or more go
  through ``MATCH``.
- **PostgreSQL**: ``CREATE EXTENSION IF NOT EXISTS pg_trgm`` and GIN ``gin_trgm_ops`` indexes
  on the item's title and content and the reply's text; words of three characters or more use
  ``ILIKE``, which those indexes serve: one ``UNION`` branch per index, each word's ids in a
  ``MATERIALIZED`` CTE, so that the planner reads the indexes before joining the visible items
  (``postgres_matching_ids``).
- **Both**: words of one or two characters (trigrams need three) are looked up in the gram
  table ``casework_item_gram`` (gram, item_id): every distinct two-character sequence of the
  same text, kept by triggers on both tables (SQLite triggers; PL/pgSQL on PostgreSQL).

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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Window,
)
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

# -- the gram table: one- and two-character words as an index lookup ---------------------------
# Trigram indexes (FTS5 trigram, pg_trgm) cannot serve words shorter than three characters.
# casework_item_gram holds every distinct two-character sequence (lower-cased as the search
# folds case: ASCII on SQLite, like LIKE; the locale's lower() on PostgreSQL, like ILIKE) of an
# item's searchable text: title, content and sent live replies, each followed by a newline.
# A two-character word is ``gram = word``; a one-character word is the range of grams that start
# with it (the newline after each field makes every character the start of a gram). Words never
# contain white space, so a gram across two fields never matches.
GRAM_TABLE = "casework_item_gram"
GRAM_NUMBERS = "casework_item_gram_n"  # 1..4096: positions are (hi - 1) * 4096 + lo
GRAM_BLOCK = 4096
GRAM_TRIGGERS = ("item_ai", "item_au", "item_ad", "reply_ai", "reply_au", "reply_ad")
_GRAM_TEXT = "{title} || char(10) || {content} || char(10) || coalesce({replies}, '') || char(10)"


def _sqlite_text(alias: str) -> str:
    return _GRAM_TEXT.format(
        title=f"{alias}.title",
        content=f"{alias}.content",
        replies=_REPLIES_OF.format(item=f"{alias}.id"),
    )


def _sqlite_grams_of(source: str) -> str:
    """SELECT (gram, item_id) of every row of ``source`` (a subquery with columns id, x).
    ``LIMIT -1`` keeps SQLite from flattening ``source`` into the join (which would rebuild
    the text, replies included, for every position); the position bound on ``lo`` is written
    so that it is a rowid range."""
    return (
        f"SELECT DISTINCT lower(substr(s.x, (hi.n - 1) * {GRAM_BLOCK} + lo.n, 2)), s.id "
        f"FROM ({source} LIMIT -1) s JOIN {GRAM_NUMBERS} hi "
        f"ON hi.n <= (length(s.x) + {GRAM_BLOCK - 1}) / {GRAM_BLOCK} "
        f"JOIN {GRAM_NUMBERS} lo ON lo.n < length(s.x) - (hi.n - 1) * {GRAM_BLOCK}"
    )


def _sqlite_regram(item: str) -> str:
    return (
        f"DELETE FROM {GRAM_TABLE} WHERE item_id = {item}; "
        f"INSERT OR IGNORE INTO {GRAM_TABLE}(gram, item_id) "
        + _sqlite_grams_of(
            f"SELECT i.id AS id, {_sqlite_text('i')} AS x FROM casework_item i WHERE i.id = {item}"
        )
        + ";"
    )


SQLITE_GRAM_DDL = [
    f"CREATE TABLE IF NOT EXISTS {GRAM_TABLE} (gram TEXT NOT NULL, item_id INTEGER NOT NULL, "
    "PRIMARY KEY (gram, item_id)) WITHOUT ROWID",
    f"CREATE INDEX IF NOT EXISTS {GRAM_TABLE}_item ON {GRAM_TABLE}(item_id)",
    f"CREATE TABLE IF NOT EXISTS {GRAM_NUMBERS} (n INTEGER PRIMARY KEY)",
    f"WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {GRAM_BLOCK}) "
    f"INSERT OR IGNORE INTO {GRAM_NUMBERS}(n) SELECT n FROM k",
    f"""CREATE TRIGGER IF NOT EXISTS {GRAM_TABLE}_item_ai AFTER INSERT ON casework_item BEGIN
        {_sqlite_regram("new.id")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {GRAM_TABLE}_item_au AFTER UPDATE OF title, content
    ON casework_item WHEN old.title IS NOT new.title OR old.content IS NOT new.content BEGIN
        {_sqlite_regram("new.id")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {GRAM_TABLE}_item_ad AFTER DELETE ON casework_item BEGIN
        DELETE FROM {GRAM_TABLE} WHERE item_id = old.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {GRAM_TABLE}_reply_ai AFTER INSERT ON casework_reply BEGIN
        {_sqlite_regram("new.item_id")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {GRAM_TABLE}_reply_au AFTER UPDATE ON casework_reply BEGIN
        {_sqlite_regram("old.item_id")}
        {_sqlite_regram("new.item_id")}
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {GRAM_TABLE}_reply_ad AFTER DELETE ON casework_reply BEGIN
        {_sqlite_regram("old.item_id")}
    END""",
]
SQLITE_GRAM_FILL = [
    f"DELETE FROM {GRAM_TABLE}",
    f"INSERT OR IGNORE INTO {GRAM_TABLE}(gram, item_id) "
    + _sqlite_grams_of(f"SELECT i.id AS id, {_sqlite_text('i')} AS x FROM casework_item i")
    + " ORDER BY 1, 2",
]

# The text is built once per item in a MATERIALIZED CTE: as a plain subquery PostgreSQL pulled
# it up into the join with generate_series and ran the replies' string_agg once per position
# (v2; the same flattening as SQLite's before ``LIMIT -1``), which made the seed's regrams
# grow with the text times the replies.
_PG_TEXT = (
    "i.title || E'\\n' || i.content || E'\\n' || coalesce((SELECT string_agg(r.text, E'\\n' "
    "ORDER BY r.id) FROM casework_reply r WHERE r.item_id = i.id AND r.deleted_at IS NULL "
    "AND r.approval IN ('', 'approved')), '') || E'\\n'"
)
PG_GRAM_MARK = "sanxing gram v3"
POSTGRES_GRAM_DDL = [
    f'CREATE TABLE IF NOT EXISTS {GRAM_TABLE} (gram text COLLATE "C" NOT NULL, '
    "item_id bigint NOT NULL, PRIMARY KEY (gram, item_id))",
    f"CREATE INDEX IF NOT EXISTS {GRAM_TABLE}_item ON {GRAM_TABLE} (item_id)",
    f"""CREATE OR REPLACE FUNCTION {GRAM_TABLE}_regram(p_item bigint) RETURNS void AS $$
        -- {PG_GRAM_MARK}
        DELETE FROM {GRAM_TABLE} WHERE item_id = p_item;
        INSERT INTO {GRAM_TABLE} (gram, item_id)
        WITH s AS MATERIALIZED (
            SELECT i.id, {_PG_TEXT} AS x FROM casework_item i WHERE i.id = p_item
        )
        SELECT DISTINCT lower(substr(s.x, n, 2)), s.id
        FROM s, generate_series(1, length(s.x) - 1) n
        ON CONFLICT DO NOTHING;
    $$ LANGUAGE sql""",
    f"""CREATE OR REPLACE FUNCTION {GRAM_TABLE}_item_trg() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {GRAM_TABLE} WHERE item_id = OLD.id;
        ELSE
            PERFORM {GRAM_TABLE}_regram(NEW.id);
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION {GRAM_TABLE}_reply_trg() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            PERFORM {GRAM_TABLE}_regram(OLD.item_id);
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.item_id <> OLD.item_id) THEN
            PERFORM {GRAM_TABLE}_regram(NEW.item_id);
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS {GRAM_TABLE}_item_ai ON casework_item",
    f"CREATE TRIGGER {GRAM_TABLE}_item_ai AFTER INSERT ON casework_item "
    f"FOR EACH ROW EXECUTE FUNCTION {GRAM_TABLE}_item_trg()",
    f"DROP TRIGGER IF EXISTS {GRAM_TABLE}_item_au ON casework_item",
    f"CREATE TRIGGER {GRAM_TABLE}_item_au AFTER UPDATE OF title, content ON casework_item "
    "FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title "
    "OR OLD.content IS DISTINCT FROM NEW.content) "
    f"EXECUTE FUNCTION {GRAM_TABLE}_item_trg()",
    f"DROP TRIGGER IF EXISTS {GRAM_TABLE}_item_ad ON casework_item",
    f"CREATE TRIGGER {GRAM_TABLE}_item_ad AFTER DELETE ON casework_item "
    f"FOR EACH ROW EXECUTE FUNCTION {GRAM_TABLE}_item_trg()",
    f"DROP TRIGGER IF EXISTS {GRAM_TABLE}_reply ON casework_reply",
    f"CREATE TRIGGER {GRAM_TABLE}_reply AFTER INSERT OR UPDATE OR DELETE ON casework_reply "
    f"FOR EACH ROW EXECUTE FUNCTION {GRAM_TABLE}_reply_trg()",
]
POSTGRES_GRAM_FILL = [
    f"TRUNCATE {GRAM_TABLE}",
    f"INSERT INTO {GRAM_TABLE} (gram, item_id) "
    f"WITH s AS MATERIALIZED (SELECT i.id, {_PG_TEXT} AS x FROM casework_item i) "
    "SELECT DISTINCT lower(substr(s.x, n, 2)), s.id FROM s, generate_series(1, length(s.x) - 1) n",
    # Statistics now, not when autovacuum comes by: without them the planner guesses the
    # gram lookups' sizes and may scan casework_item for a join it could do by primary key.
    f"ANALYZE {GRAM_TABLE}",
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
    """The FTS triggers are today's and the gram table with its triggers is there."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s)",
            [f"{FTS_TABLE}_reply_au", f"{GRAM_TABLE}_reply_au"],
        )
        rows = dict(cursor.fetchall())
    return SQLITE_VERSION_MARK in (rows.get(f"{FTS_TABLE}_reply_au") or "") and "LIMIT -1" in (
        rows.get(f"{GRAM_TABLE}_reply_au") or ""
    )


def _drop_sqlite_triggers(cursor: Any) -> None:
    for name in SQLITE_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{name}")
    for name in GRAM_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {GRAM_TABLE}_{name}")


def install_search_index(using: str = DEFAULT_DB_ALIAS, *, rebuild: bool = False) -> None:
    """Create the index (idempotent); fill it when new, stale or when ``rebuild``."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            fresh = not _has_fts_table(using)
            stale = not fresh and not _triggers_current(using)
            if stale:
                _drop_sqlite_triggers(cursor)
            for sql in SQLITE_DDL + SQLITE_GRAM_DDL:
                cursor.execute(sql)
            if fresh or stale or rebuild:
                for sql in SQLITE_FILL + SQLITE_GRAM_FILL:
                    cursor.execute(sql)
        elif connection.vendor == "postgresql":
            missing = _postgres_missing(cursor)
            grams_current = _postgres_grams_current(cursor)
            if (missing or not grams_current) and connection.in_atomic_block:
                # CREATE INDEX refuses a table with deferred foreign-key checks pending in
                # this transaction (seed, reindex, a first search after writes): run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for sql in missing:
                cursor.execute(sql)
            if not grams_current:
                for sql in POSTGRES_GRAM_DDL:
                    cursor.execute(sql)
            if not grams_current or rebuild:
                for sql in POSTGRES_GRAM_FILL:
                    cursor.execute(sql)
    _installed.add(_key(using))


def _postgres_grams_current(cursor: Any) -> bool:
    """The gram table is there, with today's function and its triggers."""
    cursor.execute(
        "SELECT (SELECT count(*) FROM pg_proc WHERE proname = %s AND prosrc LIKE %s), "
        "(SELECT count(*) FROM pg_trigger WHERE tgname LIKE %s)",
        [f"{GRAM_TABLE}_regram", f"%{PG_GRAM_MARK}%", f"{GRAM_TABLE}%"],
    )
    functions, triggers = cursor.fetchone()
    return bool(functions) and triggers == 4


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
        _drop_sqlite_triggers(cursor)
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


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_LAST_CHAR = "\U0010ffff"


def _gram_sql(term: str, vendor: str) -> tuple[str, list[Any]]:
    """The ids of the items whose text contains ``term`` (one or two characters): an index
    lookup in the gram table, folding case as the search does on that database."""
    if vendor == "sqlite":
        key, params = "%s", [term.translate(_ASCII_LOWER)]
    else:
        key, params = "lower(%s)", [term]
    if len(term) == 2:
        return f"SELECT item_id FROM {GRAM_TABLE} WHERE gram = {key}", params
    return (
        f"SELECT item_id FROM {GRAM_TABLE} WHERE gram >= {key} AND gram <= {key} || %s",
        [*params, *params, _LAST_CHAR],
    )


def _sqlite_filter(items: QuerySet[Item], terms: list[str]) -> QuerySet[Item]:
    long = [t for t in terms if len(t) >= 3]
    short = [t for t in terms if len(t) < 3]
    if long:
        match = " AND ".join(_fts_quote(t) for t in long)
        items = items.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
        )
    for t in short:
        items = items.filter(pk__in=RawSQL(*_gram_sql(t, "sqlite")))
    return items


def _postgres_term(term: str) -> tuple[str, list[Any]]:
    """The ids of the items holding ``term``, each branch one index's lookup: short words from
    the gram table; longer ones as the ``UNION`` of the items whose title ``ILIKE`` it, those
    whose content does, and the items of the sent live replies whose text does — one pg_trgm
    GIN index each. (``title ILIKE … OR content ILIKE …`` in one branch is costed as one pass
    over the table: ILIKE's CPU cost on long texts is underestimated, and the planner chose a
    sequential scan, 14 ms instead of 1 ms at scale 1.)"""
    from django.db import connection as default

    if len(term) < 3:
        return _gram_sql(term, "postgresql")
    pattern = f"%{default.ops.prep_for_like_query(term)}%"
    return (
        "SELECT id FROM casework_item WHERE title ILIKE %s "
        "UNION SELECT id FROM casework_item WHERE content ILIKE %s "
        "UNION SELECT item_id FROM casework_reply WHERE text ILIKE %s "
        "AND deleted_at IS NULL AND approval IN (%s, %s)",
        [pattern, pattern, pattern, str(Reply.Approval.NONE), str(Reply.Approval.APPROVED)],
    )


def postgres_matching_ids(terms: list[str]) -> tuple[str, list[Any]]:
    """One query for the ids of the items holding every word: each word's ids in a
    ``MATERIALIZED`` CTE (planned on its own, from its indexes, before any join with the
    visible items), then ``INTERSECT``."""
    ctes, selects, params = [], [], []
    for n, term in enumerate(terms):
        sql, term_params = _postgres_term(term)
        ctes.append(f"m{n} AS MATERIALIZED ({sql})")
        selects.append(f"SELECT * FROM m{n}")
        params += term_params
    return f"WITH {', '.join(ctes)} {' INTERSECT '.join(selects)}", params


def _postgres_filter(items: QuerySet[Item], terms: list[str]) -> QuerySet[Item]:
    """``pk IN (the matching ids)``: the ids come from the indexes first (see
    ``postgres_matching_ids``); visibility, order and count are applied to those rows."""
    return items.filter(pk__in=RawSQL(*postgres_matching_ids(terms)))


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


RESULT_FIELDS = ("id", "kind", "year", "number", "title", "content", "state", "submitted_on")


def search_page(user: Any, q: str, number: Any, per_page: int) -> Page:
    """One page of ``search_items`` for the search page, in one query: the matching items are
    found once (the rows carry the total as ``COUNT(*) OVER ()``), instead of a ``COUNT`` and
    the rows each running the match. Only the rows whose title and content hold no word get
    their live replies (one more query, and none when every passage is in the content).
    ``number`` as Paginator.get_page takes it: not a number → 1, past the end → the last."""
    items = matching(items_visible_to(user), q).only(*RESULT_FIELDS)
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    start = (wanted - 1) * per_page
    rows = list(items.annotate(found=Window(Count("*")))[start : start + per_page])
    paginator = Paginator(items, per_page)
    if rows:
        paginator.count = rows[0].found  # type: ignore[misc]  # a cached_property
    elif wanted > 1:  # past the end: Paginator's last page (rare; two more queries)
        return search_page(user, q, paginator.num_pages, per_page)
    else:
        paginator.count = 0  # type: ignore[misc]
    attach_live_replies(rows, terms_of(q))
    return Page(rows, wanted, paginator)


def attach_live_replies(items: Sequence[Item], terms: list[str]) -> None:
    """``item.live_replies`` (as search_items prefetches them) for the items whose content
    holds none of ``terms``; the others get an empty list (their passage is in the content)."""
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.I) if terms else None
    need = [i for i in items if pattern is None or not pattern.search(i.content or "")]
    for item in items:
        item.live_replies = []  # type: ignore[attr-defined]
    if not need:
        return
    by_item = {i.pk: i for i in need}
    replies = Reply.objects.filter(SENT, item_id__in=by_item).order_by("round", "sent_on", "pk")
    for reply in replies:
        by_item[reply.item_id].live_replies.append(reply)  # type: ignore[attr-defined]


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
