"""Template helpers of the consultation pages: people's names as the API gives them, and the matcher's reasons
in the page's language."""

from django import template
from django.utils import translation

from consultations.models import display_name

register = template.Library()
MATCHED = " (matched "


@register.filter
def person(user) -> str:
    """Family name first, as Japanese names are written (the API's `display_name`)."""
    return display_name(user) if user is not None else ""


@register.filter
def reason(text: str) -> str:
    """「…」に一致 (matched …) → the part in the page's language. Split at the last "(matched", since the words
    quoted are the user's own and may hold anything."""
    text = str(text)
    japanese, found, english = text.rpartition(MATCHED)
    if not found or not english.endswith(")"):
        return text
    return f"matched {english[:-1]}" if (translation.get_language() or "ja").startswith("en") else japanese
