"""Upload checks on the content, never the name: manuals must be PDF, photos JPEG/PNG/WebP.

Manuals are read with pypdf under tight limits and refused if they could act in a reader: JavaScript,
launch actions, embedded files; their page tree and the decoded size of their streams are bounded.

Photos are decoded with Pillow under a pixel limit (decompression bombs), auto-oriented, and
re-encoded, which drops EXIF (GPS included) and any other metadata; a thumbnail is made.
Every refusal is an UploadRejected naming the field, raised before anything is stored.
"""

import hashlib
import io
import warnings
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.filters import decode_stream_data
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    IndirectObject,
    NameObject,
    NullObject,
    StreamObject,
)

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
        raise UploadRejected("file_missing", _("A file is required."), field=field)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(field, max_bytes)
    upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise _too_large(field, max_bytes)
    if not content:
        raise UploadRejected("file_empty", _("The file is empty."), field=field)
    return content


def _too_large(field: str, max_bytes: int) -> UploadRejected:
    mb = round(max_bytes / (1024 * 1024))
    return UploadRejected("file_too_large", _("The file is larger than %(mb)d MB.") % {"mb": mb}, field=field)


def check_pdf(upload, *, field: str = "file") -> CheckedPdf:
    """A real PDF, and a harmless one: the header at byte 0, an end-of-file marker, a document pypdf can read,
    a bounded page tree, no active content and no stream that inflates past the limits.

    Nothing may come before ``%PDF-``, not even whitespace or a byte-order mark (readers accept up to 1 KB of
    anything, which is how HTML/PDF polyglots are made). Browsers take a file for HTML only when markup comes
    first, so a file that starts with the header is never HTML to them.
    """
    content = read_upload(upload, field=field, max_bytes=settings.MANUAL_MAX_BYTES)
    not_pdf = UploadRejected("not_a_pdf", _("The file is not a PDF document."), field=field)
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
        raise not_pdf
    max_pages = settings.MANUAL_MAX_PAGES
    try:
        with apply_configuration(**_pdf_limits(max_pages)):
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                raise UploadRejected(
                    "pdf_encrypted",
                    _("Encrypted PDFs are not accepted."),
                    field=field,
                )
            try:
                pages = len(reader.pages)  # counted on the page tree itself, never its /Count
            except LimitReachedError:
                raise _too_many_pages(max_pages, field) from None
            if pages > max_pages:
                raise _too_many_pages(max_pages, field)
            _refuse_active_content_and_bombs(reader, field)
    except UploadRejected:
        raise
    except LimitReachedError:
        raise _pdf_too_complex(field) from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        raise not_pdf from None
    if pages < 1:
        raise not_pdf
    return CheckedPdf(content=content, checksum=hashlib.sha256(content).hexdigest(), pages=pages)


# --- What a manual may not contain ------------------------------------------------------------------
# Keys and action types that run code in a PDF reader (JavaScript, also inside XFA forms), start another
# program, or carry files of their own. Names are compared after pypdf decodes them, so /J#53 is /JS.
_JAVASCRIPT_KEYS = frozenset({"/JS", "/JavaScript", "/XFA"})
_EMBEDDED_FILE_KEYS = frozenset({"/EmbeddedFiles", "/EF"})
_EMBEDDED_FILE_TYPES = frozenset({"/EmbeddedFile", "/FileAttachment"})
# Filters whose output is an image a reader decodes within its own limits; what precedes them is checked.
_IMAGE_FILTERS = frozenset({"/DCTDecode", "/DCT", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF"})
_FLATE = frozenset({"/FlateDecode", "/Fl"})
_INFLATE_CHUNK = 1024 * 1024
# Objects visited when looking through a document; far above any manual (a 1,000-page one has some 20,000).
_MAX_PDF_OBJECTS = 1_000_000


def _pdf_limits(max_pages: int) -> dict:
    """pypdf's own limits while it reads an upload: no stream it decodes (object and xref streams) grows past
    the stream limit, the page tree walk stops soon after the page limit, and no external decoder runs."""
    stream = settings.MANUAL_MAX_STREAM_BYTES
    return {
        "maximum_declared_stream_length": settings.MANUAL_MAX_BYTES,
        "zlib_maximum_output_length": stream,
        "lzw_maximum_output_length": stream,
        "run_length_maximum_output_length": stream,
        "brotli_maximum_output_length": stream,
        "array_based_stream_maximum_output_length": stream,
        "stream_decoding_work_maximum_length": 4 * stream,
        "page_tree_maximum_entries": 2 * max_pages + 100,
        "jbig2dec_binary": None,
    }


def _refuse_active_content_and_bombs(reader: PdfReader, field: str) -> None:
    """Walk every object reachable from the trailer, as a reader would find them: refuse JavaScript, launch
    actions and embedded files, and any stream whose decoded size passes the per-stream limit or, added up,
    the whole-document limit. Decoded sizes are counted, never held in memory."""
    per_stream, total_limit = settings.MANUAL_MAX_STREAM_BYTES, settings.MANUAL_MAX_INFLATED_BYTES
    inflated = 0
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        visited += 1
        if visited > _MAX_PDF_OBJECTS:
            raise _pdf_too_complex(field)
        if isinstance(obj, DictionaryObject):
            _refuse_active_content(obj, field)
            if isinstance(obj, StreamObject):
                size = _decoded_size(obj, limit=min(per_stream, total_limit - inflated))
                if size > per_stream:
                    raise _pdf_bomb(per_stream, field)
                inflated += size
                if inflated > total_limit:
                    raise _pdf_bomb(total_limit, field, whole=True)
            stack.extend(dict.values(obj))  # raw values: indirect references stay references
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))


