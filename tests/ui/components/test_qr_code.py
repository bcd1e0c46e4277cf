"""The QR codes a class scans: a PNG that decodes back to the very address."""

from __future__ import annotations

import io

from PIL import Image

from ui.components.qr_code import qr_png


def test_the_qr_code_is_a_png_that_holds_the_address():
    import cv2
    import numpy as np

    address = "http://classroom.example:8501/lesson?step=3&model=classic&class=K7RM4C"
    png = qr_png(address)
    assert png.startswith(b"\x89PNG")
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L").resize((400, 400), Image.Resampling.NEAREST))
    decoded, _, _ = cv2.QRCodeDetector().detectAndDecode(pixels)
    assert decoded == address
