"""Every service verb acts on the row as it is now, never on the caller's copy (DESIGN habit 14).

Each case loads a copy of a row, lets another verb (or the admin) commit a change to that row, then calls the
verb on the stale copy: the committed change survives, and the verb refuses exactly as it would on a fresh
copy. The last test checks that every public function of every app's services.py has a case here or a
reason why it takes no copy that could be stale, so a new verb cannot be added without deciding.

To add a verb: write a function taking the `scene` and decorate it with `@stale(the_verb)`.
"""

import importlib
import inspect
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from backend.errors import DomainError
from bookings import disruptions, pricing
from bookings import services as booking_services
from bookings.models import Booking
from consortia import selectors as consortia_selectors
from consortia import services as consortia_services
from consortia.models import ApiToken, Institution, User
from consultations import services as consultation_services
from consultations.models import Consultation, ConsultationBooking, Message, Referral
from equipment import selectors as equipment_selectors
from equipment import services as equipment_services
from equipment.models import Category, Downtime, Instrument, Photo, Qualification, Rate
from invoices import services as invoice_services
from invoices.models import Invoice
from tests.bookings.conftest import at, working_day
from tests.equipment.helpers import image_bytes, upload
from tests.factories import UserFactory, give_role, make_operator
from tests.invoices.conftest import completed
from usage_reports import services as usage_report_services

pytestmark = pytest.mark.django_db

CASES: list = []


def stale(verb):
    """Register a stale-copy case of `verb`."""

    def register(case):
        CASES.append(pytest.param(verb, case, id=f"{verb.__module__.split('.')[0]}.{verb.__name__}:{case.__name__}"))
        return case

    return register


def copy_of(obj):
    """A fresh copy of the row now; once another verb commits, it is the stale one."""
    return type(obj).objects.get(pk=obj.pk)


def refused(excinfo, *, status: int, code: str | None = None) -> None:
    assert excinfo.value.status == status, excinfo.value.as_dict()
    if code is not None:
        assert excinfo.value.code == code, excinfo.value.as_dict()


@pytest.fixture
def scene(world, sem, day):
    coordinator = UserFactory(username="coordinator")
    give_role(coordinator, "coordinator", consortium=world.hokkaido)

    def request(start=10, end=12, on=None):
        when = on or day
        return booking_services.request_booking(
            actor=world.user_a, instrument=sem, start=at(when, start), end=at(when, end), mode="assisted"
        )

    def propose(booking, start, end, on=None):
        when = on or day
        return booking_services.propose(
            actor=world.staff_a, booking=copy_of(booking), start=at(when, start), end=at(when, end)
        )

    def consultation():
        return consultation_services.submit_consultation(
            actor=world.user_a, title="破断面の観察", description="樹脂の破断面を観察したい"
        )

    return SimpleNamespace(
        w=world, sem=sem, day=day, request=request, propose=propose, consultation=consultation, coordinator=coordinator
    )


# --- bookings ---------------------------------------------------------------------------------------------------
@stale(booking_services.propose)
def propose_after_the_requester_cancelled(s):
    booking = s.request()
    stale_copy = copy_of(booking)
    booking_services.cancel(actor=s.w.user_a, booking=copy_of(booking))
    with pytest.raises(DomainError) as excinfo:
        booking_services.propose(actor=s.w.staff_a, booking=stale_copy, start=at(s.day, 14), end=at(s.day, 16))
    refused(excinfo, status=409)
    assert copy_of(booking).status == Booking.Status.CANCELLED and copy_of(booking).start == at(s.day, 10)


@stale(booking_services.approve)
def approve_after_a_counter_proposal(s):
    booking = s.request()
    stale_copy = copy_of(booking)
    s.propose(booking, 14, 15)
    with pytest.raises(DomainError) as excinfo:
        booking_services.approve(actor=s.w.staff_a, booking=stale_copy)
    refused(excinfo, status=409, code="awaiting_requester")
    assert copy_of(booking).status == Booking.Status.PENDING and copy_of(booking).proposal_pending


@stale(booking_services.reject)
def reject_after_the_requester_cancelled(s):
    booking = s.request()
    stale_copy = copy_of(booking)
    booking_services.cancel(actor=s.w.user_a, booking=copy_of(booking))
    with pytest.raises(DomainError) as excinfo:
        booking_services.reject(actor=s.w.staff_a, booking=stale_copy, reason="装置故障")
    refused(excinfo, status=409)
    assert copy_of(booking).status == Booking.Status.CANCELLED and copy_of(booking).decision_reason == ""


