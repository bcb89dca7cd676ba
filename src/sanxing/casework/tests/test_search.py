"""Full-text search: a clerk, a unit handler and a deputy find items by words of their
titles, contents and replies (Chinese, one to many characters); nobody finds what they may
not open; the page and the API page the results."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from sanxing.casework import search, services
from sanxing.casework.kinds import Channel
from sanxing.casework.models import Item
from sanxing.casework.tests.factories import assigned_suggestion, registered_suggestion

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def items(world):
    """A replied suggestion for the handler's unit, another only the office sees, a letter."""
    school, assignment = assigned_suggestion(world, on=DAY, title="關於增加公辦幼兒園學位的建議")
    services.reply_submit(
        assignment=assignment,
        text="經研究，今年新建兩所幼兒園，新增學位九百個。",
        reply_class="A",
        signed_by="市教育局",
        sent_on=DAY + dt.timedelta(days=30),
        by=world.handler,
    )
    river = registered_suggestion(world, on=DAY, title="關於治理河道污染的建議")
    river.content = "南湖河道污染嚴重，魚類死亡。"
    river.save()
    letter = services.letter_receive(
        congress=world.congress,
        channel=Channel.LETTER,
        petitioner_name="王偉",
        title="噪聲擾民",
        content="工地夜間施工噪聲擾民 <script>alert(1)</script>",
        received_on=DAY,
        by=world.clerk,
    )
    return {"school": school, "river": river, "letter": letter}


def ids(qs):
    return sorted(i.pk for i in qs)


def test_clerk_finds_by_title_content_and_reply_words_of_every_length(world, items):
    school, river = items["school"], items["river"]
    find = lambda q: ids(search.search_items(world.clerk, q))  # noqa: E731
    assert find("幼兒園") == [school.pk]  # title, three characters (trigram MATCH)
    assert find("新建兩所幼兒園") == [school.pk]  # a reply, six characters and more
    assert find("學位") == [school.pk]  # two characters: the LIKE fallback
    assert find("污") == [river.pk]  # one character
    assert find("魚類死亡") == [river.pk]  # content
    assert find("南湖 魚類") == [river.pk]  # every word must occur
    assert find("南湖 幼兒園") == []
    assert find("   ") == []
    assert find('"幼兒園" OR %') == []  # FTS syntax and LIKE wildcards are plain text


def test_the_index_follows_edits_replies_and_deletions(world, items):
    school, river = items["school"], items["river"]
    Item.objects.filter(pk=river.pk).update(title="關於整治餐飲油煙擾民的建議")
    assert ids(search.search_items(world.clerk, "油煙擾民")) == [river.pk]
    assert ids(search.search_items(world.clerk, "河道污染")) == [river.pk]  # still in content
    reply = school.replies.get()
    reply.text = "另行研究。"
    reply.save()
    assert ids(search.search_items(world.clerk, "九百個")) == []
    reply.deleted_at = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    reply.save()
    assert ids(search.search_items(world.clerk, "另行研究")) == []
    river.deleted_at = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    river.save()
    assert ids(search.search_items(world.clerk, "油煙")) == []


def test_reindex_rebuilds_the_index(world, items):
    search.install_search_index(rebuild=True)
    assert ids(search.search_items(world.clerk, "幼兒園")) == [items["school"].pk]
    from django.core.management import call_command

    call_command("casework_reindex", verbosity=0)
    assert ids(search.search_items(world.clerk, "噪聲")) == [items["letter"].pk]


def test_each_person_finds_only_what_they_may_open(world, items):
    school = items["school"]
    assert ids(search.search_items(world.handler, "建議")) == [school.pk]
    assert ids(search.search_items(world.other_handler, "建議")) == []
    assert ids(search.search_items(world.deputy, "建議")) == sorted([school.pk, items["river"].pk])
    assert ids(search.search_items(world.member, "噪聲")) == []
    assert ids(search.search_items(world.outsider, "建議")) == []
    assert not search.may_search(world.outsider)


def test_snippets_mark_the_words_and_escape_the_text(world, items):
    letter = search.search_items(world.clerk, "噪聲").get()
    snip = search.snippets_for(letter, "噪聲")
    assert str(snip["title"]) == "<mark>噪聲</mark>擾民"
    assert "<mark>噪聲</mark>" in snip["passage"].html
    assert "<script>" not in snip["passage"].html and "&lt;script&gt;" in snip["passage"].html
    school = search.search_items(world.clerk, "九百").get()
    snip = search.snippets_for(school, "九百")
    assert snip["passage"].field == "reply" and "<mark>九百</mark>" in snip["passage"].html
    long = search.highlight("甲" * 100 + "目標" + "乙" * 100, ["目標"], radius=5)
    assert long == "…甲甲甲甲甲<mark>目標</mark>乙乙乙乙乙…"


def test_the_search_page_pages_highlighted_results(client, world, items, django_assert_num_queries):
    for n in range(25):
        registered_suggestion(world, on=DAY, title=f"關於第{n}號幼兒園的建議")
    Item.objects.update(content="")
    client.force_login(world.clerk)
    client.get("/casework/search/?q=幼兒園")  # warm: session, viewer, index check
    # session, user, viewer roles, rows with their count, replies (the rows whose content has
    # no word: here all); the shell: person, unread notices
    with django_assert_num_queries(7):
        response = client.get("/casework/search/?q=幼兒園")
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="results-title">[^<]*26', body)
    assert body.count("<mark>幼兒園</mark>") >= 20
    assert 'rel="next"' in body
    second = client.get("/casework/search/?q=幼兒園&page=2").content.decode()
    assert second.count("<mark>幼兒園</mark>") == 7  # six titles and one reply
    empty = client.get("/casework/search/")
    assert empty.status_code == 200 and "items found" not in empty.content.decode()


def _page_queries(client, url):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def test_the_page_query_count_does_not_grow_with_the_results(
    client, world, items, django_assert_max_num_queries
):
    client.force_login(world.clerk)
    client.get("/casework/search/?q=建議")
    few = _page_queries(client, "/casework/search/?q=建議")
    for n in range(30):
        registered_suggestion(world, on=DAY, title=f"關於第{n}項工作的建議")
    with django_assert_max_num_queries(few):
        assert client.get("/casework/search/?q=建議").status_code == 200
    assert few <= 12


def test_outsider_and_anonymous_are_refused(client, world, items):
    client.force_login(world.outsider)
    assert client.get("/casework/search/?q=建議").status_code == 404
    assert client.get("/api/v1/casework/search?q=建議").status_code == 404
    client.logout()
    assert client.get("/casework/search/?q=建議").status_code == 302
    assert client.get("/api/v1/casework/search?q=建議").status_code == 401


def test_the_api_pages_the_hits_with_snippets(client, world, items, django_assert_num_queries):
    client.force_login(world.handler)
    with django_assert_num_queries(6):  # session, user, roles, count, rows, replies
        body = client.get("/api/v1/casework/search", {"q": "九百"}).json()
    assert body["count"] == 1 and body["page"] == 1
    hit = body["items"][0]
    assert hit["id"] == items["school"].pk
    assert hit["snippet_field"] == "reply" and "<mark>九百</mark>" in hit["snippet_html"]
    assert client.get("/api/v1/casework/search", {"q": "噪聲"}).json()["count"] == 0
    assert client.get("/api/v1/casework/search").status_code == 422
