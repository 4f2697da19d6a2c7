"""Who may act: one predicate per verb (STYLE.md #16), raised by the service and read by the pages.

For every verb with a permission decision, a user its predicate refuses is refused by the service (a
PermissionDenied, 403), is not offered the action on the page (or the page is not theirs at all: a 404 or a 403),
and gets the pages' refusal policy's 403 if they post it anyway. A user the predicate allows is offered the
action on the same page, so that "not offered" is not vacuous.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from backend.errors import PermissionDenied
from bookings import absences as booking_absences
from bookings import selectors as booking_selectors
from bookings import services as booking_services
from bookings.models import Booking
from consultations import selectors as consultation_selectors
from consultations import services as consultation_services
from equipment import selectors as equipment_selectors
from equipment import services as equipment_services
from invoices import selectors as invoice_selectors
from invoices import services as invoice_services
from staffing import selectors as staffing_selectors
from staffing import services as staffing_services
from tests.bookings.conftest import at
from tests.consultations.conftest import SEM_PROBLEM
from tests.factories import UserFactory, give_role, make_operator
from tests.invoices.conftest import REGISTRATION, completed
from usage_reports import selectors as usage_report_selectors
from usage_reports import services as usage_report_services

pytestmark = pytest.mark.django_db


@dataclass
class Verb:
    may: Callable  # the predicate, bound to the object: user -> bool
    act: Callable  # the service, bound to the object: actor -> result
    page: str  # the page that offers the action
    offered: str  # what that page shows when it offers it
    post: str  # where its form posts
    allowed: object
    refused: object
    data: dict = field(default_factory=dict)


@pytest.fixture
def scene(world, sem, day):
    coordinator = UserFactory(username="coordinator")
    give_role(coordinator, "coordinator", consortium=world.hokkaido)
    nobody = UserFactory(username="nobody")

    def ask(hour):
        return booking_services.request_booking(
            actor=world.user_a, instrument=sem, start=at(day, hour), end=at(day, hour + 1), mode="assisted"
        )

    pending = ask(9)
    proposed = ask(10)
    booking_services.propose(actor=world.staff_a, booking=proposed, start=at(day, 14), end=at(day, 15))
    approved = booking_services.approve(actor=world.staff_a, booking=ask(11))
    begun = booking_services.approve(actor=world.staff_a, booking=ask(15))  # its use is offered once it has started
    began, ended = timezone.now() - timedelta(hours=2), timezone.now() - timedelta(hours=1)
    Booking.objects.filter(pk=begun.pk).update(start=began, end=ended, hold_start=began, hold_end=ended)
    begun.refresh_from_db()
    consultation = consultation_services.submit_consultation(actor=world.user_a, **SEM_PROBLEM)
    consultation_services.refer(actor=coordinator, consultation=consultation, institution=world.inst_a, note="どうぞ")
    used = completed(
        sem,
        requester=world.user_a,
        company=world.company_a,
        day=timezone.localdate() - timedelta(days=10),
        start=time(10),
        minutes=60,
    )
    world.inst_a.registration_number = REGISTRATION
    world.inst_a.save()
    completed(sem, requester=world.user_a, company=world.company_a, day=date(2025, 10, 6), start=time(10), minutes=30)
    (invoice,) = invoice_services.issue_invoices(actor=world.staff_a, institution=world.inst_a, month=date(2025, 10, 1))
    return SimpleNamespace(
        world=world,
        day=day,
        coordinator=coordinator,
        nobody=nobody,
        pending=pending,
        proposed=proposed,
        approved=approved,
        begun=begun,
        consultation=consultation,
        used=used,
        invoice=invoice,
    )


def booking_verb(s, booking, verb: str, may, act, *, allowed, refused, **data) -> Verb:
    page = f"/bookings/{booking.pk}/"
    action = f"{page}{verb}/"
    return Verb(
        may=lambda user: may(user, booking),
        act=lambda actor: act(actor=actor, booking=booking),
        page=page,
        offered=f'action="{action}"',
        post=action,
        allowed=allowed,
        refused=refused,
        data=data,
    )


def consultation_verb(s, may, act, anchor: str, path: str, *, allowed, refused) -> Verb:
    page = f"/consultations/{s.consultation.pk}/"
    return Verb(
        may=lambda user: may(user, s.consultation),
        act=lambda actor: act(actor, s.consultation),
        page=page,
        offered=anchor,
        post=f"{page}{path}/",
        allowed=allowed,
        refused=refused,
    )


def staffing_scene(s) -> SimpleNamespace:
    """Built on first use by a staffing verb: a plain staff member of institution A, an operator of A, an
    administrator of B, and A's proposal lending the operator to B for its XRD (A's side confirmed)."""
    if not hasattr(s, "staffing"):
        from tests.factories import make_operator

        w = s.world
        plain, admin_b = UserFactory(username="plain_staff"), UserFactory(username="admin_b")
        give_role(plain, "staff", institution=w.inst_a)
        give_role(admin_b, "institution_admin", institution=w.inst_b)
        operator = make_operator([w.sem], user=UserFactory(username="operator"), institution=w.inst_a)
        terms = {
            "consortium": w.hokkaido,
            "lender": w.inst_a,
            "borrower": w.inst_b,
            "instruments": [w.xrd],
            "valid_from": timezone.localdate(),
            "valid_until": timezone.localdate() + timedelta(days=60),
            "hourly_rate_jpy": 4000,
        }
        agreement = staffing_services.propose_agreement(actor=w.staff_a, operator=operator, **terms)
        s.staffing = SimpleNamespace(plain=plain, admin_b=admin_b, operator=operator, agreement=agreement, terms=terms)
    return s.staffing


def staffing_verb(s, may, act, *, page, offered, post, allowed, refused, **data) -> Verb:
    t = staffing_scene(s)
    return Verb(
        may=lambda user: may(user, t),
        act=lambda actor: act(actor, t),
        page=page,
        offered=offered,
        post=post,
        allowed=allowed(t),
        refused=refused(t),
        data=data,
    )


VERBS = {
    # staffing: the institution's administrator manages its operators; an operator their hours and consent; either
    # side's administrator proposes and ends an agreement, the other side's confirms
    "staffing.enrol": lambda s: staffing_verb(
        s,
        lambda user, t: staffing_selectors.may_enrol_operator(user, s.world.inst_a.id),
        lambda actor, t: staffing_services.enrol_operator(actor=actor, user=t.plain, institution=s.world.inst_a),
        page="/staff/operators/",
        offered='id="enrol"',
        post="/staff/operators/",
        allowed=lambda t: s.world.staff_a,
        refused=lambda t: t.plain,
        institution=s.world.inst_a.pk,
        user=staffing_scene(s).plain.pk,
    ),
    "staffing.update": lambda s: staffing_verb(
        s,
        lambda user, t: staffing_selectors.may_update_operator(user, t.operator),
        lambda actor, t: staffing_services.update_operator(actor=actor, operator=t.operator, active=False),
        page="/staff/operators/",
        offered=f'action="/staff/operators/{staffing_scene(s).operator.pk}/active/"',
        post=f"/staff/operators/{staffing_scene(s).operator.pk}/active/",
        allowed=lambda t: s.world.staff_a,
        refused=lambda t: t.plain,
        active="0",
    ),
    "staffing.consent": lambda s: staffing_verb(
        s,
        lambda user, t: staffing_selectors.may_change_consent(user, t.operator),
        lambda actor, t: staffing_services.update_operator(actor=actor, operator=t.operator, named_in_reports=True),
        page="/operator/",
        offered='name="consent"',
        post="/operator/",
        allowed=lambda t: t.operator.user,
        refused=lambda t: t.plain,
        consent="1",
        named_in_reports="on",
    ),
    "staffing.hours": lambda s: staffing_verb(
        s,
        lambda user, t: staffing_selectors.may_set_working_hours(user, t.operator),
        lambda actor, t: staffing_services.set_working_hours(actor=actor, operator=t.operator, pattern=[]),
        page="/staff/operators/",
        offered=f'href="/staff/operators/{staffing_scene(s).operator.pk}/hours/"',
        post=f"/staff/operators/{staffing_scene(s).operator.pk}/hours/",
        allowed=lambda t: s.world.staff_a,
        refused=lambda t: t.plain,
        day_0="09:00-12:00",
    ),
    "staffing.propose": lambda s: staffing_verb(
        s,
        lambda user, t: staffing_selectors.may_propose_agreement(
            user, lender_id=s.world.inst_a.id, borrower_id=s.world.inst_b.id
        ),
        lambda actor, t: staffing_services.propose_agreement(actor=actor, operator=t.operator, **t.terms),
        page="/staff/agreements/",
        offered='id="propose"',
        post="/staff/agreements/",
        allowed=lambda t: s.world.staff_a,
        refused=lambda t: t.plain,
    ),
    "staffing.confirm": lambda s: staffing_verb(
        s,
        lambda user, t: staffing_selectors.may_confirm_agreement(user, t.agreement),
        lambda actor, t: staffing_services.confirm_agreement(actor=actor, agreement=t.agreement),
        page="/staff/agreements/",
        offered=f'action="/staff/agreements/{staffing_scene(s).agreement.pk}/confirm/"',
        post=f"/staff/agreements/{staffing_scene(s).agreement.pk}/confirm/",
        allowed=lambda t: t.admin_b,
        refused=lambda t: s.world.staff_a,
    ),
    "staffing.end": lambda s: staffing_verb(
        s,
        lambda user, t: staffing_selectors.may_end_agreement(user, t.agreement),
        lambda actor, t: staffing_services.end_agreement(actor=actor, agreement=t.agreement),
        page="/staff/agreements/",
        offered=f'action="/staff/agreements/{staffing_scene(s).agreement.pk}/end/"',
        post=f"/staff/agreements/{staffing_scene(s).agreement.pk}/end/",
        allowed=lambda t: s.world.staff_a,
        refused=lambda t: s.world.secretariat,
    ),
    # bookings: staff decide and record use; the requester's side answers a proposal; both may cancel
    "booking.approve": lambda s: booking_verb(
        s,
        s.pending,
        "approve",
        booking_selectors.may_decide,
        booking_services.approve,
        allowed=s.world.staff_a,
        refused=s.world.user_a,
    ),
    "booking.reject": lambda s: booking_verb(
        s,
        s.pending,
        "reject",
        booking_selectors.may_decide,
        lambda actor, booking: booking_services.reject(actor=actor, booking=booking, reason="満員"),
        allowed=s.world.staff_a,
        refused=s.world.user_a,
        **{"reject-reason": "満員"},
    ),
    "booking.propose": lambda s: booking_verb(
        s,
        s.pending,
        "propose",
        booking_selectors.may_decide,
        lambda actor, booking: booking_services.propose(
            actor=actor, booking=booking, start=at(s.day, 15), end=at(s.day, 16)
        ),
        allowed=s.world.staff_a,
        refused=s.world.user_a,
    ),
    "booking.reassign": lambda s: booking_verb(
        s,
        s.approved,
        "reassign",
        booking_selectors.may_decide,
        lambda actor, booking: booking_services.reassign_operator(
            actor=actor, booking=booking, operator_id=make_operator([s.world.sem]).id
        ),
        allowed=s.world.staff_a,
        refused=s.world.user_a,
    ),
    "booking.consumables": lambda s: booking_verb(
        s,
        s.pending,
        "consumables",
        booking_selectors.may_decide,
        lambda actor, booking: booking_services.set_consumables(actor=actor, booking=booking, consumables=[]),
        allowed=s.world.staff_a,
        refused=s.world.user_a,
    ),
    "booking.complete": lambda s: booking_verb(
        s,
        s.begun,
        "complete",
        booking_selectors.may_record_use,
        lambda actor, booking: booking_services.complete(
            actor=actor, booking=booking, actual_start=booking.start, actual_end=booking.end
        ),
        allowed=s.world.staff_a,
        refused=s.world.user_a,
    ),
    "booking.no-show": lambda s: booking_verb(
        s,
        s.begun,
        "no-show",
        booking_selectors.may_record_use,
        booking_services.mark_no_show,
        allowed=s.world.staff_a,
        refused=s.world.user_a,
    ),
    "booking.accept": lambda s: booking_verb(
        s,
        s.proposed,
        "accept",
        booking_selectors.may_answer_proposal,
        booking_services.accept_proposal,
        allowed=s.world.user_a,
        refused=s.world.staff_a,
    ),
    "booking.decline": lambda s: booking_verb(
        s,
        s.proposed,
        "decline",
        booking_selectors.may_answer_proposal,
        booking_services.decline_proposal,
        allowed=s.world.user_a,
        refused=s.world.staff_a,
    ),
    "booking.cancel": lambda s: booking_verb(  # the secretariat sees the booking, and may not cancel it
        s,
        s.pending,
        "cancel",
        booking_selectors.may_cancel,
        lambda actor, booking: booking_services.cancel(actor=actor, booking=booking, reason="中止"),
        allowed=s.world.user_a,
        refused=s.world.secretariat,
        **{"cancel-reason": "中止"},
    ),
    "equipment.book": lambda s: Verb(  # who may request a slot (the catalogue once guessed it from a company size)
        may=lambda user: equipment_selectors.may_book(user, s.world.sem),
        act=lambda actor: booking_services.request_booking(
            actor=actor, instrument=s.world.sem, start=at(s.day, 13), end=at(s.day, 14), mode="assisted"
        ),
        page=f"/instruments/{s.world.sem.pk}/",
        offered='id="id_start"',
        post=f"/instruments/{s.world.sem.pk}/",
        allowed=s.world.user_a,
        refused=s.nobody,
        data={
            "start": f"{s.day:%Y-%m-%d}T13:00",
            "end": f"{s.day:%Y-%m-%d}T14:00",
            "mode": "assisted",
            "action": "send",
        },
    ),
    "equipment.manage": lambda s: Verb(
        may=lambda user: equipment_selectors.may_manage_instruments(user, s.world.inst_a.id),
        act=lambda actor: equipment_services.retire_instrument(actor=actor, instrument=s.world.sem),
        page=f"/staff/instruments/{s.world.sem.pk}/",
        offered='id="retire"',
        post=f"/staff/instruments/{s.world.sem.pk}/retire/",
        allowed=s.world.staff_a,
        refused=s.world.staff_b,
        data={"confirm": "on"},
    ),
    # staffing: an operator's absences, entered by themself or their institution's administrator (bookings settles
    # the assigned bookings they hit); staff_b administers nothing
    "staffing.absences": lambda s: Verb(
        may=lambda user: staffing_selectors.may_manage_absences(user, s.world.operator_a),
        act=lambda actor: booking_absences.add_absence(
            actor=actor, operator=s.world.operator_a, start=at(s.day, 18), end=at(s.day, 19)
        ),
        page=f"/staff/operators/{s.world.operator_a.pk}/absences/",
        offered='id="add"',
        post=f"/staff/operators/{s.world.operator_a.pk}/absences/",
        allowed=s.world.staff_a,
        refused=s.world.staff_b,
        data={"add-start": f"{s.day:%Y-%m-%d}T18:00", "add-end": f"{s.day:%Y-%m-%d}T19:00", "add-kind": "leave"},
    ),
    # consultations
    "consultation.refer": lambda s: consultation_verb(
        s,
        consultation_selectors.may_refer,
        lambda actor, c: consultation_services.refer(actor=actor, consultation=c, institution=s.world.inst_b, note="x"),
        'id="refer"',
        "refer",
        allowed=s.coordinator,
        refused=s.world.user_a,
    ),
    "consultation.write": lambda s: consultation_verb(  # staff of an institution not referred to: not theirs at all
        s,
        consultation_selectors.may_write,
        lambda actor, c: consultation_services.post_message(actor=actor, consultation=c, body="x"),
        'name="message-body"',
        "messages",
        allowed=s.world.staff_a,
        refused=s.world.staff_b,
    ),
    "consultation.close": lambda s: consultation_verb(  # the referred staff read it, and may not close it
        s,
        consultation_selectors.may_close,
        lambda actor, c: consultation_services.close(actor=actor, consultation=c, outcome="resolved"),
        'id="close"',
        "close",
        allowed=s.world.user_a,
        refused=s.world.staff_a,
    ),
    "consultation.book": lambda s: consultation_verb(
        s,
        consultation_selectors.may_book,
        lambda actor, c: consultation_services.link_booking(actor=actor, consultation=c, booking=s.pending),
        'id="bookings"',
        "bookings",
        allowed=s.world.user_a,
        refused=s.coordinator,
    ),
    "consultation.ask": lambda s: Verb(
        may=consultation_selectors.may_ask,
        act=lambda actor: consultation_services.submit_consultation(actor=actor, **SEM_PROBLEM),
        page="/consultations/new/",
        offered='name="title"',
        post="/consultations/new/",
        allowed=s.world.user_a,
        refused=s.world.staff_a,
        data={**SEM_PROBLEM, "action": "send"},
    ),
    "consultation.expert_entry": lambda s: Verb(
        may=consultation_selectors.may_keep_expert_entry,
        act=lambda actor: consultation_services.save_expert_profile(actor=actor, listed=True),
        page="/experts/me/",
        offered='name="keywords"',
        post="/experts/me/",
        allowed=s.world.staff_a,
        refused=s.world.user_a,
        data={"listed": "on", "keywords": "x"},
    ),
    # invoices and usage reports
    "invoice.cancel": lambda s: Verb(
        may=lambda user: invoice_selectors.may_invoice(user, s.invoice.institution_id),
        act=lambda actor: invoice_services.cancel_invoice(actor=actor, invoice=s.invoice, reason="誤り"),
        page=f"/invoices/{s.invoice.pk}/",
        offered=f'action="/invoices/{s.invoice.pk}/cancel/"',
        post=f"/invoices/{s.invoice.pk}/cancel/",
        allowed=s.world.staff_a,
        refused=s.world.user_a,
        data={"reason": "誤り"},
    ),
    "usage_report.submit": lambda s: Verb(  # staff read the report, and may not write it
        may=lambda user: usage_report_selectors.may_submit(user, s.used),
        act=lambda actor: usage_report_services.submit_usage_report(
            actor=actor, booking=s.used, summary="観察した", outcome="other"
        ),
        page=f"/usage-reports/{s.used.pk}/",
        offered='name="summary"',
        post=f"/usage-reports/{s.used.pk}/",
        allowed=s.world.user_a,
        refused=s.world.staff_a,
        data={"summary": "観察した", "outcome": "other"},
    ),
}


@pytest.mark.parametrize("name", sorted(VERBS))
def test_whom_a_verbs_predicate_refuses_the_service_refuses_and_the_page_does_not_offer_it(name, scene, client):
    verb = VERBS[name](scene)
    assert verb.may(verb.allowed) and not verb.may(verb.refused)

    client.force_login(verb.allowed)
    page = client.get(verb.page)
    assert page.status_code == 200 and verb.offered in page.content.decode()  # offered to whom it allows

    with pytest.raises(PermissionDenied) as refused:
        verb.act(verb.refused)
    assert refused.value.status == 403

    client.force_login(verb.refused)
    page = client.get(verb.page)
    assert page.status_code in (200, 403, 404)
    assert verb.offered not in page.content.decode()
    posted = client.post(verb.post, verb.data)
    # The pages' refusal policy: a refused permission is a 403 page; a page that is not theirs stays a 404.
    assert posted.status_code == (404 if page.status_code == 404 else 403), posted.content.decode()[:500]


def test_the_walk_names_every_predicate():
    """A new `may_*` predicate of an app gets a case above."""
    modules = {
        "bookings": booking_selectors,
        "consultations": consultation_selectors,
        "equipment": equipment_selectors,
        "invoices": invoice_selectors,
        "usage_reports": usage_report_selectors,
        "staffing": staffing_selectors,
    }
    predicates = {f"{app}.{name}" for app, module in modules.items() for name in dir(module) if name.startswith("may_")}
    walked = {
        "bookings.may_decide",
        "bookings.may_record_use",
        "bookings.may_answer_proposal",
        "bookings.may_cancel",
        "equipment.may_book",
        "equipment.may_manage_instruments",
        "consultations.may_refer",
        "consultations.may_write",
        "consultations.may_close",
        "consultations.may_book",
        "consultations.may_ask",
        "consultations.may_keep_expert_entry",
        "invoices.may_invoice",
        "usage_reports.may_submit",
        "staffing.may_enrol_operator",
        "staffing.may_update_operator",
        "staffing.may_change_consent",
        "staffing.may_set_working_hours",
        "staffing.may_propose_agreement",
        "staffing.may_confirm_agreement",
        "staffing.may_end_agreement",
        "staffing.may_manage_absences",
    }
    # may_be_qualified is walked by tests/equipment/test_qualifications.py (it is read by a service, not a page).
    assert predicates - {"equipment.may_be_qualified"} == walked