@stale(booking_services.accept_proposal)
def accept_after_a_second_proposal_prices_the_slot_proposed_now(s):
    booking = s.request()
    s.propose(booking, 14, 15)
    stale_copy = copy_of(booking)  # the one-hour proposal
    s.propose(booking, 13, 17)  # staff think again: four hours
    accepted = booking_services.accept_proposal(actor=s.w.user_a, booking=stale_copy)
    current = copy_of(booking)
    assert current.status == Booking.Status.APPROVED and current.start == at(s.day, 13)
    assert current.quote == pricing.current_quote(current) and accepted.quote == current.quote


@stale(booking_services.accept_proposal)
def accept_after_the_requester_cancelled(s):
    booking = s.request()
    s.propose(booking, 14, 15)
    stale_copy = copy_of(booking)
    booking_services.cancel(actor=s.w.user_a, booking=copy_of(booking))
    with pytest.raises(DomainError) as excinfo:
        booking_services.accept_proposal(actor=s.w.user_a, booking=stale_copy)
    refused(excinfo, status=409)
    assert copy_of(booking).status == Booking.Status.CANCELLED


@stale(booking_services.decline_proposal)
def decline_after_accepting(s):
    booking = s.request()
    s.propose(booking, 14, 15)
    stale_copy = copy_of(booking)
    booking_services.accept_proposal(actor=s.w.user_a, booking=copy_of(booking))
    with pytest.raises(DomainError) as excinfo:
        booking_services.decline_proposal(actor=s.w.user_a, booking=stale_copy)
    refused(excinfo, status=409)
    assert copy_of(booking).status == Booking.Status.APPROVED


@stale(booking_services.cancel)
def cancel_keeps_the_deadline_of_the_slot_proposed_meanwhile(s):
    booking = s.request(on=working_day(21))
    stale_copy = copy_of(booking)  # weeks ahead: free to cancel
    s.propose(booking, 14, 16)  # staff move it to the earlier day
    with pytest.raises(DomainError) as excinfo:
        booking_services.cancel(actor=s.w.user_a, booking=stale_copy, now=at(s.day, 9))
    refused(excinfo, status=400, code="cancellation_deadline_passed")
    assert copy_of(booking).status == Booking.Status.PENDING and copy_of(booking).start == at(s.day, 14)


@stale(booking_services.complete)
def complete_after_staff_cancelled(s):
    booking = booking_services.approve(actor=s.w.staff_a, booking=s.request())
    stale_copy = copy_of(booking)
    booking_services.cancel(actor=s.w.staff_a, booking=copy_of(booking), reason="装置故障")
    with pytest.raises(DomainError) as excinfo:
        booking_services.complete(
            actor=s.w.staff_a,
            booking=stale_copy,
            actual_start=at(s.day, 10),
            actual_end=at(s.day, 12),
            now=at(s.day, 13),
        )
    refused(excinfo, status=409)
    assert copy_of(booking).status == Booking.Status.CANCELLED and copy_of(booking).actual_start is None


@stale(booking_services.mark_no_show)
def no_show_after_the_use_was_recorded(s):
    booking = booking_services.approve(actor=s.w.staff_a, booking=s.request())
    stale_copy = copy_of(booking)
    booking_services.complete(
        actor=s.w.staff_a,
        booking=copy_of(booking),
        actual_start=at(s.day, 10),
        actual_end=at(s.day, 12),
        now=at(s.day, 13),
    )
    with pytest.raises(DomainError) as excinfo:
        booking_services.mark_no_show(actor=s.w.staff_a, booking=stale_copy, now=at(s.day, 13))
    refused(excinfo, status=409)
    assert copy_of(booking).status == Booking.Status.COMPLETED


@stale(booking_services.reassign_operator)
def reassign_after_the_booking_was_cancelled(s):
    second = make_operator([s.w.sem], user=UserFactory(username="second_operator"))
    booking = booking_services.approve(actor=s.w.staff_a, booking=s.request())
    stale_copy = copy_of(booking)  # approved, staff_a assigned
    booking_services.cancel(actor=s.w.staff_a, booking=copy_of(booking), reason="装置の都合")
    with pytest.raises(DomainError) as excinfo:
        booking_services.reassign_operator(actor=s.w.staff_a, booking=stale_copy, operator_id=second.id)
    refused(excinfo, status=409, code="invalid_transition")
    assert copy_of(booking).status == Booking.Status.CANCELLED
    assert not booking.assignments.filter(released_at__isnull=True).exists()


