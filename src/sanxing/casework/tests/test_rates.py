"""Rates of RULES.md §3 on a small history where the answers are known by hand."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from sanxing.casework import selectors, services
from sanxing.casework.kinds import Kind
from sanxing.casework.tests.factories import assigned_suggestion

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def history(world):
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC), tick=False):

        def reply(lead, on, cls, **kw):
            return services.reply_submit(
                assignment=lead,
                text="答復",
                reply_class=cls,
                signed_by="局長",
                sent_on=on,
                by=kw.pop("by", world.handler),
                **kw,
            )

        s1, a1 = assigned_suggestion(world, on=D(2025, 3, 3), title="S1")
        reply(a1, D(2025, 5, 1), "A")
        services.evaluation_submit(item=s1, value="satisfied", by=world.deputy, on=D(2025, 5, 5))

        s2, a2 = assigned_suggestion(world, on=D(2025, 3, 3), title="S2")
        reply(a2, D(2025, 7, 1), "B", committed_on=D(2025, 12, 31))
        services.evaluation_submit(
            item=s2, value="unsatisfied", comment="不夠", by=world.deputy, on=D(2025, 7, 5)
        )
        reply(a2, D(2025, 7, 20), "C")
        services.evaluation_submit(
            item=s2, value="basically_satisfied", by=world.deputy, on=D(2025, 7, 25)
        )

        assigned_suggestion(world, on=D(2025, 10, 9), title="S3")  # open, overdue by March
        assigned_suggestion(world, on=D(2025, 12, 15), title="S4")  # open, not yet due

        _s5, a5 = assigned_suggestion(world, on=D(2025, 4, 1), title="S5")
        reply(a5, D(2025, 5, 6), "A")  # the form never came back

        s6 = services.item_register(
            item=services.item_submit(
                congress=world.congress,
                kind=Kind.SUGGESTION,
                title="S6",
                content="",
                submitted_on=D(2025, 6, 2),
                deputies=[world.deputy.person],
                by=world.clerk,
            ),
            by=world.clerk,
            on=D(2025, 6, 2),
        )
        (a6,) = services.item_assign(
            item=s6, lead_unit=world.other_unit, by=world.clerk, on=D(2025, 6, 2)
        )
        reply(a6, D(2025, 6, 20), "D", by=world.other_handler)

        assigned_suggestion(world, on=D(2026, 1, 5), title="S7")  # outside the period
    return world


def query(world, **kw):
    params = {
        "congress_id": world.congress.pk,
        "kind": Kind.SUGGESTION,
        "date_from": D(2025, 1, 1),
        "date_to": D(2025, 12, 31),
        "as_of": D(2026, 3, 1),
    }
    params.update(kw)
    return selectors.RateQuery(**params)


def test_rates_per_unit_match_the_hand_count(history, django_assert_num_queries):
    with django_assert_num_queries(1):  # one grouped query; the total is their sum
        rows = selectors.rates(query(history))
    by_unit = {row.unit_name: row for row in rows}
    unit = by_unit["市教育局"]
    assert unit.counts == {
        "assigned": 5,
        "replied": 3,
        "closed_on_time": 2,
        "closed_late": 1,
        "open_overdue": 1,
        "class_a": 2,
        "class_b": 0,
        "class_c": 1,
        "class_d": 0,
        "evaluated": 2,
        "satisfied": 1,
        "basically_satisfied": 1,
        "unsatisfied": 0,
        "forms_not_returned": 1,
    }
    assert unit.completion_rate == 0.6
    assert unit.on_time_rate == 0.5  # 2 ÷ (3 replied + 1 open overdue)
    assert unit.resolution_rate == round(2 / 3, 4)
    assert unit.resolved_or_planned_rate == round(2 / 3, 4)
    assert unit.satisfaction_rate == 0.5 and unit.basic_satisfaction_rate == 0.5
    assert unit.average_days_to_reply == round((59 + 120 + 35) / 3, 1)
    other = by_unit["市交通運輸局"]
    assert other.counts["class_d"] == 1 and other.counts["forms_not_returned"] == 1
    assert other.satisfaction_rate is None  # nothing evaluated: no rate, not zero
    total = rows[-1]
    assert total.unit_id is None and total.counts["assigned"] == 6


def test_rates_as_of_an_earlier_date(history):
    rows = selectors.rates(query(history, as_of=D(2025, 6, 10)))
    unit = next(r for r in rows if r.unit_name == "市教育局")
    # S1 and S5 replied; S2 was due 3 June and is open: overdue on 10 June.
    assert unit.counts["assigned"] == 3
    assert unit.counts["replied"] == 2
    assert unit.counts["open_overdue"] == 1
    assert unit.counts["evaluated"] == 1


def test_the_items_behind_a_number(history):
    titles = set(
        selectors.rate_items(query(history, unit_id=history.unit.pk), "open_overdue").values_list(
            "title", flat=True
        )
    )
    assert titles == {"S3"}
    late = selectors.rate_items(query(history), "closed_late").values_list("title", flat=True)
    assert list(late) == ["S2"]


def test_rates_command_prints_json(history):
    out = io.StringIO()
    call_command(
        "casework",
        "rates",
        "--kind",
        "suggestion",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--as-of",
        "2026-03-01",
        "--congress",
        history.congress.code,
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    unit = next(r for r in data["units"] if r["unit"] == "市教育局")
    assert unit["assigned"] == 5 and unit["on_time_rate"] == 0.5


def test_rates_command_refuses_a_bad_date(history):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("casework", "rates", "--kind", "suggestion", "--from", "2025-13-01")


def test_the_rates_page_in_fixed_queries_with_escaped_links(
    client, world, django_assert_max_num_queries
):
    import datetime as dt

    from sanxing.casework.tests.factories import assigned_suggestion

    for n in range(3):
        assigned_suggestion(world, on=dt.date(2026, 1, 5 + n), title=f"件{n}")
    client.force_login(world.clerk)
    url = '/casework/rates/?kind=suggestion&date_from=2026-01-01&date_to=2026-12-31&x="><b>'
    client.get(url)
    with django_assert_max_num_queries(7):  # session, user, roles, rates, menu, notices
        r = client.get(url)
    body = r.content.decode()
    assert r.status_code == 200 and '"><b>' not in body
    assert f'measure=assigned&amp;unit={world.unit.pk}">3</a>' in body
    assert "<td>0%</td>" in body  # nothing replied on time yet
    assert 'style="width: 0%"' in body
