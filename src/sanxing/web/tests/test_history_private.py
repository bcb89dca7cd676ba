from sanxing.people.services import person_update
from sanxing.web.history import history_rows


def test_history_names_a_changed_id_number_but_never_shows_it(world):
    person = world.clerk.person
    person_update(
        person=person,
        version=person.version,
        changes={"id_number": "11010119900307002X", "workplace": "辦公室"},
        by=world.clerk,
    )
    rows = history_rows(person)
    changes = {c["field"]: c for c in rows[0]["changes"]}
    hidden = [c for c in changes.values() if c["before"] == c["after"]]
    assert len(hidden) == 1
    text = repr(rows)
    assert "11010119900307002X" not in text
    assert "110101199001011234" not in text
    assert "辦公室" in text