@stale(booking_services.set_consumables)
def consumables_after_a_counter_proposal_price_the_slot_proposed_now(s):
    booking = s.request()
    stale_copy = copy_of(booking)  # two hours
    s.propose(booking, 14, 15)  # one hour
    items = [{"label": "液体窒素", "quantity": 2, "unit_price_jpy": 300}]
    booking_services.set_consumables(actor=s.w.staff_a, booking=stale_copy, consumables=items)
    current = copy_of(booking)
    assert current.consumables == items and current.start == at(s.day, 14) and current.proposal_pending
    assert current.quote == pricing.current_quote(current)


@stale(booking_services.set_consumables)
def consumables_after_approval(s):
    booking = s.request()
    stale_copy = copy_of(booking)
    booking_services.approve(actor=s.w.staff_a, booking=copy_of(booking))
    with pytest.raises(DomainError) as excinfo:
        booking_services.set_consumables(
            actor=s.w.staff_a, booking=stale_copy, consumables=[{"label": "x", "quantity": 1, "unit_price_jpy": 1}]
        )
    refused(excinfo, status=409)
    assert copy_of(booking).consumables == []


@stale(booking_services.preview_request)
def preview_on_an_instrument_retired_meanwhile(s):
    stale_copy = copy_of(s.sem)
    equipment_services.retire_instrument(actor=s.w.staff_a, instrument=copy_of(s.sem))
    with pytest.raises(DomainError) as excinfo:
        booking_services.preview_request(
            actor=s.w.user_a, instrument=stale_copy, start=at(s.day, 10), end=at(s.day, 12), mode="assisted"
        )
    refused(excinfo, status=400, code="instrument_unavailable")


@stale(booking_services.request_booking)
def request_on_an_instrument_retired_meanwhile(s):
    stale_copy = copy_of(s.sem)
    equipment_services.retire_instrument(actor=s.w.staff_a, instrument=copy_of(s.sem))
    with pytest.raises(DomainError) as excinfo:
        booking_services.request_booking(
            actor=s.w.user_a, instrument=stale_copy, start=at(s.day, 10), end=at(s.day, 12), mode="assisted"
        )
    refused(excinfo, status=400, code="instrument_unavailable")
    assert not Booking.objects.exists()


# --- equipment --------------------------------------------------------------------------------------------------
@stale(equipment_services.create_instrument)
def create_with_a_category_whose_keywords_changed_meanwhile(s):
    category = Category.objects.create(name="原子間力顕微鏡", code="afm", keywords="表面粗さ")
    stale_copy = copy_of(category)
    Category.objects.filter(pk=category.pk).update(keywords="表面形状 ナノ凹凸")  # the admin edits the words
    instrument = equipment_services.create_instrument(
        actor=s.w.staff_a, institution=s.w.inst_a, category=stale_copy, name="AFM 5500"
    )
    assert list(equipment_selectors.instrument_list(q="ナノ凹凸")) == [instrument]
    assert list(equipment_selectors.instrument_list(q="表面粗さ")) == []


@stale(equipment_services.update_instrument)
def an_edit_from_a_stale_copy_keeps_what_another_edit_changed(s):
    stale_copy = copy_of(s.sem)
    equipment_services.update_instrument(actor=s.w.staff_a, instrument=copy_of(s.sem), maker="日立ハイテク")
    equipment_services.update_instrument(actor=s.w.staff_a, instrument=stale_copy, location="本館 B101")
    current = copy_of(s.sem)
    assert (current.maker, current.location) == ("日立ハイテク", "本館 B101")
    assert list(equipment_selectors.instrument_list(q="日立ハイテク B101")) == [current]


@stale(equipment_services.retire_instrument)
def retire_keeps_the_name_given_meanwhile_and_its_search_text(s):
    stale_copy = copy_of(s.sem)
    equipment_services.update_instrument(actor=s.w.staff_a, instrument=copy_of(s.sem), name="走査電子顕微鏡 新館")
    equipment_services.retire_instrument(actor=s.w.staff_a, instrument=stale_copy)
    current = copy_of(s.sem)
    assert current.status == Instrument.Status.RETIRED and current.name == "走査電子顕微鏡 新館"
    assert list(equipment_selectors.instrument_list(q="新館", include_retired=True)) == [current]


@stale(equipment_services.delete_rate)
def delete_a_rate_the_admin_put_in_force_meanwhile(s):
    rate = equipment_services.add_rate(
        actor=s.w.staff_a,
        instrument=s.sem,
        user_category="sme",
        mode="self",
        amount_jpy=5000,
        valid_from=timezone.localdate() + timedelta(days=30),
    )
    stale_copy = copy_of(rate)
    Rate.objects.filter(pk=rate.pk).update(valid_from=timezone.localdate())  # the admin corrects the date
    with pytest.raises(DomainError) as excinfo:
        equipment_services.delete_rate(actor=s.w.staff_a, rate=stale_copy)
    refused(excinfo, status=409, code="rate_in_force")
    assert Rate.objects.filter(pk=rate.pk).exists()