def _refuse_active_content(obj: DictionaryObject, field: str) -> None:
    keys = set(dict.keys(obj))
    action = _name(obj, "/S")
    if keys & _JAVASCRIPT_KEYS or action == "/JavaScript":
        raise UploadRejected(
            "pdf_javascript",
            _("PDFs containing JavaScript are not accepted."),
            field=field,
        )
    if action == "/Launch":
        raise UploadRejected(
            "pdf_launch_action",
            _("PDFs with launch actions (/Launch), which start other programs, are not accepted."),
            field=field,
        )
    if keys & _EMBEDDED_FILE_KEYS or {_name(obj, "/Type"), _name(obj, "/Subtype")} & _EMBEDDED_FILE_TYPES:
        raise UploadRejected(
            "pdf_embedded_file",
            _("PDFs with embedded or attached files are not accepted."),
            field=field,
        )


def _name(obj: DictionaryObject, key: str):
    value = dict.get(obj, key)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _filters(stream: StreamObject) -> tuple[list, list]:
    """The stream's filters and their parameters, as lists of the same length."""
    filters = _name(stream, "/Filter")
    filters = [] if filters is None else list(filters) if isinstance(filters, ArrayObject) else [filters]
    parms = _name(stream, "/DecodeParms")
    parms = list(parms) if isinstance(parms, ArrayObject) else [parms]
    return [f.get_object() for f in filters], (parms + [None] * len(filters))[: len(filters)]


def _decoded_size(stream: StreamObject, *, limit: int) -> int:
    """Bytes the stream decodes to (up to the image codec that ends its filter chain, if any); counting stops
    just past `limit`. Flate, by far the most common, is inflated a chunk at a time and nothing is kept."""
    filters, parms = _filters(stream)
    while filters and filters[-1] in _IMAGE_FILTERS:
        filters, parms = filters[:-1], parms[:-1]
    raw = stream._data
    if not filters:
        return len(raw)
    if len(filters) == 1 and filters[0] in _FLATE:
        return _inflated_size(raw, limit)
    chain = EncodedStreamObject()
    chain._data = raw
    chain[NameObject("/Filter")] = ArrayObject(filters)
    chain[NameObject("/DecodeParms")] = ArrayObject(p if p is not None else NullObject() for p in parms)
    try:
        with apply_configuration(
            zlib_maximum_output_length=limit + 1,
            lzw_maximum_output_length=limit + 1,
            run_length_maximum_output_length=limit + 1,
            brotli_maximum_output_length=limit + 1,
        ):
            return len(decode_stream_data(chain))
    except LimitReachedError:
        return limit + 1
    except (NotImplementedError, PyPdfError, ValueError, zlib.error):
        return len(raw)  # a filter no reader can decode either: nothing to inflate


def _inflated_size(raw: bytes, limit: int) -> int:
    inflater = zlib.decompressobj()
    size, pending = 0, raw
    try:
        while size <= limit:
            produced = len(inflater.decompress(pending, _INFLATE_CHUNK))
            size += produced
            pending = inflater.unconsumed_tail
            if inflater.eof or not produced:
                break
    except zlib.error:
        pass  # a reader stops where the data breaks, and so does the count
    return size


def _too_many_pages(max_pages: int, field: str) -> UploadRejected:
    return UploadRejected(
        "pdf_too_many_pages",
        _("The PDF has more than %(max)s pages.") % {"max": number_format(max_pages, force_grouping=True)},
        field=field,
    )


def _pdf_bomb(limit: int, field: str, *, whole: bool = False) -> UploadRejected:
    mb = round(limit / (1024 * 1024))
    if whole:
        message = _("The PDF's streams together inflate past %(mb)d MB.") % {"mb": mb}
    else:
        message = _("A stream of the PDF inflates past %(mb)d MB.") % {"mb": mb}
    return UploadRejected("pdf_inflates_too_much", message, field=field)


def _pdf_too_complex(field: str) -> UploadRejected:
    return UploadRejected(
        "pdf_too_complex",
        _("The PDF is too complex to check."),
        field=field,
    )


def check_photo(upload, *, field: str = "image") -> CheckedImage:
    """A real JPEG/PNG/WebP within the byte and pixel limits, re-encoded without metadata."""
    content = read_upload(upload, field=field, max_bytes=settings.PHOTO_MAX_BYTES)
    not_image = UploadRejected(
        "not_an_image",
        _("The file is not a JPEG, PNG or WebP image."),
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
        _("The image has more than %(max)s pixels.") % {"max": number_format(max_pixels, force_grouping=True)},
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
