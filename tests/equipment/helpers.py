"""Real files made in memory for upload tests."""

import io
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
