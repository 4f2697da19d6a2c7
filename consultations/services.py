"""Every change to consultations, referrals, messages, booking links and expert profiles.

One function per verb, in a transaction, refusals as domain errors. Who may do a verb is one predicate of
`selectors` (`may_refer`, `may_write`, …); the verb raises it, and the pages and the API's `can` read it. A write to an
open consultation first claims its row with a conditional update (`UPDATE … WHERE status <> 'closed'`), so a
referral or a message can never slip in after a concurrent close, and the status moves only forward:
`new → referred` on the first referral, `referred → answered` on the first message of referred staff.

Long: one function per verb of a consultation's life cycle (submit, refer, message, close, link a booking,
remind) and the expert profile, sharing the row claim that keeps the status moving forward; split, the status
rules would be read across files.
"""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import (
    Conflict,
    DomainError,
    PermissionDenied,
    full_clean_or_refuse,
    refuse_unknown_fields,
    validate_field_or_refuse,
)
from backend.plumbing import user_or_none
from backend.search import lock_sources, refresh_search_text
from backend.tokyo import TOKYO
from bookings import services as booking_services
from bookings.models import Booking
from consortia.models import Company, Consortium, Institution
from consortia.selectors import access_for, acting_company, active_memberships
from equipment.models import Instrument

from . import notices, selectors
from .models import Consultation, ConsultationBooking, ExpertProfile, Message, Referral
from .workdays import first_answer_fields, is_business_day

logger = logging.getLogger(__name__)

Status = Consultation.Status
Side = Message.Side
TITLE_MAX, TEXT_MAX = 200, 4000


