"""The person's own data, as the 個人情報保護法 lets them ask for it (開示請求): one JSON document.

Everything the product holds about them, read through each app's selectors: the profile, e-mail addresses, roles,
terms accepted, two-factor methods (kind and dates, no secret), bookings they requested (with their purposes),
booking changes they made, consultations they asked and messages they wrote, usage reports they submitted, the
invoice lines of their bookings (numbers and amounts), API tokens (name and prefix; never the hash), sessions
(device and address; never the key), the calendar feed (that one exists; never its secret address), the
expert-directory entry and the e-mails sent to them (subject and time). Other people appear only by what the
person already sees of them (an institution's, a company's or a consortium's name); no password hash, no token.

A fixed number of queries, one per kind of record, however many bookings the person has.
"""

import json

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from bookings.selectors import booking_events_by, bookings_requested_by, calendar_feed_of_user
from consortia.selectors import api_tokens_of, roles_of
from consultations.selectors import consultations_asked_by, expert_entry_of, messages_written_by
from invoices.selectors import invoice_lines_of_bookings_requested_by
from notifications.selectors import notifications_to
from usage_reports.selectors import reports_submitted_by

FORMAT = "kyoyo-personal-data/1"


def _profile(user) -> dict:
    return {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "last_name_kana": user.last_name_kana,
        "first_name_kana": user.first_name_kana,
        "email": user.email,
        "language": user.language,
        "receives_digests": user.receives_digests,
        "receives_reminders": user.receives_reminders,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "terms_version": user.terms_version,
        "terms_accepted_at": user.terms_accepted_at,
    }


def _scope(role) -> dict:
    scope = role.company or role.institution or role.consortium
    kind = "company" if role.company_id else "institution" if role.institution_id else "consortium"
    return {"kind": role.kind, "scope": kind, "scope_id": scope.pk, "scope_name": str(scope)}


def _bookings(user) -> list[dict]:
    return [
        {
            "id": booking.pk,
            "uid": booking.uid,
            "instrument": booking.instrument.name,
            "institution": booking.instrument.institution.name,
            "company": booking.company.name if booking.company_id else None,
            "start": booking.start,
            "end": booking.end,
            "mode": booking.mode,
            "purpose": booking.purpose,
            "sample": booking.sample,
            "confidential": booking.confidential,
            "status": booking.status,
            "quote": booking.quote,
            "decision_reason": booking.decision_reason,
            "actual_start": booking.actual_start,
            "actual_end": booking.actual_end,
            "requested_at": booking.created_at,
        }
        for booking in bookings_requested_by(user)
    ]


def _consultations(user) -> list[dict]:
    return [
        {
            "id": consultation.pk,
            "consortium": consultation.consortium.name,
            "company": consultation.company.name,
            "title": consultation.title,
            "description": consultation.description,
            "confidential": consultation.confidential,
            "status": consultation.status,
            "received_at": consultation.created_at,
            "closed_at": consultation.closed_at,
        }
        for consultation in consultations_asked_by(user)
    ]


def _expert_entry(user) -> dict | None:
    entry = expert_entry_of(user)
    if entry is None:
        return None
    return {
        "institution": entry.institution.name,
        "listed": entry.listed,
        "keywords": entry.keywords,
        "bio": entry.bio,
        "updated_at": entry.updated_at,
    }


def personal_data_of(user) -> dict:
    """Everything about the person (see the module's docstring), as JSON-ready values."""
    feed = calendar_feed_of_user(user)
    return {
        "format": FORMAT,
        "generated_at": timezone.now(),
        "profile": _profile(user),
        "email_addresses": list(
            EmailAddress.objects.filter(user_id=user.pk).order_by("id").values("email", "verified", "primary")
        ),
        "roles": [_scope(role) for role in roles_of(user)],
        "two_factor": list(
            Authenticator.objects.filter(user_id=user.pk).order_by("id").values("type", "created_at", "last_used_at")
        ),
        "bookings": _bookings(user),
        "booking_changes": list(
            booking_events_by(user).values("booking_id", "action", "from_status", "to_status", "reason", "at")
        ),
        "consultations": _consultations(user),
        "consultation_messages": list(
            messages_written_by(user).values("consultation_id", "side", "body", "created_at")
        ),
        "usage_reports": list(
            reports_submitted_by(user).values(
                "booking_id", "summary", "outcome", "publishable", "embargo_until", "publications", "submitted_at"
            )
        ),
        "invoice_lines": [
            {
                "invoice": line.invoice.number,
                "issued_on": line.invoice.issued_on,
                "invoice_status": line.invoice.status,
                "booking_id": line.booking_id,
                "description": line.description,
                "amount_jpy": line.amount_jpy,
                "tax_rate": line.tax_rate,
            }
            for line in invoice_lines_of_bookings_requested_by(user)
        ],
        "api_tokens": list(api_tokens_of(user).values("name", "prefix", "created_at", "last_used_at", "expires_at")),
        "sessions": list(
            UserSession.objects.filter(user_id=user.pk)
            .order_by("-last_seen_at")
            .values("ip", "user_agent", "created_at", "last_seen_at")
        ),
        "calendar_feed": {"exists": True, "rotated_at": feed.rotated_at} if feed else {"exists": False},
        "expert_entry": _expert_entry(user),
        "notifications": list(notifications_to(user).values("subject", "status", "created_at", "sent_at")),
    }


def personal_data_json(user) -> bytes:
    """The download: UTF-8 JSON, Japanese as written (not \\u escapes), dates in ISO 8601."""
    text = json.dumps(personal_data_of(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return text.encode("utf-8")


def personal_data_filename(user) -> str:
    return f"kyoyo-personal-data-{user.get_username()}-{timezone.localdate().isoformat()}.json"


def personal_data_response(user) -> HttpResponse:
    """The download as an attachment, never cached (the account page and GET /api/v1/me/data/)."""
    response = HttpResponse(personal_data_json(user), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, personal_data_filename(user))
    response["Cache-Control"] = "no-store"
    return response
