"""Text that leaves the product in another format, escaped for that format: one helper per format.

HTML is escaped by the templates and iCalendar text by the icalendar library (bookings/calendar.py); what is
left is reportlab's paragraph markup (every PDF) and spreadsheet cells (every CSV and Excel export), and the
characters no format should carry. Names refuse those characters when they are entered
(consortia.validators.validate_name); these helpers also keep rows stored before that check from breaking a file.
"""

import re
import unicodedata
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph

# What a name refuses: control characters (Cc: C0, DEL, C1, including tab, CR and LF), format characters (Cf:
# bidirectional overrides, zero-width characters, BOM), lone surrogates (Cs) and the line and paragraph separators.
NAME_REFUSES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")


def refused_in_names(text: str) -> list[str]:
    """The characters of `text` a name may not hold, each once, in order of appearance."""
    return list(dict.fromkeys(char for char in text if unicodedata.category(char) in NAME_REFUSES))


def printable(text, *, line_break: str = "\n", tab: str = "\t") -> str:
    """`text` without what files cannot carry: every line break (CR LF, CR, LF, VT, FF, NEL, U+2028, U+2029)
    becomes `line_break`, a tab `tab`; other control characters and lone surrogates are dropped. Format characters
    stay (an emoji's zero-width joiner is text), and so does every other character."""
    text = str(text)
    if text.isprintable():  # the usual case: no control, format, surrogate or separator other than the space
        return text
    text = LINE_BREAK.sub(line_break, text).replace("\t", tab)
    return "".join(char for char in text if char in (line_break, tab) or unicodedata.category(char) not in ("Cc", "Cs"))


def one_line(text) -> str:
    """`text` as one line a name may be: line breaks and tabs become spaces, the rest a name refuses is dropped.
    For text that arrives from elsewhere as a name (an imported event's summary) and for one-line slots of a
    file (a chart's label, a document's title, a calendar parameter)."""
    text = printable(text, line_break=" ", tab=" ")
    return "".join(char for char in text if unicodedata.category(char) not in NAME_REFUSES)


# --- reportlab -------------------------------------------------------------------------------------------------------


def pdf_markup(text) -> str:
    """`text` as reportlab paragraph markup that shows exactly its characters: `&`, `<` and `>` escaped (so a name
    like `SEM <b` or `<img src="…">` is text, never a tag), control characters dropped, line breaks as `<br/>`."""
    return escape(printable(text)).replace("\n", "<br/>")


def paragraph(text, style) -> Paragraph:
    """The one way a PDF turns text into a reportlab Paragraph."""
    return Paragraph(pdf_markup(text), style)


# --- CSV and Excel ---------------------------------------------------------------------------------------------------

# OWASP's list (= + - @, tab, carriage return); printable() makes a carriage return a line feed, so that too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def sheet_cell(value):
    """A value for a CSV or Excel cell that a spreadsheet shows and never evaluates (OWASP, CSV injection): control
    characters an .xlsx cannot hold are dropped, then text starting with = + - @, a tab or a line break gets a
    leading single quote. Numbers, dates and None stay as they are, so numbers stay numbers."""
    if not isinstance(value, str):
        return value
    text = printable(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
