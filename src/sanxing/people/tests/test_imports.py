import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from sanxing.people.imports import people_import
from sanxing.people.models import Person, Role
from sanxing.people.validators import id_number_is_valid

HEADER_HANT = ["姓名", "性別", "出生日期", "手機", "身份證號", "機構", "角色", "屆", "起始日期"]
GOOD_ID = "110101197506010011"


def xlsx(rows, header=HEADER_HANT) -> bytes:
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_rows():
    return [
        [
            "張三",
            "男",
            dt.date(1975, 6, 1),
            "13800000001",
            GOOD_ID,
            "東城區代表團",
            "代表",
            16,
            dt.date(2022, 1, 10),
        ],
        ["李四", "女", "1980-02-03", "13800000002", "", "市教育局", "handler", "", "2023/3/1"],
    ]


def test_id_number_checksum():
    assert id_number_is_valid(GOOD_ID)
    assert not id_number_is_valid("110101197506010012")
    assert not id_number_is_valid("1101011975060100")


def test_a_good_file_is_imported(world):
    result = people_import(
        congress=world.congress, file_name="名單.xlsx", data=xlsx(good_rows()), by=world.clerk
    )
    assert result.applied and result.created == 2 and result.skipped == 0
    zhang = Person.objects.get(name="張三")
    assert zhang.gender == "M" and zhang.birth_date == dt.date(1975, 6, 1)
    role = Role.objects.get(person=zhang)
    assert role.organisation == world.delegation and role.kind == "deputy"
    assert role.term == world.term
    assert Role.objects.get(person__name="李四").starts_on == dt.date(2023, 3, 1)
    assert zhang.history.first().history_user == world.clerk


def test_english_and_simplified_headers_and_csv_are_accepted(world):
    csv_text = "name,gender,mobile,organisation,role\n王五,M,13800000003,市教育局,head of unit\n"
    result = people_import(
        congress=world.congress, file_name="list.csv", data=csv_text.encode(), by=world.clerk
    )
    assert result.applied and Role.objects.get(person__name="王五").kind == "unit_head"
    data = xlsx(
        [["赵六", "女", "13800000004", "市教育局", "经办人员"]],
        header=["姓名", "性别", "手机", "机构", "角色"],
    )
    result = people_import(congress=world.congress, file_name="a.xlsx", data=data, by=world.clerk)
    assert result.errors == [] or result.errors[0].column


def test_one_bad_row_means_nothing_is_imported(world):
    rows = [
        *good_rows(),
        ["", "?", "1990-13-01", "123", "110101197506010012", "不存在的單位", "皇帝", 99, ""],
    ]
    before = Person.objects.count()
    result = people_import(
        congress=world.congress, file_name="a.xlsx", data=xlsx(rows), by=world.clerk
    )
    assert not result.applied
    assert result.bad_rows == [4]
    columns = {e.column for e in result.errors}
    assert len(columns) >= 7  # name, gender, birth date, mobile, ID, organisation, role, term
    assert Person.objects.count() == before


def test_skip_bad_rows_imports_the_good_ones(world):
    rows = [*good_rows(), ["王五", "", "", "", "", "不存在的單位", "代表", "", ""]]
    result = people_import(
        congress=world.congress, file_name="a.xlsx", data=xlsx(rows), skip_bad=True, by=world.clerk
    )
    assert result.applied and result.created == 2 and result.skipped == 1
    assert not Person.objects.filter(name="王五").exists()


def test_an_existing_person_gets_the_role_not_a_duplicate(world):
    rows = [["陳代表", "", "", "13900002222", "", "市教育局", "經辦人員", "", "2024-01-01"]]
    result = people_import(
        congress=world.congress, file_name="a.xlsx", data=xlsx(rows), by=world.clerk
    )
    assert result.created == 0 and result.updated == 1 and result.roles_added == 1
    assert Person.objects.filter(name="陳代表").count() == 1
    # The same file again adds nothing.
    again = people_import(
        congress=world.congress, file_name="a.xlsx", data=xlsx(rows), by=world.clerk
    )
    assert again.roles_added == 0
    assert Role.objects.filter(person=world.deputy.person).count() == 2


def test_dry_run_writes_nothing(world):
    result = people_import(
        congress=world.congress,
        file_name="a.xlsx",
        data=xlsx(good_rows()),
        dry_run=True,
        by=world.clerk,
    )
    assert not result.applied and result.errors == []
    assert not Person.objects.filter(name="張三").exists()


def _upload(client, name, data, **extra):
    return client.post(reverse("people:import"), {"file": SimpleUploadedFile(name, data), **extra})


def test_import_page_reports_bad_rows_row_by_row(client, world):
    client.force_login(world.clerk)
    rows = [*good_rows(), ["錢七", "", "", "", "", "不存在的單位", "代表", "", ""]]
    response = _upload(client, "名單.xlsx", xlsx(rows))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-errors"' in content and "不存在的單位" in content
    assert not Person.objects.filter(name="張三").exists()
    response = _upload(client, "名單.xlsx", xlsx(rows), skip_bad="on")
    assert 'id="import-summary"' in response.content.decode()
    assert Person.objects.filter(name="張三").exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [("list.pdf", b"%PDF-1.7"), ("list.xlsx", b"not a workbook"), ("empty.csv", b"")],
)
def test_a_wrong_file_gets_a_clear_message_and_nothing_is_written(client, world, name, data):
    client.force_login(world.clerk)
    before = Person.objects.count()
    response = _upload(client, name, data)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert Person.objects.count() == before


def test_a_file_over_5_mb_is_refused(client, world):
    client.force_login(world.clerk)
    response = _upload(client, "big.csv", b"x" * (5 * 1024 * 1024 + 1))
    assert "5 MB" in response.content.decode()


def test_template_download_has_the_headers_and_an_example(client, world):
    client.force_login(world.clerk)
    response = client.get(reverse("people:import_template"))
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[0] == "姓名" and len(header) == 14
    result = people_import(
        congress=world.congress, file_name="t.xlsx", data=response.content, dry_run=True, by=None
    )
    # The example names an organisation this world does not have; everything else is valid.
    assert {e.column for e in result.errors} <= {"机构", "機構", "organisation"}


def test_command_imports_and_refuses(world, tmp_path, capsys):
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx(good_rows()))
    call_command("people", "import", str(path), "--dry-run")
    assert not Person.objects.filter(name="張三").exists()
    call_command("people", "import", str(path))
    assert Person.objects.filter(name="張三").exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([["孫八", "", "", "", "", "不存在的單位", "代表", "", ""]]))
    with pytest.raises(CommandError):
        call_command("people", "import", str(bad))
    assert not Person.objects.filter(name="孫八").exists()
    call_command("people", "import", str(bad), "--skip-bad")
    wrong = tmp_path / "list.txt"
    wrong.write_bytes(b"hello")
    with pytest.raises(CommandError):
        call_command("people", "import", str(wrong))
