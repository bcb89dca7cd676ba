from django.urls import path

from sanxing.casework import satisfaction, views, views_implementation

app_name = "casework"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("new/", views.item_new, name="item_new"),
    path("assign/", views.bulk_assign, name="bulk_assign"),
    path("letters/new/", views.letter_new, name="letter_new"),
    # Implementation items: the milestone steps and the office's list by progress.
    path("implementation/", views_implementation.progress_desk, name="implementation_desk"),
    path(
        "items/<int:pk>/milestones/<int:milestone_pk>/<slug:action>/",
        views_implementation.milestone_action,
        name="milestone_action",
    ),
    path("items/<int:pk>/", views.item_page, name="item"),
    path(
        "items/<int:pk>/files/<int:file_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("items/<int:pk>/personal-data/", views.item_personal_data, name="personal_data"),
    path(
        "items/<int:pk>/replies/<int:reply_pk>/letter.pdf",
        views.reply_letter_pdf,
        name="reply_letter",
    ),
    path(
        "items/<int:pk>/satisfaction-form.pdf",
        views.satisfaction_form_pdf,
        name="satisfaction_form",
    ),
    path("items/<int:pk>/assign/", views.item_assign, name="assign"),
    path(
        "items/<int:pk>/satisfaction-vote/schedule/",
        satisfaction.satisfaction_schedule_view,
        name="satisfaction_schedule",
    ),
    path("items/<int:pk>/<slug:action>/", views.item_action, name="item_action"),
    path("assignments/<int:pk>/notice.pdf", views.assignment_notice, name="assignment_notice"),
    path(
        "assignments/<int:pk>/<slug:action>/",
        views.assignment_action,
        name="assignment_action",
    ),
    path("replies/<int:pk>/<slug:action>/", views.reply_action, name="reply_action"),
    path("unit/", views.unit_portal, name="unit"),
    path("mine/", views.my_items, name="mine"),
    path("rates/", views.rates, name="rates"),
    path("rates/items/", views.rate_items, name="rate_items"),
    path("track/", views.track, name="track"),
    path("public/", views.public_replies, name="public"),
    path("public/<int:pk>/", views.public_reply, name="public_item"),
]