# --- Helpers ---------------------------------------------------------------------------------------------------
def _required_text(value: str, field: str, *, max_length: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError("required", _("This field is required."), field=field)
    if len(value) > max_length:
        raise DomainError("too_long", _("At most %(max)d characters.") % {"max": max_length}, field=field)
    return value


def _company_of(actor, company_id: int | None) -> Company:
    """The company the actor asks for: theirs, or the one named when they belong to several."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("login_required", _("Log in first."))
    company = acting_company(actor, company_id)  # refuses a company that is not theirs
    if not selectors.may_ask(actor):
        raise PermissionDenied(
            "not_company_user",
            _("Technical consultations are asked by company users."),
        )
    return company


def _consortium_for(company: Company) -> Consortium:
    """The consortium of the company's prefecture when exactly one covers it; otherwise the company must choose."""
    consortium = selectors.home_consortium(company)
    if consortium is None:
        raise DomainError(
            "consortium_required",
            _("Choose the consortium to ask."),
            field="consortium",
        )
    return consortium


def _claim_open(consultation: Consultation, now: datetime) -> None:
    """Take the consultation's row for this transaction if it is still open; a closed one refuses."""
    if not Consultation.objects.filter(pk=consultation.pk, status__in=Consultation.OPEN).update(updated_at=now):
        raise Conflict(
            "consultation_closed",
            _("The consultation is closed."),
            status_now=Consultation.objects.filter(pk=consultation.pk).values_list("status", flat=True).first(),
        )


def _ensure_may_refer(actor, consultation: Consultation) -> None:
    if not selectors.may_refer(actor, consultation):
        raise PermissionDenied(
            "not_coordinator",
            _("Only the consortium's coordinators may refer."),
        )


def _ensure_may_book(actor, consultation: Consultation) -> None:
    if not selectors.may_book(actor, consultation):
        raise PermissionDenied(
            "not_consultation_company",
            _("Only the company that asked may do this."),
        )


# --- Verbs -----------------------------------------------------------------------------------------------------
def _checked_request(
    actor, title: str, description: str, consortium: Consortium | None, company_id: int | None
) -> tuple[Company, str, str, Consortium]:
    """What asking a consultation checks: who asks for which company, the texts, the consortium asked."""
    company = _company_of(actor, company_id)
    title = _required_text(title, "title", max_length=TITLE_MAX)
    validate_field_or_refuse(Consultation, "title", title)
    description = _required_text(description, "description")
    return company, title, description, consortium or _consortium_for(company)


@transaction.atomic
def submit_consultation(
    *,
    actor,
    title: str,
    description: str,
    consortium: Consortium | None = None,
    confidential: bool = False,
    company_id: int | None = None,
    now: datetime | None = None,
) -> Consultation:
    """A company user describes a problem; the matcher's suggestions are kept with it and the consortium's
    coordinators are e-mailed."""
    company, title, description, consortium = _checked_request(actor, title, description, consortium, company_id)
    now = now or timezone.now()
    consultation = Consultation(
        company=company,
        requester=actor,
        consortium=consortium,
        title=title,
        description=description,
        confidential=bool(confidential),
        status=Status.NEW,
        created_at=now,
        suggestions=selectors.suggestions_for(selectors.problem_text(title, description), consortium_id=consortium.id),
    )
    consultation.save()
    if not notices.consultation_received(consultation):
        logger.warning("consultation %s: consortium %s has no coordinator to tell", consultation.pk, consortium.pk)
    return consultation


def preview_suggestions(
    *,
    actor,
    title: str,
    description: str,
    consortium: Consortium | None = None,
    company_id: int | None = None,
) -> list[dict]:
    """What `submit_consultation` would suggest, and the same refusals, with nothing stored and nobody told."""
    _company, title, description, consortium = _checked_request(actor, title, description, consortium, company_id)
    return selectors.suggestions_for(selectors.problem_text(title, description), consortium_id=consortium.id)


@transaction.atomic
def refer(
    *,
    actor,
    consultation: Consultation,
    institution: Institution,
    note: str,
    instruments: list[Instrument] = (),
    experts: list[ExpertProfile] = (),
    now: datetime | None = None,
) -> Referral:
    """A coordinator refers the consultation to an institution of any consortium (広域連携), optionally naming
    instruments and listed experts there. Its staff are e-mailed and may read the consultation from now on."""
    _ensure_may_refer(actor, consultation)
    note = _required_text(note, "note")
    if not active_memberships().filter(institution=institution).exists():
        raise DomainError(
            "institution_not_member",
            _("Choose an institution that belongs to a consortium."),
            field="institution",
        )
    # As they are now: a copy may predate a retirement or an expert leaving the directory.
    instruments = list(Instrument.objects.filter(pk__in=[i.pk for i in instruments]).order_by("id"))
    experts = list(ExpertProfile.objects.filter(pk__in=[e.pk for e in experts]).order_by("id"))
    for instrument in instruments:
        if instrument.institution_id != institution.id or instrument.status == Instrument.Status.RETIRED:
            raise DomainError(
                "instrument_not_at_institution",
                _("Instruments must be in service at the institution referred to: %(instrument)s")
                % {"instrument": instrument.localized_name},
                field="instruments",
            )
    for expert in experts:
        if expert.institution_id != institution.id or not expert.listed:
            raise DomainError(
                "expert_not_at_institution",
                _("Experts must be listed at the institution referred to."),
                field="experts",
            )
    now = now or timezone.now()
    _claim_open(consultation, now)
    already = Conflict(
        "already_referred",
        _("The consultation was already referred to this institution."),
        field="institution",
    )
    if Referral.objects.filter(consultation=consultation, institution=institution).exists():
        raise already
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                consultation=consultation,
                institution=institution,
                referred_by=user_or_none(actor),
                note=note,
                created_at=now,
            )
    except IntegrityError:
        raise already from None
    referral.instruments.set(instruments)
    referral.experts.set(experts)
    Consultation.objects.filter(pk=consultation.pk, status=Status.NEW).update(
        status=Status.REFERRED, first_referred_at=now
    )
    consultation.refresh_from_db()
    notices.referred(referral)
    return referral


