"""One- and two-character words go through the gram table (an index lookup, on SQLite and
PostgreSQL alike); the results are exactly those of a plain substring search over the title,
the content and the sent live replies, whatever edits, replies and deletions came before."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanxing.casework import search, services
from sanxing.casework.models import Item, Reply
from sanxing.casework.tests.factories import assigned_suggestion, registered_suggestion

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@pytest.fixture
def corpus(world):
    """Mixed Chinese and Latin, punctuation, a reply, an item only the office sees."""
    app, lead = assigned_suggestion(world, on=DAY, title="關於推廣APP「一網通辦」的建議")
    app.content = "市民反映：App登錄慢，50%的事項需到現場。"
    app.save()
    services.reply_submit(
        assignment=lead,
        text="已優化GovApp，平均辦理時間縮短至5分鐘。",
        reply_class="A",
        signed_by="市教育局",
        sent_on=DAY + dt.timedelta(days=20),
        by=world.handler,
    )
    noise = registered_suggestion(world, on=DAY, title="關於治理噪聲擾民的建議")
    noise.content = "夜間施工噪聲大_影響休息(嚴重)。"
    noise.save()
    bus = registered_suggestion(world, on=DAY, title="關於增開公交線路的建議")
    bus.content = "a_b c%d 公交"
    bus.save()
    return {"app": app, "noise": noise, "bus": bus}


def expected(user, term: str) -> list[int]:
    """The reference: a plain substring test (ASCII case folded, as SQLite's LIKE does)."""
    folded = term.translate(ASCII_LOWER)
    found = []
    for item in search.items_visible_to(user):
        replies = Reply.objects.filter(search.SENT, item=item)
        texts = [item.title, item.content, *(r.text for r in replies)]
        if any(folded in t.translate(ASCII_LOWER) for t in texts):
            found.append(item.pk)
    return sorted(found)


def found(user, q: str) -> list[int]:
    return sorted(i.pk for i in search.search_items(user, q))


WORDS = [
    "噪",  # one character
    "噪聲",  # two
    "噪聲擾",  # three (trigram)
    "治理噪聲擾民",  # six
    "的",
    "建議",
    "app",  # Latin, folded case
    "AP",
    "p",
    "Ap",
    "「一",  # punctuation inside
    "」",
    "%",
    "_",
    "a_",
    "50",
    "5分",
    "：A",
    "(嚴",
    "d",
    "辦」",
    "鐘。",  # the last characters of a reply
    "。",
    "無此",
]


def test_one_and_two_character_words_find_what_a_substring_search_finds(world, corpus):
    for word in WORDS:
        assert found(world.clerk, word) == expected(world.clerk, word), word
        assert found(world.handler, word) == expected(world.handler, word), word


def test_short_words_are_an_index_lookup_not_a_scan(world, corpus):
    with CaptureQueriesContext(connection) as captured:
        assert found(world.clerk, "噪聲") == [corpus["noise"].pk]
        assert found(world.clerk, "噪") == [corpus["noise"].pk]
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert search.GRAM_TABLE in sql and "LIKE" not in sql.upper()


def test_mixed_words_need_every_word(world, corpus):
    assert found(world.clerk, "APP 一網") == [corpus["app"].pk]
    assert found(world.clerk, "app 噪聲") == []
    assert found(world.clerk, "公交 c%") == [corpus["bus"].pk]
    assert found(world.clerk, "公交 公交線路") == [corpus["bus"].pk]

    # several long words, each from another field (title, content, a reply)
    assert found(world.clerk, "GovApp 一網通辦 App登錄") == [corpus["app"].pk]
    assert found(world.clerk, "治理噪聲擾民 夜間施工 噪") == [corpus["noise"].pk]
    assert found(world.clerk, "GovApp 夜間施工") == []


def test_postgres_reads_each_words_ids_from_its_own_index_first():
    """PostgreSQL: every word's ids in a MATERIALIZED CTE; a long word is one UNION branch per
    pg_trgm index (no ``title ILIKE … OR content ILIKE …``, which the planner served by a
    sequential scan); the words are intersected."""
    sql, params = search.postgres_matching_ids(["物業服務糾紛", "噪聲"])
    assert sql.startswith("WITH m0 AS MATERIALIZED (") and "m1 AS MATERIALIZED (" in sql
    assert " OR " not in sql and sql.count("UNION SELECT") == 2 and "INTERSECT" in sql
    assert search.GRAM_TABLE in sql
    assert params[:3] == ["%物業服務糾紛%"] * 3 and params[-1] == "噪聲"


def test_the_grams_follow_edits_replies_and_deletions(world, corpus):
    noise, app = corpus["noise"], corpus["app"]
    Item.objects.filter(pk=noise.pk).update(title="關於油煙的建議", content="油煙")
    assert found(world.clerk, "噪聲") == []
    assert found(world.clerk, "油煙") == [noise.pk]
    reply = app.replies.get()
    reply.text = "另行研究。"
    reply.save()
    assert found(world.clerk, "5分") == []
    assert found(world.clerk, "另行") == [app.pk]
    reply.deleted_at = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    reply.save()
    assert found(world.clerk, "另行") == []
    app.deleted_at = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    app.save()
    assert found(world.clerk, "一網") == []
    bus = corpus["bus"]
    for rel in Item._meta.related_objects:  # a hard delete: what refers to the item first
        model: Any = rel.related_model
        model._base_manager.filter(**{rel.field.name: bus}).delete()
    Item.all_objects.filter(pk=bus.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {search.GRAM_TABLE} WHERE item_id = %s", [bus.pk])
        assert cursor.fetchone()[0] == 0
    for word in WORDS:
        assert found(world.clerk, word) == expected(world.clerk, word), word


def test_each_person_finds_only_what_they_may_open(world, corpus):
    app = corpus["app"]
    assert found(world.handler, "建議") == [app.pk]
    assert found(world.handler, "噪") == []
    assert found(world.other_handler, "建") == []
    assert found(world.clerk, "建") == sorted(i.pk for i in corpus.values())
    assert found(world.outsider, "建") == []


def test_the_backfill_is_idempotent_and_rebuilds_the_same_grams(world, corpus):
    def grams():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT gram, item_id FROM {search.GRAM_TABLE} ORDER BY 1, 2")
            return cursor.fetchall()

    before = grams()
    assert before
    search.install_search_index()
    assert grams() == before
    search.install_search_index(rebuild=True)
    assert grams() == before
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search.GRAM_TABLE}")
    search.install_search_index(rebuild=True)
    assert grams() == before
