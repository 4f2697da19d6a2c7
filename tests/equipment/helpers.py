"""Real files made in memory for upload tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def pdf_bytes(text: str = "Manual") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return out.getvalue()


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 30, 30), exif=None, mode="RGB") -> bytes:
    out = io.BytesIO()
    im = Image.new(mode, size, color)
    options = {"exif": exif} if exif is not None else {}
    im.save(out, format=fmt, **options)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
