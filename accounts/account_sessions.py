"""The person's sessions in use (allauth.usersessions), as the account page lists them, and ending them; whether
they use two-factor authentication (allauth.mfa).

A session is named by its row id on the page; its key never leaves the server. One person can end only their own
sessions: another's id is as unknown as a missing one.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from allauth.usersessions.models import UserSession
from django.db import transaction
from django.utils.translation import gettext as _

from backend.errors import NotFound

# (pattern, name): the first that matches the user agent names the browser, or the system. Order matters: Edge and
# Opera say Chrome too, Chrome says Safari, Android says Linux, iOS says Mac OS X.
BROWSERS = [
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
]
SYSTEMS = [
    (r"iPhone|iPad|iPod", "iOS"),
    (r"Android", "Android"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"CrOS", "ChromeOS"),
    (r"Linux", "Linux"),
]


def _first(patterns, text: str) -> str:
    return next((name for pattern, name in patterns if re.search(pattern, text)), "")


def describe_user_agent(user_agent: str) -> str:
    """'Chrome on Windows', 'Safari on iOS', or '' when the user agent says nothing we know (e.g. a script)."""
    browser, system = _first(BROWSERS, user_agent or ""), _first(SYSTEMS, user_agent or "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system


@dataclass(frozen=True)
class SessionRow:
    id: int
    device: str
    ip: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


def record_current_session(request) -> None:
    """Make sure the session this request runs in is listed, seen now. allauth records a session when its person
    logs in and, with USERSESSIONS_TRACK_ACTIVITY (off: a write on every request), on each request; a session
    begun before allauth was installed, or a login by another way, is recorded here when the account page opens."""
    if request.user.is_authenticated and request.session.session_key:
        UserSession.objects.create_from_request(request)


def sessions_of(user, *, current_key: str | None) -> list[SessionRow]:
    """The person's sessions, this one first, then the most recently seen."""
    rows = [
        SessionRow(
            id=session.pk,
            device=describe_user_agent(session.user_agent),
            ip=session.ip,
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
            current=bool(current_key) and session.session_key == current_key,
        )
        for session in UserSession.objects.filter(user_id=user.pk).order_by("-last_seen_at", "-id")
    ]
    return sorted(rows, key=lambda row: not row.current)


@transaction.atomic
def end_session(*, actor, session_id: int) -> str:
    """End one of the actor's own sessions (logged out there at once). Returns its key, for the caller to tell
    whether it was its own."""
    session = UserSession.objects.filter(pk=session_id, user_id=getattr(actor, "pk", None)).first()
    if session is None:
        raise NotFound("session_not_found", _("No such session."))
    key = session.session_key
    session.end()
    return key


@transaction.atomic
def end_other_sessions(*, actor, current_key: str | None) -> int:
    """End every session of the actor but this one. Returns how many ended."""
    others = UserSession.objects.filter(user_id=actor.pk).exclude(session_key=current_key or "")
    ended = 0
    for session in others:
        session.end()
        ended += 1
    return ended
