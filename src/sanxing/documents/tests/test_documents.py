import datetime as dt
import io
import re

from django.conf import settings
from openpyxl import load_workbook

from sanxing.core.excel import excel_response
from sanxing.core.pdf import pdf_response, render_document, render_pdf


def _texts(box):
    if getattr(box, "text", None):
        yield box.text
    for child in getattr(box, "children", None) or []:
        yield from _texts(child)


def test_a_letter_renders_on_one_a4_page_with_a_cjk_font():
    context = {"title": "關於召開常委會會議的通知", "red_header": "示範市人大常委會辦公室"}
    document = render_document("documents/letter.html", context)
    assert len(document.pages) == 1
    page = document.pages[0]
    # A4 in CSS pixels (96 per inch): 210 mm × 297 mm.
    assert round(page.width / 96 * 25.4) == 210
    assert round(page.height / 96 * 25.4) == 297
    text = "".join(_texts(page._page_box))
    assert "關於召開常委會會議的通知" in text
    assert re.search(r"—\s*1\s*—", text)
    raw = document.write_pdf(uncompressed_pdf=True)
    fonts = re.findall(rb"/FontName\s*/([^\s/<>]+)", raw)
    assert any(b"Noto" in name for name in fonts), fonts


def test_render_pdf_returns_pdf_bytes():
    data = render_pdf("documents/letter.html", {"title": "通知"})
    assert data.startswith(b"%PDF-")
    assert settings.PDF_FONT_BODY


def test_pdf_response_keeps_a_chinese_file_name():
    response = pdf_response("王秘書 檔案.pdf", b"%PDF-1.7")
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''%E7%8E%8B" in disposition


def test_excel_round_trips_with_dates_bold_header_and_frozen_row():
    response = excel_response(
        "人員名單.xlsx",
        ["姓名", "出生日期", "人數"],
        [["王秘書", dt.date(1990, 1, 1), 3], ["陳代表", None, 4]],
        sheet_title="人員",
    )
    assert "filename*=utf-8''" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["人員"]
    assert [c.value for c in ws[1]] == ["姓名", "出生日期", "人數"]
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws["B2"].value.date() == dt.date(1990, 1, 1)
    assert ws["B2"].is_date
    assert ws["A3"].value == "陳代表"
    assert ws.column_dimensions["A"].width >= 8
