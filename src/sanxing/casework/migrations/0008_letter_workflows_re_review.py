"""Letter workflows seeded before re-review (複核) existed get its states and transitions: the
review decision now leads to "review decided", from which the writer may ask for re-review
or the letter closes when the 30 days pass."""

from django.db import migrations

STATES = [("reviewed", 45), ("under_re_review", 46)]
TRANSITIONS = [
    ("reviewed", "under_re_review", "request_re_review"),
    ("reviewed", "closed", "close"),
    ("under_re_review", "closed", "decide_re_review"),
]


def forwards(apps, schema_editor):
    Workflow = apps.get_model("casework", "Workflow")
    State = apps.get_model("casework", "State")
    Transition = apps.get_model("casework", "Transition")
    for workflow in Workflow.objects.filter(kind="letter", deleted_at__isnull=True):
        states = {s.code: s for s in State.objects.filter(workflow=workflow)}
        for code, order in STATES:
            if code not in states:
                states[code] = State.objects.create(
                    workflow=workflow, code=code, sort_order=order
                )
        # The review decision no longer closes the letter.
        if "under_review" in states:
            Transition.objects.filter(
                workflow=workflow, action="decide_review", from_state=states["under_review"]
            ).update(to_state=states["reviewed"])
        for source, target, action in TRANSITIONS:
            if source in states and target in states:
                Transition.objects.get_or_create(
                    workflow=workflow,
                    action=action,
                    from_state=states[source],
                    to_state=states[target],
                    deleted_at=None,
                )


class Migration(migrations.Migration):
    dependencies = [("casework", "0007_letters_re_review")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
