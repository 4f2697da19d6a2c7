"""Closing one's account: the verb the account page and `POST /api/v1/me/deactivate/` call.

consortia.services.deactivate_user removes the person's data that consortia and allauth hold (names, address,
roles, tokens, sessions, two-factor authenticators, e-mail addresses) and keeps the row that bookings, invoices,
usage reports and consultations point at; this adds what lives in the apps above it: the calendar feed (bookings)
and the expert-directory entry (consultations). One transaction: all of it or none.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from backend.errors import DomainError
from bookings.services import revoke_calendar_feed
from consortia.services import deactivate_user
from consultations.services import withdraw_expert_entry


def confirm_deactivation(*, user, username: str = "", password: str = "") -> None:
    """The person confirms by typing their username or their password (an account without a usable password, e.g.
    single sign-on only, confirms by the username). Refuses otherwise, naming the field."""
    if password:
        if not user.check_password(password):
            raise DomainError("wrong_password", _("The password is not right."), field="password")
        return
    if not username or username.strip() != user.get_username():
        raise DomainError(
            "confirmation_required", _("Type your username (or your password) to confirm."), field="username"
        )


@transaction.atomic
def deactivate_account(*, actor, user):
    """Close the account (the person themselves, or a site operator): see the module's docstring."""
    user = deactivate_user(actor=actor, user=user)
    revoke_calendar_feed(user=user)
    withdraw_expert_entry(user=user)
    return user
