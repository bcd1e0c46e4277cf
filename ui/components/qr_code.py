"""A QR code of an address, as PNG bytes: every step's and the class board's join address."""

from __future__ import annotations

import io

import segno

#: Wide enough for a phone at the back of a room to read it off a projector.
QR_WIDTH = 160


def qr_png(url: str, scale: int = 4) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
