"""Template helpers of every page: the language switch, yen, Tokyo time."""

from datetime import datetime

from django import template
from django.utils import timezone, translation
from django.utils.html import format_html

from backend import i18n
from backend.tokyo import TOKYO

register = template.Library()


def _english() -> bool:
    return (translation.get_language() or "ja").startswith("en")


@register.simple_tag
def tr(japanese: str, english: str) -> str:
    """The text in the page's language: Japanese unless the user switched to English."""
    return english if _english() else japanese


@register.simple_tag
def bi(japanese: str, english: str) -> str:
    """A heading or label in the page's language with the other one after it, quieter."""
    first, second = (english, japanese) if _english() else (japanese, english)
    return format_html('{} <span class="alt" lang="{}">{}</span>', first, "ja" if _english() else "en", second)


@register.filter
def yen(amount) -> str:
    """21000 → 21,000円 (Japanese) / ¥21,000 (English)."""
    return i18n.yen(amount)


@register.filter
def long_date(moment) -> str:
    """A date as prose and documents write it: 2026年12月2日 / Dec. 2, 2026 (a datetime in Tokyo time)."""
    return i18n.long_date(moment) if moment else ""


@register.filter
def long_datetime(moment) -> str:
    """2026年12月2日 10:00 / Dec. 2, 2026, 10:00, in Tokyo time."""
    return i18n.long_datetime(moment) if moment else ""


@register.filter
def tokyo(moment: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A datetime in Asia/Tokyo (the product's time), formatted with strftime."""
    if not moment:
        return ""
    return timezone.localtime(moment, TOKYO).strftime(fmt)


@register.filter
def split_label(label: str) -> str:
    """'承認待ち (pending)' → the part in the page's language."""
    text = str(label)
    if text.endswith(")") and " (" in text:
        japanese, english = text[:-1].split(" (", 1)
        return english if _english() else japanese
    return text


@register.filter
def percent(ratio) -> str:
    """0.0853 → '8.5%'; None → '—'."""
    return i18n.percent(ratio)
