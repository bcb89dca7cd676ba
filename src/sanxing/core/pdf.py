"""PDFs from Django templates with WeasyPrint: the output plumbing every room uses (people's
registry as well as the engines), so it lives in core, which depends on nothing of ours.

Official documents follow GB/T 9704-2012 (see the documents app's
``templates/documents/letter.html``). The official fonts (仿宋, 小標宋) are proprietary, so the
families come from settings
(``PDF_FONT_BODY``, ``PDF_FONT_TITLE``) and fall back to Noto Serif/Sans CJK.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

FALLBACK_FONTS = "'Noto Serif CJK SC', 'Noto Serif CJK TC', 'Noto Sans CJK SC', serif"


def font_context() -> dict[str, str]:
    """The font stacks a document template uses, configured first, Noto CJK after."""
    return {
        "font_body": f"{settings.PDF_FONT_BODY}, {FALLBACK_FONTS}",
        "font_title": f"{settings.PDF_FONT_TITLE}, {FALLBACK_FONTS}",
    }


def render_document(
    template_name: str, context: dict[str, Any], *, base_url: str | None = None
) -> Any:
    """The laid-out WeasyPrint document (pages, fonts) before it is written as a PDF."""
    from weasyprint import HTML  # heavy import: only when a PDF is made

    html = render_to_string(template_name, {**font_context(), **context})
    return HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).render()


def render_pdf(
    template_name: str, context: dict[str, Any], *, base_url: str | None = None
) -> bytes:
    """Render a template to PDF bytes."""
    return bytes(render_document(template_name, context, base_url=base_url).write_pdf())


def pdf_response(filename: str, pdf_bytes: bytes, *, inline: bool = False) -> HttpResponse:
    """An HTTP response carrying a PDF; Chinese file names survive (RFC 5987 ``filename*``)."""
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    response["Content-Length"] = str(len(pdf_bytes))
    return response
