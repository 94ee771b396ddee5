"""QR codes for printed love cards (segno, pure Python): an inline SVG, no external service."""

from __future__ import annotations

import io

import segno


def svg(content: str, *, scale: int = 4) -> str:
    """The QR code of ``content`` as an SVG element to inline in a page."""
    buffer = io.BytesIO()
    segno.make(content, error="m").save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True)
    return buffer.getvalue().decode("utf-8")
