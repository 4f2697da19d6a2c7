"""Issue #22: after a request the booking page tells the requester's side what happens next (the decision deadline,
the e-mail, a counter-proposal, how to cancel, the usage report owed), in the reader's language; a researcher whose
institution is not a member is told so plainly, with what they can do instead."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import rules, selectors, services
from bookings.models import Booking
from tests.bookings.conftest import at
from tests.bookings.test_pages import form_body, logged_in
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db


def requested(client, world, sem, day):
    response = logged_in(client, world.user_a).post(f"/instruments/{sem.pk}/", form_body(day), follow=True)
    return Booking.objects.get(), response.content.decode()


def test_after_a_request_the_page_says_who_decides_by_when_and_what_follows(world, sem, client, day):
    booking, page = requested(client, world, sem, day)
    assert "このあとの流れ" in page
    deadline = rules.decision_deadline(requested_at=booking.created_at, start=booking.start, decision_limit_hours=72)
    assert abs(booking.expires_at - deadline) < timedelta(seconds=5)
    local = timezone.localtime(booking.expires_at, rules.TOKYO)
    told = f'<time datetime="{local.isoformat(timespec="minutes")}">{local.year}年{local.month}月{local.day}日'
    assert told in page and "までに承認の可否を決めます" in page
    assert "メールでお知らせします" in page and "料金は承認の時点で確定します" in page
    cancel_until = timezone.localtime(booking.start - timedelta(hours=sem.cancellation_deadline_hours), rules.TOKYO)
    assert (
        f"{cancel_until.month}月{cancel_until.day}日 {cancel_until:%H:%M}</time>まではこのページで取り消せます" in page
    )
    assert "ご利用後30日以内に、貴社から短い利用報告書" in page  # a company booking; the institution's 30 days


def test_the_next_steps_are_in_english_for_an_english_reader(world, sem, client, day):
    world.user_a.language = "en"
    world.user_a.save(update_fields=["language"])
    booking, page = requested(client, world, sem, day)
    assert "What happens next" in page and "The instrument's staff decide by <time" in page
    assert "このあとの流れ" not in page and "within 30 days" in page


def test_staff_and_other_readers_do_not_get_the_requesters_next_steps(world, sem, client, day):
    booking, _ = requested(client, world, sem, day)
    for reader in (world.staff_a, world.secretariat):
        page = logged_in(client, reader).get(f"/bookings/{booking.pk}/").content.decode()
        assert 'id="next-steps"' not in page


def test_a_proposed_time_asks_for_an_answer_by_the_deadline(world, sem, client, day):
    booking, _ = requested(client, world, sem, day)
    services.propose(actor=world.staff_a, booking=booking, start=at(day, 14), end=at(day, 15))
    page = logged_in(client, world.user_a).get(f"/bookings/{booking.pk}/").content.decode()
    assert "機器担当者から上記の日時が提案されています" in page and "承認の可否を決めます" not in page


def test_an_approved_booking_says_until_when_it_can_be_cancelled_and_nothing_once_over(world, sem, client, day):
    booking, _ = requested(client, world, sem, day)
    services.approve(actor=world.staff_a, booking=booking)
    booking.refresh_from_db()
    steps = selectors.next_steps(booking, now=timezone.now())
    assert not steps["pending"] and steps["may_still_cancel"] and steps["report_due_days"] == 30
    page = logged_in(client, world.user_a).get(f"/bookings/{booking.pk}/").content.decode()
    assert "この時間はあなたの予約として確保され" in page and "までに承認の可否" not in page
    late = selectors.next_steps(booking, now=booking.start - timedelta(hours=1))
    assert not late["may_still_cancel"]
    assert selectors.next_steps(booking, now=booking.end) is None


def test_a_researcher_booking_owes_no_company_usage_report(world, sem, client, day):
    researcher = UserFactory()
    give_role(researcher, "researcher", institution=world.inst_b)  # a fellow member of hokkaido
    booking = services.request_booking(
        actor=researcher, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    page = logged_in(client, researcher).get(f"/bookings/{booking.pk}/").content.decode()
    assert "このあとの流れ" in page and "利用報告書" not in page


def test_a_researcher_of_a_non_member_institution_is_told_plainly_and_what_to_do(world, sem, client):
    world.hokkaido.contact_email = "office@hokkaido.example.jp"
    world.hokkaido.save(update_fields=["contact_email"])
    outsider = UserFactory()
    give_role(outsider, "researcher", institution=world.inst_c)  # TAMA only; the SEM is shared in hokkaido
    page = logged_in(client, outsider).get(f"/instruments/{sem.pk}/").content.decode()
    panel = page.split('id="not-member"')[1].split("</div>")[0]
    assert "あなたの所属機関（東京都立産業技術研究センター）は" in panel and "北海道協議会の会員ではありません" in panel
    assert f'href="/instruments/?consortium={world.tama.pk}">TAMA協議会</a>' in panel  # their own consortium
    assert 'href="mailto:office@hokkaido.example.jp"' in panel and "企業のアカウント" in panel
    assert 'name="request_key"' not in page