@stale(equipment_services.delete_photo)
def delete_a_photo_deleted_meanwhile(s):
    photo = equipment_services.upload_photo(actor=s.w.staff_a, instrument=s.sem, upload=upload("p.jpg", image_bytes()))
    stale_copy = copy_of(photo)
    equipment_services.delete_photo(actor=s.w.staff_a, photo=copy_of(photo))
    with pytest.raises(DomainError) as excinfo:
        equipment_services.delete_photo(actor=s.w.staff_a, photo=stale_copy)
    refused(excinfo, status=404)
    assert not Photo.objects.exists()


@stale(equipment_services.delete_downtime)
def delete_a_downtime_deleted_meanwhile(s):
    downtime = equipment_services.add_downtime(
        actor=s.w.staff_a, instrument=s.sem, start=at(s.day, 9), end=at(s.day, 12)
    )
    stale_copy = copy_of(downtime)
    equipment_services.delete_downtime(actor=s.w.staff_a, downtime=copy_of(downtime))
    with pytest.raises(DomainError) as excinfo:
        equipment_services.delete_downtime(actor=s.w.staff_a, downtime=stale_copy)
    refused(excinfo, status=404)
    assert not Downtime.objects.exists()


@stale(equipment_services.revoke_qualification)
def revoke_a_grant_renewed_meanwhile_keeps_its_revocation_time(s):
    first = equipment_services.grant_qualification(actor=s.w.staff_a, instrument=s.sem, user=s.w.user_a)
    stale_copy = copy_of(first)
    equipment_services.grant_qualification(actor=s.w.staff_a, instrument=s.sem, user=s.w.user_a)  # renewed
    revoked_at = copy_of(first).revoked_at
    equipment_services.revoke_qualification(actor=s.w.staff_a, qualification=stale_copy)
    assert copy_of(first).revoked_at == revoked_at
    assert Qualification.objects.filter(instrument=s.sem, user=s.w.user_a, revoked_at__isnull=True).count() == 1


# --- consortia --------------------------------------------------------------------------------------------------
@stale(consortia_services.update_consortium)
def a_consortium_edit_from_a_stale_copy_keeps_another_edit(s):
    secretariat = s.w.secretariat
    stale_copy = copy_of(s.w.hokkaido)
    consortia_services.update_consortium(actor=secretariat, consortium=copy_of(s.w.hokkaido), region="道央")
    consortia_services.update_consortium(actor=secretariat, consortium=stale_copy, description="道内の公設試と大学")
    current = copy_of(s.w.hokkaido)
    assert (current.region, current.description) == ("道央", "道内の公設試と大学")


@stale(consortia_services.update_company)
def a_company_edit_from_a_stale_copy_keeps_another_edit(s):
    stale_copy = copy_of(s.w.company_a)
    consortia_services.update_company(actor=s.w.user_a, company=copy_of(s.w.company_a), industry="樹脂成形")
    consortia_services.update_company(actor=s.w.user_a, company=stale_copy, address="札幌市中央区")
    current = copy_of(s.w.company_a)
    assert (current.industry, current.address) == ("樹脂成形", "札幌市中央区")


@stale(consortia_services.update_profile)
def a_profile_edit_from_a_stale_copy_keeps_another_edit(s):
    stale_copy = copy_of(s.w.user_a)
    consortia_services.update_profile(actor=copy_of(s.w.user_a), email="new@example.jp")
    consortia_services.update_profile(actor=stale_copy, last_name="佐藤")
    current = copy_of(s.w.user_a)
    assert (current.email, current.last_name) == ("new@example.jp", "佐藤")


@stale(consortia_services.update_profile)
def an_empty_profile_edit_from_a_stale_copy_changes_nothing(s):
    stale_copy = copy_of(s.w.user_a)
    consortia_services.update_profile(actor=copy_of(s.w.user_a), email="new@example.jp")
    consortia_services.update_profile(actor=stale_copy)
    assert copy_of(s.w.user_a).email == "new@example.jp"


@stale(consortia_services.issue_api_token)
def no_token_for_a_user_deactivated_meanwhile(s):
    stale_copy = copy_of(s.w.user_a)
    User.objects.filter(pk=s.w.user_a.pk).update(is_active=False)  # a site operator, in the admin
    with pytest.raises(DomainError) as excinfo:
        consortia_services.issue_api_token(user=stale_copy)
    refused(excinfo, status=403, code="inactive_user")
    assert not ApiToken.objects.filter(user=s.w.user_a).exists()


