"""Template helpers of the consultation pages and e-mails: people's names and the matcher's suggestions, in the
language the template is rendered in."""

from django import template

from consultations.suggestions import shown

register = template.Library()


@register.filter
def person(user) -> str:
    """A person's name in the page's language (consortia.User.display_name: 渡辺 由美 / Yumi Watanabe)."""
    return user.display_name if user is not None else ""


@register.filter
def as_shown(suggestions) -> list[dict]:
    """A consultation's stored suggestions as the reader sees them (consultations.suggestions.shown): for an
    e-mail, whose language is the recipient's, decided only when it is rendered."""
    return shown(suggestions or [])
