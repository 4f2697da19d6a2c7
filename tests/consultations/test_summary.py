"""The `consultations` block of the consortium report: the figures, the slice of some institutions, the queries."""

from datetime import datetime

import pytest

from backend.errors import DomainError
from bookings import services as booking_services
from consultations import services
from consultations.selectors import consultation_summary
from tests.bookings.conftest import at
from tests.consultations.conftest import SEM_PROBLEM, tokyo

pytestmark = pytest.mark.django_db

SEPTEMBER = (tokyo(2025, 9, 1), tokyo(2025, 10, 1))


@pytest.fixture
def september(world, people, sem, day):
    """Consultations of September 2025 (Monday 15th and Tuesday 23rd are public holidays)."""

    def ask(when, user=None, **fields):
        return services.submit_consultation(actor=user or world.user_a, now=when, **{**SEM_PROBLEM, **fields})

    def refer(consultation, institution, when):
        services.refer(
            actor=people.coordinator_tama if consultation.consortium == world.tama else people.coordinator,
            consultation=consultation,
            institution=institution,
            note="ご対応を",
            now=when,
        )

    def answer(consultation, staff, when):
        services.post_message(actor=staff, consultation=consultation, body="回答します", now=when)

    # answered after one business day (the holiday Monday does not count), in 4.08 days
    c1 = ask(tokyo(2025, 9, 12, 10, 0))
    refer(c1, world.inst_a, tokyo(2025, 9, 12, 11, 0))
    answer(c1, world.staff_a, tokyo(2025, 9, 16, 12, 0))
    # referred to two institutions; inst_c answers after four business days (4.25 days), inst_a never
    c2 = ask(tokyo(2025, 9, 1, 9, 0), title="二件目")
    refer(c2, world.inst_a, tokyo(2025, 9, 1, 10, 0))
    refer(c2, world.inst_c, tokyo(2025, 9, 1, 10, 0))
    answer(c2, people.staff_c, tokyo(2025, 9, 5, 15, 0))
    # confidential, answered the same day (0.25 days), closed as having led to a booking
    c3 = ask(tokyo(2025, 9, 8, 9, 0), title="秘密", confidential=True)
    refer(c3, world.inst_b, tokyo(2025, 9, 8, 10, 0))
    answer(c3, world.staff_b, tokyo(2025, 9, 8, 15, 0))
    services.close(actor=world.user_a, consultation=c3, outcome="booking", now=tokyo(2025, 9, 9, 9, 0))
    # never referred
    ask(tokyo(2025, 9, 20, 9, 0), title="未紹介")
    # referred to inst_a, not answered, but its booking there was approved
    c5 = ask(tokyo(2025, 9, 10, 9, 0), title="予約へ")
    refer(c5, world.inst_a, tokyo(2025, 9, 10, 10, 0))
    booking = services.request_booking_from(
        actor=world.user_a, consultation=c5, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    booking_services.approve(actor=world.staff_a, booking=booking)
    # not counted: another consortium's, and outside the period on either side
    ask(tokyo(2025, 9, 15, 9, 0), user=world.user_b, consortium=world.tama, title="TAMA")
    ask(tokyo(2025, 10, 1, 0, 0), title="十月")
    ask(tokyo(2025, 8, 31, 23, 59), title="八月")
    return world


def test_the_block_counts_received_referred_answered_and_converted(september):
    world = september
    summary = consultation_summary(world.hokkaido.id, *SEPTEMBER)
    assert {k: v for k, v in summary.items() if k != "by_institution"} == {
        "received": 5,
        "confidential": 1,
        "referred": 4,
        "answered": 3,
        "closed": 1,
        "median_days_to_first_answer": 4.08,  # of 0.25, 4.08 and 4.25 days
        "answered_within_3_business_days": 2,
        "share_answered_within_3_business_days": 0.4,  # of the 5 received
        "converted_to_bookings": 2,  # an approved linked booking, and the outcome `booking`
    }
    assert summary["by_institution"] == [
        {
            "institution_id": world.inst_a.id,
            "name": world.inst_a.name,
            "referred": 3,
            "answered": 1,
            "answered_within_3_business_days": 1,
            "converted_to_bookings": 1,
        },
        {
            "institution_id": world.inst_b.id,
            "name": world.inst_b.name,
            "referred": 1,
            "answered": 1,
            "answered_within_3_business_days": 1,
            "converted_to_bookings": 0,  # closed as `booking`, but no booking at inst_b is linked
        },
        {
            "institution_id": world.inst_c.id,
            "name": world.inst_c.name,
            "referred": 1,
            "answered": 1,
            "answered_within_3_business_days": 0,
            "converted_to_bookings": 0,
        },
    ]


def test_the_slice_of_some_institutions_counts_what_was_referred_to_them(september):
    world = september
    summary = consultation_summary(world.hokkaido.id, *SEPTEMBER, institution_ids=[world.inst_c.id])
    assert (summary["received"], summary["referred"], summary["answered"]) == (1, 1, 1)
    assert summary["median_days_to_first_answer"] == 4.25
    assert [row["institution_id"] for row in summary["by_institution"]] == [world.inst_c.id]
    both = consultation_summary(world.hokkaido.id, *SEPTEMBER, institution_ids={world.inst_a.id, world.inst_c.id})
    assert both["received"] == 3 and both["median_days_to_first_answer"] == 4.17  # (4.08 + 4.25) / 2


def test_an_empty_period_has_zeros_and_no_median(world):
    summary = consultation_summary(world.hokkaido.id, tokyo(2020, 4, 1), tokyo(2021, 4, 1))
    assert summary["received"] == 0 and summary["by_institution"] == []
    assert summary["median_days_to_first_answer"] is None
    assert summary["share_answered_within_3_business_days"] is None


def test_the_block_takes_three_queries_whatever_the_number_of_consultations(september, django_assert_num_queries):
    with django_assert_num_queries(3):
        consultation_summary(september.hokkaido.id, *SEPTEMBER)
    with django_assert_num_queries(2):  # no answered consultation: no median to look up
        consultation_summary(september.hokkaido.id, tokyo(2020, 4, 1), tokyo(2021, 4, 1))


def test_naive_bounds_are_refused(world):
    with pytest.raises(DomainError) as refused:
        consultation_summary(world.hokkaido.id, datetime(2025, 9, 1), tokyo(2025, 10, 1))
    assert refused.value.code == "naive_datetime"
