"""The page's language and what follows from it: names of things in two languages, yen, percentages, dates.

One language per page: the reader's (the user's setting when logged in, otherwise the browser's Accept-Language,
Japanese by default; see `backend.middleware`). Text goes through Django's catalogues (`gettext`); this module
holds only what a catalogue cannot: choosing between two stored names, and number and date formats.
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import formats, timezone, translation

from .tokyo import TOKYO


def current_language() -> str:
    """The active language's code among settings.LANGUAGES ("ja" outside a request)."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def is_japanese() -> bool:
    return current_language() == "ja"


def localized(japanese: str, english: str) -> str:
    """A stored name in the page's language: the English one on a non-Japanese page where it exists, otherwise the
    Japanese one (the name of record)."""
    return english if english and not is_japanese() else japanese


class LocalizedName:
    """A model with a Japanese `name` and an optional English `name_en` (and, where it has them, `description`
    and `description_en`). Pages, feeds and documents show `localized_name`; `str()` is the same."""

    @property
    def localized_name(self) -> str:
        return localized(self.name, getattr(self, "name_en", ""))

    @property
    def localized_description(self) -> str:
        return localized(getattr(self, "description", ""), getattr(self, "description_en", ""))

    def __str__(self):
        return self.localized_name


def yen(amount) -> str:
    """21000 → "21,000円" on a Japanese page, "¥21,000" on any other; None or "" → "—"."""
    if amount in (None, ""):
        return "—"
    number = formats.number_format(int(amount), force_grouping=True, use_l10n=True)
    return f"{number}円" if is_japanese() else f"¥{number}"


def percent(ratio, digits: int = 1) -> str:
    """0.0853 → "8.5%"; None or "" → "—"."""
    if ratio is None or ratio == "":
        return "—"
    return f"{formats.number_format(float(ratio) * 100, digits, use_l10n=True)}%"


def long_date(day: date | datetime) -> str:
    """A date as the page's language writes it in prose and documents: 2026年12月2日 / Dec. 2, 2026. A datetime
    is read in Tokyo time first."""
    if isinstance(day, datetime):
        day = timezone.localtime(day, TOKYO).date() if timezone.is_aware(day) else day.date()
    return formats.date_format(day, "DATE_FORMAT")


def long_datetime(moment: datetime) -> str:
    """A moment in Tokyo time as the page's language writes it: 2026年12月2日 10:00 / Dec. 2, 2026, 10:00."""
    local = timezone.localtime(moment, TOKYO)
    return f"{long_date(local.date())} {local:%H:%M}" if is_japanese() else f"{long_date(local.date())}, {local:%H:%M}"


def span_end(start: datetime, end: datetime) -> str:
    """How the end of a span from `start` is written after its start: the time alone on the same Tokyo day
    (「…10:00–11:30」), the whole moment otherwise."""
    local_end = timezone.localtime(end, TOKYO)
    return f"{local_end:%H:%M}" if local_end.date() == timezone.localtime(start, TOKYO).date() else long_datetime(end)
