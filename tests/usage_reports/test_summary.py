"""The `usage_reports` block of the consortium's utilization report."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from backend.periods import Period
from reports.selectors import utilization
from tests.invoices.conftest import completed
from usage_reports.services import submit_usage_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def month_of_uses(world, sem):
    """Five completed company uses at institution A in March 2026 (a month long past), one pending booking."""
    day = date(2026, 3, 2)
    bookings = [
        completed(
            sem,
            requester=world.user_a,
            company=world.company_a,
            day=day + timedelta(days=n),
            start=time(10),
            minutes=60,
            confidential=n == 3,
        )
        for n in range(5)
    ]
    completed(
        sem,
        requester=world.user_a,
        company=world.company_a,
        day=day + timedelta(days=7),
        start=time(10),
        minutes=60,
        status="approved",
    )
    return bookings


def test_owed_on_time_late_and_overdue_add_up_and_publishable_outcomes_are_listed(world, month_of_uses):
    b = month_of_uses
    on_time = date(2026, 3, 10)
    submit_usage_report(
        actor=world.user_a,
        booking=b[0],
        summary="新製品の断面評価",
        outcome="product_development",
        publications="特願2026-000001",
        today=on_time,
    )
    submit_usage_report(
        actor=world.user_a,
        booking=b[1],
        summary="検査",
        outcome="quality_control",
        embargo_until=timezone.localdate() + timedelta(days=30),
        today=on_time,
    )
    submit_usage_report(
        actor=world.user_a,
        booking=b[2],
        summary="非公開",
        outcome="research",
        publishable=False,
        today=date(2026, 6, 1),
    )
    submit_usage_report(actor=world.user_a, booking=b[3], summary="成果非公開の利用", outcome="research", today=on_time)
    block = utilization(consortium=world.hokkaido, period=Period.month(2026, 3)).as_dict()["usage_reports"]
    assert block["due"] == 5
    assert (block["owed"], block["submitted_on_time"], block["submitted_late"], block["overdue"]) == (0, 3, 1, 1)
    assert block["owed"] + block["submitted_on_time"] + block["submitted_late"] + block["overdue"] == block["due"]
    assert block["by_outcome"]["research"] == 2 and block["by_outcome"]["other"] == 0
    # publishable and past the embargo: only b[0] (b[1] embargoed, b[2] not publishable, b[3] confidential)
    assert [o["booking"] for o in block["publishable_outcomes"]] == [b[0].id]
    assert block["publishable_outcomes"][0]["publications"] == "特願2026-000001"
    other = utilization(consortium=world.tama, period=Period.month(2026, 3)).as_dict()["usage_reports"]
    assert other["due"] == 0


def test_the_report_page_shows_the_block(world, month_of_uses, client):
    client.force_login(world.secretariat)
    body = client.get(f"/reports/consortium/{world.hokkaido.id}/", {"kind": "month", "month": "2026-03"}).content
    text = body.decode()
    assert 'id="usage-reports"' in text and "期限超過" in text