@stale(consortia_services.deactivate_user)
def an_account_closed_meanwhile_is_not_closed_again_from_a_stale_copy(s):
    stale_copy = copy_of(s.w.user_b)
    consortia_services.deactivate_user(actor=copy_of(s.w.user_b), user=copy_of(s.w.user_b))
    admin = UserFactory(is_superuser=True)
    with pytest.raises(DomainError) as excinfo:
        consortia_services.deactivate_user(actor=admin, user=stale_copy)
    refused(excinfo, status=409, code="already_deactivated")
    assert copy_of(s.w.user_b).username.startswith("deactivated-")  # the stale copy's username did not come back


@stale(consortia_services.update_fee_policy)
def a_fee_policy_edit_keeps_the_institutions_name_given_meanwhile(s):
    stale_copy = copy_of(s.w.inst_a)
    Institution.objects.filter(pk=s.w.inst_a.pk).update(name="道総研 工業試験場")  # the admin renames it
    consortia_services.update_fee_policy(
        actor=s.w.staff_a, institution=stale_copy, registration_number="T8000020130001"
    )
    current = copy_of(s.w.inst_a)
    assert (current.name, current.registration_number) == ("道総研 工業試験場", "T8000020130001")


@stale(consortia_services.update_institution_details)
def a_billing_edit_keeps_the_account_and_name_given_meanwhile(s):
    stale_copy = copy_of(s.w.inst_a)
    Institution.objects.filter(pk=s.w.inst_a.pk).update(name="道総研 工業試験場")
    account = {"bank_name": "北洋銀行", "bank_branch": "本店営業部", "account_type": "ordinary"}
    consortia_services.update_institution_details(
        actor=s.w.staff_a,
        institution=copy_of(s.w.inst_a),
        **account,
        account_number="0123456",
        account_holder="ホクセイ",
    )
    consortia_services.update_institution_details(actor=s.w.staff_a, institution=stale_copy, quotation_valid_days=60)
    current = copy_of(s.w.inst_a)
    billing = consortia_selectors.billing_details_of(current)
    assert current.name == "道総研 工業試験場" and billing.account_number == "0123456"
    assert billing.quotation_valid_days == 60


# --- consultations ----------------------------------------------------------------------------------------------
@stale(consultation_services.refer)
def refer_to_an_expert_who_left_the_directory_meanwhile(s):
    profile = consultation_services.save_expert_profile(actor=s.w.staff_a, listed=True, instruments=[s.sem])
    stale_copy = copy_of(profile)
    consultation_services.save_expert_profile(actor=s.w.staff_a, listed=False)
    consultation = s.consultation()
    with pytest.raises(DomainError) as excinfo:
        consultation_services.refer(
            actor=s.coordinator,
            consultation=consultation,
            institution=s.w.inst_a,
            note="鈴木さんへ",
            experts=[stale_copy],
        )
    refused(excinfo, status=400, code="expert_not_at_institution")
    assert not Referral.objects.exists()


@stale(consultation_services.refer)
def refer_to_an_instrument_retired_meanwhile(s):
    stale_copy = copy_of(s.sem)
    equipment_services.retire_instrument(actor=s.w.staff_a, instrument=copy_of(s.sem))
    consultation = s.consultation()
    with pytest.raises(DomainError) as excinfo:
        consultation_services.refer(
            actor=s.coordinator,
            consultation=consultation,
            institution=s.w.inst_a,
            note="SEMで",
            instruments=[stale_copy],
        )
    refused(excinfo, status=400, code="instrument_not_at_institution")
    assert not Referral.objects.exists()


@stale(consultation_services.post_message)
def post_to_a_consultation_closed_meanwhile(s):
    consultation = s.consultation()
    stale_copy = copy_of(consultation)
    consultation_services.close(actor=s.w.user_a, consultation=copy_of(consultation), outcome="resolved")
    with pytest.raises(DomainError) as excinfo:
        consultation_services.post_message(actor=s.w.user_a, consultation=stale_copy, body="追加の質問です")
    refused(excinfo, status=409)
    assert not Message.objects.exists()


@stale(consultation_services.close)
def close_a_consultation_closed_meanwhile(s):
    consultation = s.consultation()
    stale_copy = copy_of(consultation)
    consultation_services.close(actor=s.w.user_a, consultation=copy_of(consultation), outcome="resolved")
    with pytest.raises(DomainError) as excinfo:
        consultation_services.close(actor=s.coordinator, consultation=stale_copy, outcome="no_match")
    refused(excinfo, status=409)
    assert copy_of(consultation).outcome == Consultation.Outcome.RESOLVED


