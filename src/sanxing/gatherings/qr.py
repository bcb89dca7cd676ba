"""The check-in link as a QR code: an inline SVG drawn by segno (no files written)."""

import segno


def qr_svg(data: str, *, scale: int = 8) -> str:
    """An inline ``<svg>`` encoding ``data`` (error correction M, quiet zone of four)."""
    return segno.make(data, error="m", micro=False).svg_inline(
        scale=scale, title=data, svgclass="check-in-qr", lineclass="qr-line"
    )
