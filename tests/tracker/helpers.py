"""Small builders shared by the tracker tests."""

import io

from reportlab.pdfgen import canvas


def pdf_bytes(text: str = "evidence") -> bytes:
    """A real one-page PDF."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()
