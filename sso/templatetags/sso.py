"""For the pages of other apps: whether 学認 single sign-on is on, and the person's link.

{% load sso %}{% sso_enabled as sso_on %}{% if sso_on %}…{% endif %}
{% include "sso/login_button.html" %}    (the log in page: renders nothing while single sign-on is off)
{% include "sso/account_section.html" %} (the account page: linked or not, link or unlink)
"""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def sso_enabled() -> bool:
    return selectors.is_enabled()


@register.simple_tag(takes_context=True)
def sso_identity(context):
    """The 学認 identity linked to the page's user, or None."""
    request = context.get("request")
    return selectors.identity_of(getattr(request, "user", None))
