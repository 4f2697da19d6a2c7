"""Template helpers of every page: yen, percentages, dates and Tokyo time in the page's language (backend.i18n)."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from backend import i18n
from backend.tokyo import TOKYO

register = template.Library()


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
def time_tag(moment) -> str:
    """long_datetime in a <time> element (which the stylesheet never breaks across lines), its machine-readable
    moment in Tokyo time: <time datetime="2026-12-02T10:00+09:00">2026年12月2日 10:00</time>."""
    if not moment:
        return ""
    local = timezone.localtime(moment, TOKYO)
    return format_html('<time datetime="{}">{}</time>', local.isoformat(timespec="minutes"), i18n.long_datetime(local))


@register.filter
def tokyo(moment: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A datetime in Asia/Tokyo (the product's time), formatted with strftime."""
    if not moment:
        return ""
    return timezone.localtime(moment, TOKYO).strftime(fmt)


@register.filter
def percent(ratio) -> str:
    """0.0853 → '8.5%'; None → '—'."""
    return i18n.percent(ratio)
