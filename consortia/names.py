"""People's names: family and given name stored apart, with optional katakana readings (セイ・メイ).

Shown family name first in Japanese (渡辺 由美) and given name first in English (Yumi Watanabe). An English page
writes a Japanese name in Latin letters from its reading (passport Hepburn, as on a Japanese passport); a name
without a reading is shown as typed, family name first. Lists of people sort by reading (`reading_order`).
Pure: no ORM, no request.
"""

import re
import unicodedata
from functools import cache, lru_cache

# Katakana, the long-vowel mark, the middle dot and spaces: how a reading (フリガナ) is written.
_KATAKANA = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff\u3000 ・ー]*")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f .,'\-]*")


def is_katakana(text: str) -> bool:
    return bool(_KATAKANA.fullmatch(text))


def normalize_reading(text: str) -> str:
    """A reading as people type it: half-width katakana (ﾜﾀﾅﾍﾞ) and hiragana become full-width katakana."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


@cache
def _kakasi():
    import pykakasi  # loads its dictionaries once, on the first English page that needs it

    return pykakasi.kakasi()


@lru_cache(maxsize=4096)  # an English list page names the same people on every row
def romanize(reading: str) -> str:
    """ワタナベ → Watanabe (passport Hepburn, capitalised)."""
    if not reading:
        return ""
    latin = "".join(part["passport"] for part in _kakasi().convert(reading.replace("・", " ")))
    return " ".join(word.capitalize() for word in latin.split())


def person_name(family: str, given: str, family_reading: str = "", given_reading: str = "", *, english: bool) -> str:
    """The name as the page's language writes it; "" when none is stored."""
    family, given = (family or "").strip(), (given or "").strip()
    if not english:
        return f"{family} {given}".strip()
    if _LATIN.fullmatch(family + given):  # already in Latin letters: given name first
        return f"{given} {family}".strip()
    if family_reading or given_reading:
        latin_family = romanize(family_reading) if family_reading else family
        latin_given = romanize(given_reading) if given_reading else given
        return f"{latin_given} {latin_family}".strip()
    return f"{family} {given}".strip()  # a Japanese name with no reading: as typed, family name first


def short_name(family: str, given: str, family_reading: str = "", given_reading: str = "", *, english: bool) -> str:
    """How a greeting names the person: the family name in Japanese (渡辺), the given name in English (Yumi)."""
    family, given = (family or "").strip(), (given or "").strip()
    if not english:
        return family or given
    if _LATIN.fullmatch(family + given):
        return given or family
    if given_reading:
        return romanize(given_reading)
    return given or family
