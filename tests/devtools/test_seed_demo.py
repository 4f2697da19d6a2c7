"""seed_demo: the demo data set is complete, written through the services, and safe to run twice.

The command runs twice once for the whole module (it takes a few seconds), inside a transaction
that is rolled back afterwards; each test runs in a savepoint inside it.
"""

import io
import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone, translation

from backend.periods import Period
from backend.tokyo import TOKYO
from bookings.models import Assignment, Booking
from consortia.models import (
    BillingDetails,
    Company,
    Consortium,
    ConsortiumMembership,
    FeePolicy,
    Institution,
    Role,
    User,
)
from consortia.selectors import access_for
from consortia.validators import validate_corporate_number, validate_registration_number
from devtools.demo.upcoming import MARK as UPCOMING
from equipment.models import Category, Downtime, Instrument, Manual, OpeningHours, Photo, Qualification, Rate
from invoices.models import Invoice, InvoicedBooking
from reports.selectors import utilization
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing.models import Absence, LendingAgreement, Operator, WorkingHours
from usage_reports.models import UsageReport

PASSWORD = "pw-test-123"
MODELS = [
    Consortium,
    Institution,
    ConsortiumMembership,
    Company,
    User,
    Role,
    Category,
    Instrument,
    OpeningHours,
    Rate,
    Photo,
    Manual,
    Qualification,
    Downtime,
    Booking,
    FeePolicy,
    Invoice,
    UsageReport,
    Operator,
    WorkingHours,
    Absence,
    LendingAgreement,
    Assignment,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            first_out, second_out = io.StringIO(), io.StringIO()
            call_command("seed_demo", password=PASSWORD, stdout=first_out)
            first = counts()
            call_command("seed_demo", password=PASSWORD, stdout=second_out)
            yield SimpleNamespace(first=first, second=counts(), media=media, output=second_out.getvalue())
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_seed_creates_consortia_institutions_and_a_catalogue(seeded):
    assert seeded.first["Consortium"] >= 2
    assert seeded.first["Institution"] >= 8
    assert seeded.first["Instrument"] >= 40
    assert seeded.first["Category"] >= 14
    kinds = set(Institution.objects.values_list("kind", flat=True))
    assert kinds == {choice for choice, _label in Institution.Kind.choices}


def test_running_twice_creates_nothing_new(seeded):
    assert seeded.second == seeded.first


def test_one_institution_belongs_to_both_consortia(seeded):
    shared = [i for i in Institution.objects.all() if i.consortia.count() >= 2]
    assert len(shared) == 1
    today = timezone.localdate()
    assert all(m.joined_on < today for m in ConsortiumMembership.objects.all())


def test_every_instrument_has_a_photo_with_a_thumbnail_and_a_pdf_manual(seeded):
    instruments = Instrument.objects.prefetch_related("photos", "manuals")
    for instrument in instruments:
        photos = list(instrument.photos.all())
        assert photos, instrument
        for photo in photos:
            assert (photo.width, photo.height) == (800, 600)
            assert photo.thumbnail.name and (seeded.media / photo.thumbnail.name).is_file()
            assert (seeded.media / photo.image.name).is_file()
        manuals = list(instrument.manuals.all())
        assert manuals, instrument
        for manual in manuals:
            assert (seeded.media / manual.file.name).read_bytes()[:5] == b"%PDF-"
            assert manual.pages >= 1 and manual.language == "ja"
    assert Manual.objects.filter(version="1.1").exists()  # some instruments keep an older version


def test_instruments_have_consistent_booking_rules_hours_and_rates(seeded):
    for instrument in Instrument.objects.prefetch_related("rates", "opening_hours"):
        assert instrument.min_minutes <= instrument.max_minutes
        assert instrument.min_minutes % instrument.slot_minutes == 0
        assert instrument.max_minutes % instrument.slot_minutes == 0
        assert instrument.specs and instrument.location and instrument.maker and instrument.model
        assert instrument.opening_hours.all(), instrument
        by_key = {(r.user_category, r.mode): r.amount_jpy for r in instrument.rates.all()}
        for mode in instrument.modes:
            assert by_key[("large", mode)] > by_key[("sme", mode)] > by_key[("academic", mode)]
            assert by_key[("academic", mode)] >= by_key[("internal", mode)]
    assert Rate.objects.filter(unit=Rate.Unit.SAMPLE).exists()
    assert OpeningHours.objects.filter(weekday=5).exists()  # a few open on Saturday mornings


def test_companies_qualifications_and_downtime(seeded):
    for company in Company.objects.all():
        validate_corporate_number(company.corporate_number)
    company_user = User.objects.get(username="company")
    qualifications = Qualification.objects.filter(user=company_user, revoked_at__isnull=True)
    assert 1 <= qualifications.count() <= 2
    assert all(q.expires_on > timezone.localdate() and "self" in q.instrument.modes for q in qualifications)
    coming = Downtime.objects.filter(start__gt=timezone.now())
    assert coming.count() >= 2 and all(d.kind == Downtime.Kind.MAINTENANCE for d in coming)
    past = Downtime.objects.filter(end__lt=timezone.now())
    assert past.count() >= 3 and {d.kind for d in past} >= {"maintenance", "repair"}


def test_a_history_of_the_past_15_months_for_every_instrument(seeded):
    today = timezone.localdate()
    history = Booking.objects.exclude(purpose__startswith=UPCOMING)  # the demo's upcoming bookings are not history
    assert history.count() > 50 * Instrument.objects.count()
    assert set(history.values_list("instrument_id", flat=True)) == set(Instrument.objects.values_list("id", flat=True))
    first = min(history.values_list("start", flat=True)).astimezone(TOKYO).date()
    assert (today.year * 12 + today.month) - (first.year * 12 + first.month) == 15
    assert max(history.values_list("end", flat=True)) < timezone.now()
    statuses = dict(history.values_list("status").annotate(n=Count("id")))
    assert statuses["completed"] > 0.6 * history.count()
    assert {"rejected", "cancelled", "no_show", "expired"} <= set(statuses) and "pending" not in statuses
    assert set(history.values_list("company__size", flat=True)) == {"sme", "large", None}
    assert history.values("company").distinct().count() >= 7
    assert not history.filter(status="completed", actual_start__isnull=True).exists()
    assert all(b.created_at < b.decided_at < b.start for b in history.filter(decided_at__isnull=False)[:500])
    for downtime in Downtime.objects.filter(end__lt=timezone.now()):
        assert not history.filter(instrument=downtime.instrument, start__lt=downtime.end, end__gt=downtime.start)


def test_the_history_gives_every_consortium_a_meaningful_monthly_report(seeded):
    today = timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    for consortium in Consortium.objects.all():
        body = utilization(consortium=consortium, period=Period.month(last.year, last.month)).as_dict()
        assert 0.05 < body["totals"]["utilization_rate"] < 0.6, consortium
        assert body["totals"]["companies"] >= 3 and body["totals"]["revenue_jpy"] > 0
        for row in body["by_instrument"]:
            assert row["used_hours"] <= row["booked_hours"] + 1 <= row["available_hours"] + 1, row["label"]


def test_every_institution_has_a_fee_policy_and_a_registration_number(seeded):
    for institution in Institution.objects.select_related("fee_policy"):
        validate_registration_number(institution.registration_number)
        policy = institution.fee_policy
        assert policy.confidential_multiplier >= 1 and policy.outside_region_multiplier >= 1
    policies = FeePolicy.objects.all()
    assert policies.filter(confidential_multiplier=2, outside_region_multiplier=Decimal("1.5")).exists()
    assert policies.filter(large_company_multiplier=Decimal("1.3")).exists()
    assert policies.filter(large_company_multiplier__isnull=True).exists()
    assert policies.filter(staff_rate_jpy__gt=0).count() >= 8


def test_the_demo_institutions_billing_details_are_set_and_one_has_no_account(seeded):
    details = {b.institution.name: b for b in BillingDetails.objects.select_related("institution")}
    assert len(details) == Institution.objects.count()
    without = [name for name, b in details.items() if not b.has_payment_details]
    assert without == ["北海道ティー・エル・オー株式会社"]
    assert {b.payment_term for b in details.values()} == {"end_of_next_month", "days_after_issue"}
    assert all(b.contact_phone for b in details.values())


def test_last_months_use_is_invoiced_once_and_usage_reports_are_owed_and_submitted(seeded):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    invoices = Invoice.objects.filter(month=last_month, status="issued")
    assert invoices.count() >= 10
    for invoice in invoices[:20]:
        assert invoice.total_jpy == invoice.subtotal_jpy + invoice.tax_jpy > 0
    live = InvoicedBooking.objects.filter(live=True)
    assert live.count() == live.values("booking").distinct().count()
    company = User.objects.get(username="company")
    assert Invoice.objects.filter(company_id__in=access_for(company).member_of).exists()
    reports = UsageReport.objects.filter(company_id__in=access_for(company).member_of)
    assert reports.filter(on_time=True).exists() and reports.filter(on_time=False).exists()
    completed = Booking.objects.filter(status="completed", company__isnull=False, requester=company)
    assert completed.filter(usage_report__isnull=True).exists()  # something still owed or overdue


def test_researchers_book_only_at_fellow_members(seeded):
    researcher = User.objects.get(username="researcher")
    home = _one(access_for(researcher).researcher_of)
    fellows = set(
        ConsortiumMembership.objects.filter(
            consortium__in=ConsortiumMembership.objects.filter(institution_id=home).values("consortium")
        ).values_list("institution_id", flat=True)
    )
    booked_at = set(Booking.objects.filter(requester=researcher).values_list("instrument__institution", flat=True))
    assert booked_at and booked_at <= fellows


def test_the_logins_table_lists_every_demo_user(seeded):
    for username in (
        "admin",
        "secretariat",
        "secretariat2",
        "staff",
        "staff2",
        "company",
        "company2",
        "researcher",
        "coordinator",
    ):
        assert username in seeded.output
    assert PASSWORD in seeded.output


def test_every_thing_has_an_english_name_and_every_description_an_english_one(seeded):
    for model in (Consortium, Institution, Category, Instrument):
        assert not model.objects.filter(name_en="").exists(), model.__name__
    for model in (Consortium, Instrument):
        assert not model.objects.filter(description_en="").exists(), model.__name__
        assert all(re.fullmatch(r"[ -~µ–×]+", text) for text in model.objects.values_list("description_en", flat=True))
    assert all(re.fullmatch(r"[ -~]+", maker) for maker in Instrument.objects.values_list("maker", flat=True))


def test_every_person_has_readings_and_an_english_name(seeded):
    people = User.objects.exclude(username__startswith="bench-")
    assert not people.filter(Q(last_name_kana="") | Q(first_name_kana="")).exists()
    with translation.override("en"):
        assert User.objects.get(username="company").get_full_name() == "Yumi Watanabe"
        assert all(re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", person.get_full_name()) for person in people)
    with translation.override("ja"):
        assert User.objects.get(username="company").get_full_name() == "渡辺 由美"


def _one(ids) -> int:
    assert len(ids) == 1
    return next(iter(ids))


def _expect_admin(access, user):
    assert access.is_superuser and user.is_staff


def _expect_secretariat(slug):
    def check(access, user):
        assert access.secretariat_of == {Consortium.objects.get(slug=slug).id}

    return check


def _expect_coordinator(access, user):
    assert access.coordinator_of == {Consortium.objects.first().id}


def _expect_staff_in_both_consortia(access, user):
    institution = Institution.objects.get(id=_one(access.staff_of))
    assert institution.consortia.count() >= 2
    assert institution.instruments.count() >= 5


def _expect_other_staff(access, user):
    institution = Institution.objects.get(id=_one(access.staff_of))
    staff = User.objects.get(username="staff")
    assert institution.id not in access_for(staff).staff_of
    assert institution.instruments.exists()


def _expect_researcher(access, user):
    assert Institution.objects.get(id=_one(access.researcher_of)).kind == Institution.Kind.UNIVERSITY


def _expect_sme_admin(access, user):
    company = Company.objects.get(id=_one(access.admin_of))
    assert access.member_of == {company.id}
    assert company.size == Company.Size.SME
    assert company.prefecture in Consortium.objects.first().prefectures


def _expect_large_member(access, user):
    company = Company.objects.get(id=_one(access.member_of))
    assert not access.admin_of
    assert company.size == Company.Size.LARGE
    sme = Company.objects.get(id=_one(access_for(User.objects.get(username="company")).admin_of))
    assert company != sme


@pytest.mark.parametrize(
    "username, expect",
    [
        ("admin", _expect_admin),
        ("secretariat", _expect_secretariat("hokkaido")),
        ("secretariat2", _expect_secretariat("tama")),
        ("coordinator", _expect_coordinator),
        ("staff", _expect_staff_in_both_consortia),
        ("staff2", _expect_other_staff),
        ("researcher", _expect_researcher),
        ("company", _expect_sme_admin),
        ("company2", _expect_large_member),
    ],
)
def test_demo_user_logs_in_with_the_password_and_has_the_expected_role(seeded, username, expect):
    user = authenticate(username=username, password=PASSWORD)
    assert user is not None, username
    assert user.last_name and user.first_name and user.email.endswith("@example.jp")
    expect(access_for(user), user)


def test_every_home_page_has_something_to_show(seeded):
    """Upcoming pending and approved bookings, a counter-proposal waiting for `company`, an approved booking under a
    downtime and a past approved booking whose use staff can record, all made through the services but the last."""
    from bookings.selectors import in_conflict
    from home.selectors import home_of, waiting_counts

    upcoming = Booking.objects.filter(purpose__startswith=UPCOMING)
    now = timezone.now()
    assert upcoming.filter(status="pending", proposal_pending=False, start__gt=now).count() >= 3
    assert upcoming.filter(status="approved", start__gt=now).count() >= 2
    assert upcoming.filter(status="approved", end__lt=now).count() == 1
    assert in_conflict(upcoming).count() == 1
    company, staff = User.objects.get(username="company"), User.objects.get(username="staff")
    assert waiting_counts(company).proposals == 1 and waiting_counts(staff).to_decide >= 2
    counts = {s.key: s.count for s in home_of(staff)}
    assert counts["staff_conflicts"] == 1 and counts["overdue_completions"] == 1
    assert waiting_counts(User.objects.get(username="coordinator")).to_refer >= 1


def test_a_registration_waits_for_the_secretariat_and_a_join_request_for_the_company_admin(seeded):
    from registrations.selectors import join_requests_to_decide, registrations_to_decide

    secretariat, company = User.objects.get(username="secretariat"), User.objects.get(username="company")
    assert [r.name for r in registrations_to_decide(secretariat)] == ["小樽ガラス工芸株式会社"]
    assert [r.user.username for r in join_requests_to_decide(company)] == ["reg-ishikari"]
    assert not registrations_to_decide(User.objects.get(username="secretariat2")).exists()


# --- Operators (docs/operators.md) ---------------------------------------------------------------------------------


def test_every_institution_with_an_operated_instrument_has_an_operator_who_may_run_it(seeded):
    today = timezone.localdate()
    for instrument in Instrument.objects.all():
        operated = {"assisted", "commissioned"} & set(instrument.modes)
        candidates = staffing_selectors.candidates_for(instrument, today)
        assert bool(candidates) == bool(operated), instrument
    for operator in Operator.objects.all():
        assert operator.working_hours.exists(), operator
    demo_staff = {"staff", "staff2", "staff3", "staff4"}
    assert demo_staff <= set(Operator.objects.values_list("user__username", flat=True))
    # Operators without a demo login cannot log in.
    for operator in Operator.objects.exclude(user__username__in=demo_staff).select_related("user"):
        assert not operator.user.has_usable_password()


def test_one_lending_agreement_confirmed_by_both_institutions_of_one_consortium(seeded):
    (agreement,) = LendingAgreement.objects.select_related("consortium", "operator__user")
    assert agreement.confirmed and agreement.ended_at is None
    assert agreement.lender_confirmed_by.username == "staff3" and agreement.borrower_confirmed_by.username == "staff"
    members = set(agreement.consortium.institutions.values_list("id", flat=True))
    assert {agreement.lender_id, agreement.borrower_id} <= members
    assert agreement.operator.institution_id == agreement.lender_id
    instruments = list(agreement.instruments.all())
    assert 1 <= len(instruments) <= 2 and all(i.institution_id == agreement.borrower_id for i in instruments)
    today = timezone.localdate()
    lent = [c for i in instruments for c in staffing_selectors.candidates_for(i, today) if c.lent]
    assert [c.operator for c in lent] == [agreement.operator] * len(instruments)


def test_absences_a_leave_day_and_a_business_trip(seeded):
    kinds = set(Absence.objects.values_list("kind", flat=True))
    assert {Absence.Kind.LEAVE, Absence.Kind.TRIP} <= kinds
    assert Absence.objects.filter(start__gt=timezone.now()).exists()


def test_approved_operated_bookings_have_an_operator_and_self_operated_ones_none(seeded):
    approved = Booking.objects.filter(status="approved", mode__in=["assisted", "commissioned"])
    assert approved.exists()
    for booking in approved:
        assert booking.assignments.filter(released_at__isnull=True).count() == 1, booking.purpose
    assert not Assignment.objects.filter(booking__mode="self").exists()


def test_the_past_has_assignments_some_lent_so_contribution_figures_are_not_empty(seeded):
    past = Assignment.objects.filter(booking__status="completed", released_at__isnull=True)
    assert past.count() > 1000
    assert past.filter(agreement__isnull=False).exists()
    assert past.values("operator").distinct().count() == Operator.objects.count()


def test_assignments_obey_the_operators_rules(seeded):
    """Every assignment in force: the booking's operator hold, inside the operator's working hours, not while away,
    no two of one operator overlapping, the operator a candidate that day (a lent one under the agreement)."""
    assignments = list(
        Assignment.objects.filter(released_at__isnull=True).select_related("booking__instrument", "operator")
    )
    by_operator: dict[int, list] = {}
    for a in assignments:
        by_operator.setdefault(a.operator_id, []).append(a)
    start = min(a.hold_start for a in assignments) - timedelta(days=1)
    end = max(a.hold_end for a in assignments) + timedelta(days=1)
    times = staffing_selectors.time_of(list(by_operator), start, end)
    candidates: dict[int, dict] = {}
    today = timezone.localdate()
    for operator_id, held in by_operator.items():
        held.sort(key=lambda a: a.hold_start)
        for earlier, later in zip(held, held[1:], strict=False):
            assert earlier.hold_end <= later.hold_start, (earlier, later)
        for a in held:
            booking = a.booking
            instrument = booking.instrument
            before, after = staffing_rules.buffers(
                setup_minutes=instrument.setup_minutes,
                cleanup_minutes=instrument.cleanup_minutes,
                buffer_minutes=instrument.operator_buffer_minutes,
            )
            hold = staffing_rules.operator_hold(
                staffing_rules.Interval(booking.start, booking.end), before=before, after=after
            )
            assert (a.hold_start, a.hold_end) == (hold.start, hold.end)
            free = staffing_rules.free_time(
                staffing_rules.at_work(times[operator_id].weekly, hold.start, hold.end),
                absences=times[operator_id].absences,
                assignments=[],
            )
            assert staffing_rules.can_take(hold, free), a
            # Qualifications have no first day, so today's candidates were candidates then, a lent one only while
            # the agreement was in force.
            if instrument.id not in candidates:
                candidates[instrument.id] = {
                    c.operator.id: c for c in staffing_selectors.candidates_for(instrument, today)
                }
            candidate = candidates[instrument.id][operator_id]
            assert (candidate.agreement.id if candidate.lent else None) == a.agreement_id
            if candidate.lent:
                day = booking.start.astimezone(TOKYO).date()
                assert candidate.agreement.valid_from <= day <= candidate.agreement.valid_until
