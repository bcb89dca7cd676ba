"""The rates page joins its filter form, table rows and chart bars in Python: the HTML is the
one the template loops printed before (their text kept here as the oracle)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from sanxing.casework import selectors
from sanxing.casework.tests.factories import assigned_suggestion
from sanxing.casework.views import _percent, _rate_query

pytestmark = pytest.mark.django_db

OLD_FORM = (
    """{% for field in form %}{% include "includes/field.html" with field=field %}{% endfor %}"""
)

OLD_ROWS = """{% for line in table %}
      <tr>
        <th scope="row">{{ line.row.unit_name }}</th>
        {{ line.cells }}
      </tr>
    {% endfor %}"""

OLD_BARS = """{% for line in table %}{% if line.row.unit_id %}
  <div class="bar-row">
    <span>{{ line.row.unit_name }}</span>
    <span class="bars">
      {% with p=line.on_time %}<span class="bar on-time" style="width: {{ p|default:"0" }}%">{% if p is None %}—{% else %}{{ p }}%{% endif %}</span>{% endwith %}
      {% with p=line.satisfaction %}<span class="bar satisfaction" style="width: {{ p|default:"0" }}%">{% if p is None %}—{% else %}{{ p }}%{% endif %}</span>{% endwith %}
    </span>
  </div>
  {% endif %}{% endfor %}"""


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def between(html: str, start: str, end: str) -> str:
    return html[html.index(start) + len(start) : html.index(end, html.index(start))]


@pytest.mark.parametrize(
    "query",
    [
        "kind=suggestion&date_from=2026-01-01&date_to=2026-12-31&as_of=2026-06-30",
        "kind=suggestion&date_from=2026-01-01&date_to=2026-12-31&topic=education",
        "kind=bogus&date_from=2026-13-01&date_to=2025-01-01",
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rates_page_prints_what_the_template_loops_printed(client, rf, world, query, language):
    world.unit.name = "市教育局 <&>"
    world.unit.save()
    for n in range(3):
        assigned_suggestion(world, on=dt.date(2026, 1, 5 + n), title=f"件{n}")
    client.force_login(world.clerk)
    response = client.get(f"/casework/rates/?{query}", HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    request = rf.get(f"/casework/rates/?{query}")
    request.user = world.clerk
    with translation.override(response.headers["Content-Language"]):
        form, rate_query = _rate_query(request)
        old_form = Template(OLD_FORM).render(Context({"form": form}))
        page_form = between(body, '<form method="get" class="card filters" novalidate>', "<button")
        assert squeeze(old_form) in squeeze(page_form)
        if rate_query is None:
            assert response.status_code == 400 and "error-message" in body
            assert 'aria-invalid="true"' in body and "<tbody>" not in body
            return
        rows = selectors.rates(rate_query)
        assert rows
        start = body.index("<tbody>") + len("<tbody>")
        cells = [
            re.findall(r"<td>.*?</td>", tr)
            for tr in re.findall(r"<tr><th scope=\"row\">.*?</tr>", body[start:])
        ]
        table = [
            {
                "row": row,
                "cells": "".join(line),
                "on_time": _percent(row.on_time_rate),
                "satisfaction": _percent(row.satisfaction_rate),
            }
            for row, line in zip(rows, cells, strict=True)
        ]
        from django.utils.safestring import mark_safe

        for line in table:
            line["cells"] = mark_safe(line["cells"])
        old_rows = Template(OLD_ROWS).render(Context({"table": table}))
        assert squeeze(old_rows) == squeeze(between(body, "<tbody>", "</tbody>"))
        old_bars = Template(OLD_BARS).render(Context({"table": table}))
        page_bars = between(body, "</style>", "</figure>")
        assert squeeze(old_bars) in squeeze(page_bars)
        assert "市教育局 &lt;&amp;&gt;" in body and "<&>" not in body