@stale(consultation_services.request_booking_from)
def book_from_a_consultation_an_instrument_retired_meanwhile(s):
    consultation = s.consultation()
    stale_copy = copy_of(s.sem)
    equipment_services.retire_instrument(actor=s.w.staff_a, instrument=copy_of(s.sem))
    with pytest.raises(DomainError) as excinfo:
        consultation_services.request_booking_from(
            actor=s.w.user_a,
            consultation=consultation,
            instrument=stale_copy,
            start=at(s.day, 10),
            end=at(s.day, 12),
            mode="assisted",
        )
    refused(excinfo, status=400, code="instrument_unavailable")
    assert not Booking.objects.exists()


@stale(consultation_services.link_booking)
def link_a_booking_linked_meanwhile(s):
    consultation, other = s.consultation(), s.consultation()
    booking = s.request()
    stale_copy = copy_of(booking)
    consultation_services.link_booking(actor=s.w.user_a, consultation=other, booking=copy_of(booking))
    with pytest.raises(DomainError) as excinfo:
        consultation_services.link_booking(actor=s.w.user_a, consultation=consultation, booking=stale_copy)
    refused(excinfo, status=409, code="booking_already_linked")
    assert ConsultationBooking.objects.get(booking=booking).consultation == other


# --- invoices and usage reports ---------------------------------------------------------------------------------
def _invoiced_october(s) -> Invoice:
    Institution.objects.filter(pk=s.w.inst_a.pk).update(registration_number="T8000020130001")
    completed(s.sem, requester=s.w.user_a, company=s.w.company_a, day=date(2025, 10, 6), start=time(10), minutes=60)
    [invoice] = invoice_services.issue_invoices(
        actor=s.w.staff_a, institution=s.w.inst_a, month=date(2025, 10, 1), today=date(2025, 11, 5)
    )
    return invoice


@stale(invoice_services.issue_invoices)
def issue_with_an_institution_registered_meanwhile(s):
    stale_copy = copy_of(s.w.inst_a)  # no registration number yet
    completed(s.sem, requester=s.w.user_a, company=s.w.company_a, day=date(2025, 10, 6), start=time(10), minutes=60)
    consortia_services.update_fee_policy(
        actor=s.w.staff_a, institution=copy_of(s.w.inst_a), registration_number="T8000020130001"
    )
    [invoice] = invoice_services.issue_invoices(
        actor=s.w.staff_a, institution=stale_copy, month=date(2025, 10, 1), today=date(2025, 11, 5)
    )
    assert invoice.registration_number == "T8000020130001"


@stale(invoice_services.cancel_invoice)
def cancel_an_invoice_cancelled_meanwhile(s):
    invoice = _invoiced_october(s)
    stale_copy = copy_of(invoice)
    invoice_services.cancel_invoice(actor=s.w.staff_a, invoice=copy_of(invoice), reason="宛名の誤り", reissue=False)
    with pytest.raises(DomainError) as excinfo:
        invoice_services.cancel_invoice(actor=s.w.staff_a, invoice=stale_copy, reason="金額の誤り")
    refused(excinfo, status=409)
    assert copy_of(invoice).cancel_reason == "宛名の誤り" and Invoice.objects.count() == 1


@stale(usage_report_services.submit_usage_report)
def report_on_a_booking_completed_meanwhile(s):
    past = timezone.localdate() - timedelta(days=3)
    booking = completed(
        s.sem, requester=s.w.user_a, company=s.w.company_a, day=past, start=time(10), minutes=60, status="approved"
    )
    stale_copy = copy_of(booking)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.COMPLETED)  # as `complete` leaves it
    report, created = usage_report_services.submit_usage_report(
        actor=s.w.user_a, booking=stale_copy, summary="破断面を観察した", outcome="troubleshooting"
    )
    assert created and report.booking_id == booking.pk


@pytest.mark.parametrize("verb, case", CASES)
def test_a_verb_called_on_a_stale_copy_acts_on_the_row_as_it_is_now(verb, case, scene):
    case(scene)


# --- bookings.disruptions: a choice made on a booking as it was; a change on an instrument copy as it was -------------
def keep_as_seen(booking):
    """The choice "keep", made when the booking had the sequence it has in `booking`."""
    return [disruptions.Resolution(booking.id, "keep", sequence=booking.sequence)]


