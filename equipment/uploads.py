"""Upload checks on the content, never the name: manuals must be PDF, photos JPEG/PNG/WebP.

Photos are decoded with Pillow under a pixel limit (decompression bombs), auto-oriented, and
re-encoded, which drops EXIF (GPS included) and any other metadata; a thumbnail is made.
Every refusal is an UploadRejected naming the field, raised before anything is stored.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from backend.errors import DomainError


class UploadRejected(DomainError):
    status = 400


PHOTO_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}


@dataclass(frozen=True)
class CheckedPdf:
    content: bytes
    checksum: str
    pages: int


@dataclass(frozen=True)
class CheckedImage:
    image: bytes
    thumbnail: bytes
    extension: str
    width: int
    height: int


def read_upload(upload, *, field: str, max_bytes: int) -> bytes:
    """The upload's bytes, refusing a missing, empty or oversize file without reading past the limit."""
    if upload is None or not hasattr(upload, "read"):
        raise UploadRejected("file_missing", "ファイルを選択してください。 (A file is required.)", field=field)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(field, max_bytes)
    upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise _too_large(field, max_bytes)
    if not content:
        raise UploadRejected("file_empty", "ファイルが空です。 (The file is empty.)", field=field)
    return content


def _too_large(field: str, max_bytes: int) -> UploadRejected:
    mb = max_bytes / (1024 * 1024)
    return UploadRejected(
        "file_too_large",
        f"ファイルが大きすぎます（上限 {mb:.0f} MB）。 (The file is larger than {mb:.0f} MB.)",
        field=field,
    )


def check_pdf(upload, *, field: str = "file") -> CheckedPdf:
    """A real PDF: the magic bytes, an end-of-file marker, and a document pypdf can read."""
    content = read_upload(upload, field=field, max_bytes=settings.MANUAL_MAX_BYTES)
    not_pdf = UploadRejected("not_a_pdf", "PDFファイルではありません。 (The file is not a PDF document.)", field=field)
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
        raise not_pdf
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise UploadRejected(
                "pdf_encrypted",
                "パスワード保護されたPDFは登録できません。 (Encrypted PDFs are not accepted.)",
                field=field,
            )
        pages = len(reader.pages)
    except UploadRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        raise not_pdf from None
    if pages < 1:
        raise not_pdf
    return CheckedPdf(content=content, checksum=hashlib.sha256(content).hexdigest(), pages=pages)


def check_photo(upload, *, field: str = "image") -> CheckedImage:
    """A real JPEG/PNG/WebP within the byte and pixel limits, re-encoded without metadata."""
    content = read_upload(upload, field=field, max_bytes=settings.PHOTO_MAX_BYTES)
    not_image = UploadRejected(
        "not_an_image",
        "JPEG・PNG・WebP形式の画像ではありません。 (The file is not a JPEG, PNG or WebP image.)",
        field=field,
    )
    max_pixels = settings.PHOTO_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=list(PHOTO_FORMATS)) as probe:
                _refuse_too_many_pixels(probe.size, max_pixels, field)
                probe.verify()
            with Image.open(io.BytesIO(content), formats=list(PHOTO_FORMATS)) as im:
                fmt = im.format
                im.load()
                oriented = ImageOps.exif_transpose(im)
    except UploadRejected:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(max_pixels, field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError, EOFError, IndexError):
        raise not_image from None
    extension, _mime = PHOTO_FORMATS[fmt]
    clean = _flatten(oriented, fmt)
    image_bytes = _encode(clean, fmt)
    thumb = clean.copy()
    thumb.thumbnail(settings.PHOTO_THUMBNAIL_SIZE)
    return CheckedImage(
        image=image_bytes,
        thumbnail=_encode(thumb, fmt),
        extension=extension,
        width=clean.width,
        height=clean.height,
    )


def _refuse_too_many_pixels(size, max_pixels, field):
    width, height = size
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels, field)


def _too_many_pixels(max_pixels: int, field: str) -> UploadRejected:
    return UploadRejected(
        "image_too_many_pixels",
        f"画像の画素数が多すぎます（上限 {max_pixels:,} 画素）。 (The image has more than {max_pixels:,} pixels.)",
        field=field,
    )


def _flatten(im: Image.Image, fmt: str) -> Image.Image:
    """A fresh image with pixels only: no EXIF, ICC-independent metadata, text chunks or frames."""
    mode = "RGB" if fmt == "JPEG" else ("RGBA" if im.mode in {"RGBA", "LA", "P", "PA"} else "RGB")
    return im.convert(mode)


def _encode(im: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    options = {"JPEG": {"quality": 88, "optimize": True}, "PNG": {"optimize": True}, "WEBP": {"quality": 85}}[fmt]
    im.save(out, format=fmt, **options)
    return out.getvalue()