@transaction.atomic
def post_message(*, actor, consultation: Consultation, body: str, now: datetime | None = None) -> Message:
    """The company, a coordinator or referred staff write in the thread. The first message of referred staff
    answers the consultation: `referred → answered`, with the response time."""
    referred = selectors.referred_institution_ids(consultation)
    if not selectors.may_write(actor, consultation, referred):
        raise PermissionDenied(
            "not_participant",
            _("Only the company, the coordinators and referred staff may write."),
        )
    body = _required_text(body, "body")
    now = now or timezone.now()
    _claim_open(consultation, now)
    institution_id = None
    sides = selectors.sides_of(actor, consultation, referred)
    if Side.COMPANY in sides:
        side = Side.COMPANY
    elif Side.STAFF in sides:
        side = Side.STAFF
        institution_id = min(access_for(actor).staff_of & referred)
    else:
        side = Side.COORDINATOR
    message = Message.objects.create(
        consultation=consultation,
        author=actor,
        side=side,
        institution_id=institution_id,
        body=body,
        created_at=now,
    )
    if side == Side.STAFF:
        _record_answer(consultation, institution_id, now)
    notices.message_posted(message, referred)
    return message


def _record_answer(consultation: Consultation, institution_id: int, now: datetime) -> None:
    """The first answer of an institution, and the consultation's first answer; each recorded once."""
    referral = Referral.objects.get(consultation=consultation, institution_id=institution_id)
    Referral.objects.filter(pk=referral.pk, first_answered_at__isnull=True).update(
        **first_answer_fields(referral.created_at, now)
    )
    Consultation.objects.filter(pk=consultation.pk, status=Status.REFERRED, first_answered_at__isnull=True).update(
        status=Status.ANSWERED, **first_answer_fields(consultation.created_at, now, with_response_time=True)
    )
    consultation.refresh_from_db()


@transaction.atomic
def close(*, actor, consultation: Consultation, outcome: str, now: datetime | None = None) -> Consultation:
    """The company or a coordinator closes the consultation, saying how it ended."""
    if not selectors.may_close(actor, consultation):
        raise PermissionDenied(
            "not_allowed_to_close",
            _("Only the company or a coordinator may close it."),
        )
    if outcome not in Consultation.Outcome.values:
        raise DomainError(
            "invalid_outcome",
            _("Choose the outcome: %(outcomes)s.") % {"outcomes": " / ".join(Consultation.Outcome.values)},
            field="outcome",
        )
    now = now or timezone.now()
    if not Consultation.objects.filter(pk=consultation.pk, status__in=Consultation.OPEN).update(
        status=Status.CLOSED, outcome=outcome, closed_at=now, updated_at=now
    ):
        raise Conflict("consultation_closed", _("The consultation is closed."))
    consultation.refresh_from_db()
    return consultation


@transaction.atomic
def request_booking_from(*, actor, consultation: Consultation, **request) -> Booking:
    """The company asks for an instrument slot because of the consultation: the same request as
    bookings.services.request_booking, for the consultation's company, linked to the consultation."""
    _ensure_may_book(actor, consultation)
    booking = booking_services.request_booking(actor=actor, company_id=consultation.company_id, **request)
    ConsultationBooking.objects.create(consultation=consultation, booking=booking, linked_by=user_or_none(actor))
    return booking


@transaction.atomic
def link_booking(*, actor, consultation: Consultation, booking: Booking) -> ConsultationBooking:
    """The company says that a booking it already requested came from the consultation."""
    _ensure_may_book(actor, consultation)
    access = access_for(actor)
    own = booking.requester_id == actor.pk or booking.company_id in access.admin_of
    if booking.company_id != consultation.company_id or not own:
        raise DomainError(
            "booking_not_yours",
            _("Name a booking of yours for the consultation's company."),
            field="booking",
        )
    if ConsultationBooking.objects.filter(booking=booking).exists():
        raise Conflict("booking_already_linked", _("The booking is already linked to a consultation."), field="booking")
    return ConsultationBooking.objects.create(consultation=consultation, booking=booking, linked_by=user_or_none(actor))


