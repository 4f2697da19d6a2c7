"""Template context of every page: whether the logged-in person's address still awaits its verification link.

Logging in or signing up with an unverified address marks the session (accounts.adapter); only a marked session
asks the database again, and the mark goes once the address is verified (its link may be followed in another
browser), so the pages of everyone else cost no query for it."""

from consortia import selectors as consortia_selectors

UNVERIFIED = "kyoyo_email_unverified"


def front_door(request) -> dict:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated or not session.get(UNVERIFIED):
        return {}
    if consortia_selectors.has_verified_email(user):
        del session[UNVERIFIED]
        return {}
    return {"email_unverified": True}
