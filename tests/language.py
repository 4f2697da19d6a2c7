"""What the one-language-per-page checks look for, shared by the tests of pages, e-mails, documents and workbooks.

- On an English page: any Japanese character outside an element that declares its own language (`lang="ja"`: the
  language switch's 日本語, a Japanese name that has no English one) and outside the data the test names.
- On a Japanese page: a Japanese phrase followed by its English in parentheses (「利用目的 (purpose)」), or the
  quieter second language of the retired `bi` tag (`class="alt"`).
"""

import re
from html.parser import HTMLParser

# Hiragana, katakana, CJK ideographs, Japanese punctuation and full-width forms.
JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60\uffe0-\uffee]")
# 「…日本語 (English words)」: a parenthesis of Latin words right after Japanese text. An abbreviation in capitals
# ("走査電子顕微鏡 (SEM)") is not English prose and passes.
BILINGUAL = re.compile(
    r"[\u3040-\u309f\u30a0-\u30ff\u4e00-\u9fff\u3001\u3002\uff09\u300d][\s\u3000]*[(（]\s*"
    r"(?=[^()（）]*[a-z]{3})[A-Za-z][^()（）\u3040-\u30ff\u4e00-\u9fff]*[)）]"
)
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-label", "label"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """The text a reader sees (and the attributes read aloud or shown), minus elements in another declared
    language, scripts and styles."""

    def __init__(self, page_language: str):
        super().__init__(convert_charrefs=True)
        self.page_language = page_language
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden: another language, script or style)
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        language = (attributes.get("lang") or "").split("-")[0]
        hidden = tag in ("script", "style") or bool(language and language != self.page_language)
        if not (hidden or self._hidden()):
            self.parts += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.parts.append(attributes["value"])
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)


def visible_text(html: str, page_language: str) -> str:
    parser = _Text(page_language)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def japanese_in(text: str, *, data: tuple[str, ...] = ()) -> list[str]:
    """The Japanese fragments of `text` (with a little context each), after removing the given data strings."""
    for datum in sorted(data, key=len, reverse=True):
        if datum:
            text = text.replace(datum, " ")
    return [text[max(0, m.start() - 20) : m.end() + 20] for m in JAPANESE.finditer(text)]


def bilingual_pairs(text: str) -> list[str]:
    return [text[max(0, m.start() - 20) : m.end()] for m in BILINGUAL.finditer(text)]


def english_page_problems(html: str, *, data: tuple[str, ...] = ()) -> list[str]:
    return japanese_in(visible_text(html, "en"), data=data)


def japanese_page_problems(html: str, *, data: tuple[str, ...] = ()) -> list[str]:
    """Japanese beside English on a Japanese page; the given data (usernames, names typed in Latin letters) is
    taken out first: 「山本 大輔 (yamamoto)」 names a user, it does not translate."""
    text = visible_text(html, "ja")
    for datum in sorted(data, key=len, reverse=True):
        if datum:
            text = text.replace(datum, " ")
    problems = bilingual_pairs(text)
    if 'class="alt"' in html:
        problems.append('a second language in a class="alt" span')
    return problems