def remind_unreferred(*, now: datetime | None = None) -> int:
    """Coordinators are reminded, once, of each consultation still not referred two business days after it
    arrived. Runs on business days only (beat calls it hourly in office hours). Each consultation is claimed
    by a conditional update (`reminded_at IS NULL`) before its e-mails are queued, so a repeated or concurrent
    run never reminds twice. One without coordinators is left unclaimed until the consortium has one.
    Returns the number of consultations reminded."""
    now = now or timezone.now()
    if not is_business_day(now.astimezone(TOKYO).date()):
        return 0
    candidates = Consultation.objects.filter(
        status=Status.NEW, reminded_at__isnull=True, created_at__lte=now - timedelta(days=2)
    ).select_related("company", "consortium")
    reminded = 0
    for consultation in candidates.order_by("created_at", "id"):
        due_at = selectors.reminder_due_at(consultation)
        if now < due_at:
            continue
        coordinators = notices.coordinators_of(consultation)
        if not coordinators:
            logger.warning("consultation %s unreferred, but no coordinator to remind", consultation.pk)
            continue
        with transaction.atomic():
            if _claim_for_reminder(consultation, now):
                notices.unreferred_reminder(consultation, coordinators, due_at=due_at)
                reminded += 1
    return reminded


def _claim_for_reminder(consultation: Consultation, now: datetime) -> bool:
    """True for the one run that marks the consultation reminded; every other run, concurrent or later, False."""
    return bool(
        Consultation.objects.filter(pk=consultation.pk, status=Status.NEW, reminded_at__isnull=True).update(
            reminded_at=now
        )
    )


# --- The expert directory ----------------------------------------------------------------------------------------
EXPERT_FIELDS = {"listed", "keywords", "bio"}


@transaction.atomic
def save_expert_profile(
    *, actor, institution: Institution | None = None, instruments: list[Instrument] | None = None, **fields
) -> ExpertProfile:
    """A staff member creates or changes their own directory entry; `listed` says they agree to be listed."""
    if not selectors.may_keep_expert_entry(actor):
        raise PermissionDenied(
            "not_institution_staff",
            _("Only institution staff can be listed as experts."),
        )
    access = access_for(actor)
    refuse_unknown_fields(fields, EXPERT_FIELDS)
    lock_sources(users=[actor])  # one save of a person's entry at a time; their name is in its search text
    current = ExpertProfile.objects.filter(user=actor).first()
    if institution is None:
        if current is not None:
            institution = current.institution
        elif len(access.staff_of) == 1:
            institution = Institution.objects.get(pk=next(iter(access.staff_of)))
        else:
            raise DomainError("institution_required", _("Choose your institution."), field="institution")
    if institution.id not in access.staff_of:
        raise PermissionDenied("not_institution_staff", _("Choose an institution you work at."))
    if instruments is not None:
        for instrument in instruments:
            if instrument.institution_id != institution.id:
                raise DomainError(
                    "instrument_not_at_institution",
                    _("Choose instruments of your institution: %(instrument)s")
                    % {"instrument": instrument.localized_name},
                    field="instruments",
                )
    # What the entry's search text is made of, locked before the entry (see backend.search.lock_sources).
    lock_sources(institutions=[institution], instruments=instruments or ())
    profile = ExpertProfile.objects.select_for_update(no_key=True).filter(user=actor).first()
    moved = profile is not None and profile.institution_id != institution.id
    profile = profile or ExpertProfile(user=actor)
    profile.institution = institution
    for key, value in fields.items():
        setattr(profile, key, value.strip() if isinstance(value, str) else value)
    full_clean_or_refuse(profile, exclude=["user", "institution", "search_text", "instruments"])
    profile.save(update_fields=None if profile.pk is None else ["institution", *fields, "updated_at"])
    if instruments is not None:
        profile.instruments.set(instruments)
    elif moved:  # the instruments run were those of the former institution
        profile.instruments.clear()
    refresh_search_text(experts=[profile])
    profile.refresh_from_db(fields=["search_text"])
    return profile


@transaction.atomic
def withdraw_expert_entry(*, user) -> bool:
    """Take the person out of the expert directory and forget what their entry said (their account was closed).
    The entry's row stays for the referrals that named it. Returns whether there was one."""
    lock_sources(users=[user])
    withdrawn = ExpertProfile.objects.filter(user_id=user.pk).update(
        listed=False, keywords="", bio="", search_text="", updated_at=timezone.now()
    )
    return bool(withdrawn)
