from django.urls import path

from sanxing.gatherings import (
    views,
    views_activities,
    views_followup,
    views_logistics,
    views_preparation,
    views_records,
)

app_name = "gatherings"
urlpatterns = [
    path("", views.gathering_list, name="list"),
    path("new/", views.gathering_plan, name="plan"),
    path("<int:pk>/", views.gathering_detail, name="detail"),
    path("<int:pk>/quorum/", views.quorum_panel, name="quorum"),
    path("<int:pk>/do/<slug:action>/", views.gathering_action, name="action"),
    path("<int:pk>/clone/", views.gathering_clone, name="clone"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/leave/", views.leave_create, name="leave"),
    path("<int:pk>/roll-call/", views.roll_call, name="roll_call"),
    path("<int:pk>/code/", views.check_in_code_page, name="code"),
    path("<int:pk>/check-in/", views.self_check_in, name="self_check_in"),
    path("<int:pk>/checklist/", views.checklist, name="checklist"),
    path("items/<int:pk>/withdraw/", views.agenda_withdraw, name="agenda_withdraw"),
    path("items/<int:pk>/delete/", views.agenda_delete, name="agenda_delete"),
    path("items/<int:pk>/vote/", views.vote_open, name="vote_open"),
    path("leave/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
    path("tasks/<int:pk>/toggle/", views.checklist_task_toggle, name="task_toggle"),
    path("votes/<int:pk>/", views.vote_page, name="vote"),
    path("votes/<int:pk>/close/", views.vote_close, name="vote_close"),
    path("<int:pk>/follow-up/", views_followup.follow_up, name="follow_up"),
    path("<int:pk>/minutes/", views_followup.minutes_save, name="minutes"),
    path("<int:pk>/decisions/", views_followup.decision_add, name="decision_add"),
    path(
        "decisions/<int:pk>/hand-off/", views_followup.decision_hand_off, name="decision_hand_off"
    ),
    path("items/<int:pk>/remarks/", views_followup.remark_add, name="remark_add"),
    path("items/<int:pk>/opinion/", views_followup.opinion_compile, name="opinion_compile"),
    path("rooms/", views_logistics.rooms, name="rooms"),
    path("<int:pk>/logistics/", views_logistics.logistics_page, name="logistics"),
    path(
        "<int:pk>/logistics/add/<slug:section>/",
        views_logistics.logistics_add,
        name="logistics_add",
    ),
    path(
        "<int:pk>/logistics/<slug:what>.xlsx",
        views_logistics.logistics_export,
        name="logistics_export",
    ),
    path(
        "<int:pk>/logistics/<slug:what>.pdf",
        views_logistics.logistics_print,
        name="logistics_print",
    ),
    path("<int:pk>/seats/<int:room_id>/", views_logistics.seat_plan, name="seat_plan"),
    path("bookings/<int:pk>/cancel/", views_logistics.booking_cancel, name="booking_cancel"),
    path("supplies/<int:pk>/toggle/", views_logistics.supply_toggle, name="supply_toggle"),
    path("<int:pk>/attendance.pdf", views_preparation.attendance_pdf, name="attendance_pdf"),
    path("<int:pk>/plans/", views_preparation.contingency_plans, name="contingency_plans"),
    path(
        "plans/<int:pk>/file/",
        views_preparation.contingency_plan_file,
        name="contingency_plan_file",
    ),
    path("<int:pk>/activity/", views_activities.activity_page, name="activity"),
    path("<int:pk>/activity/<slug:part>/", views_activities.activity_post, name="activity_post"),
    path(
        "attendance/person/<int:person_id>/",
        views_records.person_attendance,
        name="person_attendance",
    ),
    path("my-calendar/", views.my_calendar, name="my_calendar"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("year/<int:year>.ics", views.year_ics, name="year_ics"),
]