@stale(disruptions.add_downtime)
def add_downtime_keeping_a_booking_moved_meanwhile(s):
    booking = s.request()
    seen = copy_of(booking)
    s.propose(booking, 13, 15)  # the booking moved after the page showed it, still under the downtime
    with pytest.raises(DomainError) as excinfo:
        disruptions.add_downtime(
            actor=s.w.staff_a, instrument=s.sem, start=at(s.day, 9), end=at(s.day, 17), resolutions=keep_as_seen(seen)
        )
    refused(excinfo, status=409, code="booking_changed")
    assert not Downtime.objects.exists() and copy_of(booking).start == at(s.day, 13)


ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:m-1\r\n"
    "DTSTART;TZID=Asia/Tokyo:{day}T090000\r\nDTEND;TZID=Asia/Tokyo:{day}T170000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@stale(disruptions.import_downtimes)
def import_downtimes_keeping_a_booking_moved_meanwhile(s):
    booking = s.request()
    seen = copy_of(booking)
    s.propose(booking, 13, 15)
    file = upload("m.ics", ICS.format(day=f"{s.day:%Y%m%d}").encode())
    with pytest.raises(DomainError) as excinfo:
        disruptions.import_downtimes(actor=s.w.staff_a, instrument=s.sem, upload=file, resolutions=keep_as_seen(seen))
    refused(excinfo, status=409, code="booking_changed")
    assert not Downtime.objects.exists()


@stale(disruptions.set_opening_hours)
def set_opening_hours_on_a_copy_renamed_meanwhile(s):
    booking = s.request(start=14, end=15)
    stale_copy = copy_of(s.sem)
    equipment_services.update_instrument(actor=s.w.staff_a, instrument=copy_of(s.sem), name="走査電子顕微鏡 新館")
    mornings = [{"weekday": d, "opens": time(9), "closes": time(12)} for d in range(5)]
    disruptions.set_opening_hours(
        actor=s.w.staff_a, instrument=stale_copy, opening_hours=mornings, resolutions=keep_as_seen(booking)
    )
    assert copy_of(s.sem).name == "走査電子顕微鏡 新館" and copy_of(s.sem).opening_hours.count() == 5


@stale(disruptions.retire_instrument)
def retire_through_disruptions_a_copy_renamed_meanwhile(s):
    booking = s.request()
    stale_copy = copy_of(s.sem)
    equipment_services.update_instrument(actor=s.w.staff_a, instrument=copy_of(s.sem), name="走査電子顕微鏡 新館")
    disruptions.retire_instrument(actor=s.w.staff_a, instrument=stale_copy, resolutions=keep_as_seen(booking))
    assert copy_of(s.sem).name == "走査電子顕微鏡 新館" and copy_of(s.sem).status == Instrument.Status.RETIRED


