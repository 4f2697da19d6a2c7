"""Real files made in memory for upload tests."""

import io
import zlib
from html.parser import HTMLParser

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


def written_pdf(*, catalog: bytes = b"", page: bytes = b"", contents: bytes | None = None, extra=(), pages=None):
    """A one-page PDF written byte by byte, for what a PDF library would not write: `catalog` and `page` add
    entries to those dictionaries, `contents` replaces the page's content stream object (dictionary and
    stream), `extra` are objects 5, 6, … and `pages` replaces the page tree root (object 2)."""
    text = b"BT 72 720 Td (Manual) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        pages or b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " + page + b" >>",
        contents or b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        *extra,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream_object(data: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    return b"<< /Length %d /Filter %s >>\nstream\n%s\nendstream" % (len(data), filters, data)


def deflated_zeros(size: int) -> bytes:
    """`size` zero bytes deflated, made a megabyte at a time (200 MB become some 200 KB)."""
    deflater = zlib.compressobj(9)
    chunk = bytes(1024 * 1024)
    parts = [deflater.compress(chunk) for _ in range(size // len(chunk))]
    parts.append(deflater.compress(bytes(size % len(chunk))))
    return b"".join([*parts, deflater.flush()])


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 30, 30), exif=None, mode="RGB") -> bytes:
    out = io.BytesIO()
    im = Image.new(mode, size, color)
    options = {"exif": exif} if exif is not None else {}
    im.save(out, format=fmt, **options)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Reading pages back ---------------------------------------------------------------------------
class Node:
    def __init__(self, tag: str, attrs: dict, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def text(self) -> str:
        return " ".join(c.text() if isinstance(c, Node) else c for c in self.children)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def page(html: str | bytes) -> Node:
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    return builder.root


def by_id(html, element_id: str) -> Node:
    found = [n for n in page(html).walk() if n.attrs.get("id") == element_id]
    assert found, f"no element #{element_id}"
    return found[0]


def field_around(html, element_id: str) -> Node:
    """The nearest `.field` around the input: where its label and its errors are shown."""
    element = by_id(html, element_id)
    for ancestor in element.ancestors():
        if "field" in ancestor.classes:
            return ancestor
    raise AssertionError(f"#{element_id} is not inside a .field")


def errors_next_to(html, element_id: str) -> str:
    lists = [n for n in field_around(html, element_id).walk() if "errorlist" in n.classes]
    return " ".join(n.text() for n in lists)


def unlabelled_fields(html) -> list[str]:
    """Form controls a person cannot name: neither a <label for> nor inside a <label>."""
    root = page(html)
    labelled = {n.attrs.get("for") for n in root.walk() if n.tag == "label"}
    missing = []
    for node in root.walk():
        if node.tag not in {"input", "select", "textarea"}:
            continue
        if node.attrs.get("type") in {"hidden", "submit", "button"}:
            continue
        if node.attrs.get("id") in labelled or any(a.tag == "label" for a in node.ancestors()):
            continue
        missing.append(node.attrs.get("name") or node.attrs.get("id") or node.tag)
    return missing
