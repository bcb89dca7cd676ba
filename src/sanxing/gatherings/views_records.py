"""Records: a person's attendance across meetings (present, late, leave, absent, rate)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sanxing.gatherings import selectors


@login_required
def person_attendance(request: HttpRequest, person_id: int) -> HttpResponse:
    person = selectors.attendance_person_for_user(request.user, person_id)
    records = selectors.attendance_record_for_user(request.user, person.pk)
    return render(
        request,
        "gatherings/person_attendance.html",
        {
            "person": person,
            "records": list(records),
            "stats": selectors.attendance_stats(records),
        },
    )
