"""Names an attacker (or an old row) puts where a file is built from them, and how to read those files back.

Markup and control characters only ever arrive in names the validator no longer lets in, so tests write them with
factories or `.update()`, as rows stored before the check would be.
"""

import io
import unicodedata

from PIL import Image
from pypdf import PdfReader

# reportlab markup that would open a tag, embed a file, change the font or stand for another character, and
# control characters (escape, bell, vertical tab, tab, line breaks) that break a file's syntax.
MARKUP = 'SEM <b <img src="{image}"/> R&D &amp; <font size="40">big</font>'
CONTROLS = "\x1b\x07\x0b\t\r\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def image_on_server(tmp_path) -> str:
    """The path of a real image file on the server, as a name's <img src> would point to it."""
    path = tmp_path / "secret.png"
    Image.new("RGB", (8, 8), (200, 30, 30)).save(path)
    return str(path)


def hostile(label: str, image: str) -> str:
    """`label`, then markup and control characters: unique per label, so each name can be found in the file."""
    return f"{label} {MARKUP.format(image=image)}{CONTROLS}{label}終"


def shown(text: str) -> str:
    """What a reader sees of `text`, for comparing with a PDF's extracted text: no white space (lines wrap
    anywhere in a table cell), no control characters (they are dropped, not drawn)."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf"))


def pdf_text(content: bytes) -> str:
    return shown("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def embedded_images(content: bytes) -> int:
    """How many images the PDF's pages draw (the product's PDFs draw none: text, rules and vector charts)."""
    count = 0
    for page in PdfReader(io.BytesIO(content)).pages:
        objects = page.get("/Resources", {}).get("/XObject", {})
        count += sum(1 for ref in objects.values() if ref.get_object().get("/Subtype") == "/Image")
    return count