# --- Every public function has a case, or a reason it takes no copy that could be stale --------------------------
NO_STALE_COPY = {
    # Checks and pure helpers: they change nothing.
    "bookings.disruptions.affected_row": "pure",
    "bookings.disruptions.parse_resolutions": "pure",
    "equipment.services.ensure_can_manage": "a permission check on an id",
    "consortia.services.ensure_site_admin": "a permission check on the actor",
    "notifications.services.backoff": "pure",
    "notifications.services.render": "pure",
    "reports.services.report_url": "pure",
    "reports.services.failure_notice": "pure",
    "consultations.services.preview_suggestions": "reads only, stores nothing",
    "bookings.services.cannot_book_refusal": "builds a refusal, stores nothing",
    "bookings.services.ensure_may_decide": "raises a predicate of the booking's instrument, stores nothing",
    # They take ids (or nothing) and claim each row by a conditional update or a unique key.
    "bookings.services.expire_overdue": "claims each row by UPDATE … WHERE status = 'pending'",
    "bookings.services.send_reminders": "idempotent by outbox key",
    "bookings.services.send_digests": "idempotent by outbox key",
    "consultations.services.remind_unreferred": "claims each row by UPDATE … WHERE reminded_at IS NULL",
    "usage_reports.services.send_reminders": "idempotent by outbox key",
    "notifications.services.dispatch": "takes an id",
    "notifications.services.deliver": "claims the row by a conditional update",
    "notifications.services.drain": "claims each row by a conditional update",
    "notifications.services.requeue_stale": "UPDATE … WHERE status = 'sending' AND claimed_at < the bound",
    "reports.services.build_report": "claims the row by a conditional update",
    "reports.services.build_and_announce": "claims the announcement by a conditional update",
    "reports.services.schedule_monthly_reports": "get_or_create under a unique constraint",
    "reports.services.announce_report": "called with the row build_and_announce has just claimed; idempotent keys",
    # They create rows; what they read of the instances they are given never changes (ids, institution).
    "bookings.services.calendar_feed_of": "reads or creates the actor's feed inside the call",
    "bookings.services.rotate_calendar_feed": "reads the actor's feed inside the call",
    "notifications.services.notify": "creates a row under a unique key",
    "notifications.services.notify_new": "creates rows under unique keys",
    "notifications.services.notify_once": "creates a row under a unique key",
    "reports.services.request_report": "creates a row; reads the consortium's id only",
    "equipment.services.create_category": "creates a row",
    "equipment.services.add_rate": "creates a row; reads the instrument's id and institution only",
    "equipment.services.upload_manual": "creates a row; reads the instrument's id and institution only",
    "equipment.services.upload_photo": "creates a row; reads the instrument's id and institution only",
    "equipment.services.add_downtime": "creates a row; reads the instrument's id and institution only",
    "equipment.services.import_downtimes": "reads the instrument's downtimes inside the call",
    "equipment.services.import_ics": "the import verbs' shared step (import_downtimes, staffing.absences.import_absences), called after they lock and check; reads the rows inside the call",
    "equipment.services.grant_qualification": "locks the current grant (select_for_update); looks the user up",
    "consortia.services.add_member_institution": "creates a row; the current membership is a query",
    "consortia.services.grant_role": "get_or_create",
    "consortia.services.revoke_role": "re-reads the role locked (select_for_update) inside the call",
    "consortia.services.accept_terms": "locks the user's row (lock_current) inside the call",
    "people.services.invite": "creates a row, or renews the open one it locks (select_for_update) inside the call",
    "people.services.resend_invitation": "re-reads the invitation locked by its id inside the call",
    "people.services.revoke_invitation": "re-reads the invitation locked by its id inside the call",
    "people.services.accept_invitation": "takes a key; locks the invitation it names inside the call",
    "people.services.accept_invitation_with_new_account": "takes a key; creates the account",
    "consortia.services.create_consortium": "creates a row",
    "consortia.services.create_institution": "creates a row",
    "consortia.services.create_user": "creates a row",
    "consortia.services.create_company": "creates a row",
    "registrations.services.register_company": "creates a row; the pending ones and the company are queries",
    "registrations.services.approve_registration": "takes an id: locks the row (select_for_update), acts if pending",
    "registrations.services.refuse_registration": "takes an id: locks the row (select_for_update), acts if pending",
    "registrations.services.withdraw_registration": "takes an id: locks the row (select_for_update), acts if pending",
    "registrations.services.approve_join_request": "takes an id: locks the row (select_for_update), acts if pending",
    "registrations.services.refuse_join_request": "takes an id: locks the row (select_for_update), acts if pending",
    "registrations.services.withdraw_join_request": "takes an id: locks the row (select_for_update), acts if pending",
    "registrations.services.set_registration_policy": "locks the consortium's policy row inside the call",
    "consultations.services.submit_consultation": "creates a row",
    "consultations.services.save_expert_profile": "takes no profile: locks the actor's own inside the call",
    "consortia.services.revoke_api_token": "one DELETE by id and owner",
    "consortia.services.revoke_api_tokens": "one DELETE by the user's id",
    "bookings.services.unverified_refusal": "reads whether the address is verified; writes nothing",
    "bookings.services.revoke_calendar_feed": "one DELETE by the user's id",
    "consultations.services.withdraw_expert_entry": "one UPDATE by the user's id",
    "consortia.services.record_api_token_use": "one UPDATE by id of a last-used time, which only moves forward",
}

SERVICE_MODULES = [
    "people.services",
    "bookings.services",
    "bookings.disruptions",
    "equipment.services",
    "consortia.services",
    "consultations.services",
    "invoices.services",
    "usage_reports.services",
    "notifications.services",
    "reports.services",
    "registrations.services",
]


def public_functions(module_name: str) -> set[str]:
    module = importlib.import_module(module_name)
    return {
        f"{module_name}.{name}"
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module_name and not name.startswith("_")
    }


def test_every_public_service_function_has_a_stale_copy_case_or_a_reason_it_needs_none():
    covered = {f"{param.values[0].__module__}.{param.values[0].__name__}" for param in CASES}
    for module_name in SERVICE_MODULES:
        missing = public_functions(module_name) - covered - set(NO_STALE_COPY)
        assert not missing, f"add a @stale case (or a reason in NO_STALE_COPY) for {sorted(missing)}"
    assert not covered & set(NO_STALE_COPY)
    everything = set().union(*(public_functions(m) for m in SERVICE_MODULES))
    assert set(NO_STALE_COPY) <= everything, sorted(set(NO_STALE_COPY) - everything)  # no reason left for a gone verb
