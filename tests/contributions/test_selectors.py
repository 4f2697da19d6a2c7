"""Hours operated and consultations answered (contributions.selectors), and the lent-hours statement."""

from datetime import date
from decimal import Decimal

from backend.periods import Period
from consultations.models import Consultation, Message
from contributions.access import Scope
from contributions.selectors import figures, hours, lent_in_us, operators_in, statement
from contributions.tables import tables
from tests.factories import CompanyFactory
from tests.reports.conftest import t

H = 3_600_000_000
OCTOBER = Period.month(2026, 10)


def test_hours_are_actual_when_recorded_else_booked_and_released_or_open_bookings_count_nothing(world):
    result = figures(period=OCTOBER, operators=list(operators_in(institution_ids=[world.a.id, world.b.id])))
    assert result.by_operator[world.lent_op.id].us == int(4.5 * H)  # 2.5 h actual + 2 h booked
    assert result.by_operator[world.lent_op.id].lent_us == int(2.5 * H)
    assert result.by_operator[world.shy_op.id].us == 4 * H  # the released assignment is not counted
    assert result.by_operator[world.own_op.id].us == 1 * H  # the approved booking is not counted
    assert result.total_us == int(9.5 * H)
    assert result.by_lent == {"own": 7 * H, "lent": int(2.5 * H)}
    assert result.by_mode == {"assisted": int(7.5 * H), "commissioned": 2 * H, "self": 0}
    assert result.by_category == {"sme": int(2.5 * H), "large": 2 * H, "academic": 4 * H, "internal": 1 * H}
    assert result.by_instrument == {world.a1.id: 6 * H, world.b1.id: int(3.5 * H)}
    assert result.by_institution[world.a.id]["lent_out_us"] == int(2.5 * H)


def test_hours_are_clipped_to_the_period(world):
    half = Period(t(10, 5, 11), t(10, 31))  # cuts lent_op's 10:00–12:30 and drops other earlier work
    result = figures(period=half, operators=[world.lent_op])
    assert result.total_us == int(3.5 * H)


def test_lent_in_hours_are_the_borrowers(world):
    assert lent_in_us(period=OCTOBER, institution_ids=[world.a.id, world.b.id]) == {world.b.id: int(2.5 * H)}


def test_consultations_answered_count_each_consultation_once_per_staff_member(world):
    consultation = Consultation.objects.create(
        consortium=world.k,
        requester=world.requester,
        title="x",
        description="y",
        company=CompanyFactory(),
        status="answered",
        first_referred_at=t(10, 1),
        first_answered_at=t(10, 2),
    )
    for day in (2, 3):
        Message.objects.create(
            consultation=consultation,
            author=world.own_op.user,
            side="staff",
            institution=world.b,
            body="a",
            created_at=t(10, day),
        )
    Message.objects.create(
        consultation=consultation, author=world.requester, side="company", body="q", created_at=t(10, 2)
    )
    result = figures(period=OCTOBER, operators=[world.own_op, world.lent_op])
    assert result.by_operator[world.own_op.id].consultations == 1
    assert result.consultations == 1
    assert figures(period=Period.month(2026, 11), operators=[world.own_op]).consultations == 0


def test_a_consortium_reader_sees_unconsented_operators_only_as_not_named(world):
    result = figures(period=OCTOBER, operators=list(operators_in(institution_ids=[world.a.id, world.b.id])))
    shown = tables(result, Scope("consortium", world.k.id, "K", names_everyone=False))
    names = [row["label"] for row in shown["by_operator"]]
    assert world.shy_op.user.display_name not in names
    hidden = [row for row in shown["by_operator"] if not row["named"]]
    assert [(r["institution_id"], r["us"]) for r in hidden] == [(world.a.id, 4 * H)]
    assert sum(row["us"] for row in shown["by_operator"]) == shown["totals"]["us"]
    named = tables(result, Scope("institution", world.a.id, "A", names_everyone=True))
    assert world.shy_op.user.display_name in [row["label"] for row in named["by_operator"]]


def test_statement_hours_times_rate_with_tax_once_rounded_down(world):
    s = statement(month=date(2026, 10, 1), lender=world.a, borrower=world.b)
    assert [(line.operator_name, line.us, line.amount_jpy) for line in s.lines] == [
        (world.lent_op.user.display_name, int(2.5 * H), 12_500)
    ]
    assert (s.subtotal_jpy, s.tax_jpy, s.total_jpy) == (12_500, 1_250, 13_750)
    assert statement(month=date(2026, 10, 1), lender=world.b, borrower=world.a).lines == []
    assert hours(int(2.5 * H)) == Decimal("2.50")


def test_statement_rounds_each_line_down_to_the_yen(world):
    world.agreement.hourly_rate_jpy = 3333
    world.agreement.save()
    s = statement(month=date(2026, 10, 1), lender=world.a, borrower=world.b)
    assert s.lines[0].amount_jpy == 8332  # 2.5 × 3,333 = 8,332.5
    assert s.tax_jpy == 833


def test_the_number_of_queries_does_not_grow_with_the_assignments(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.contributions.conftest import assign, done

    operators = list(operators_in(institution_ids=[world.a.id, world.b.id]))
    with CaptureQueriesContext(connection) as few:
        figures(period=OCTOBER, operators=operators)
    for day in range(12, 31):
        assign(done(world.b1, world.requester, t(10, day, 14), t(10, day, 15)), world.own_op)
    # the hours grouped, the consultations grouped, the instruments' names
    with django_assert_num_queries(len(few.captured_queries)):
        figures(period=OCTOBER, operators=operators)
    assert len(few.captured_queries) == 3
