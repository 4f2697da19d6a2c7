"""A month's invoices can be issued once it is over: the run's preview (page and API) names the first day they can
be, the page offers no issue button before it, and the service refuses naming that day."""

from datetime import date, time

import pytest
from django.utils import timezone

from backend.errors import DomainError
from invoices import selectors, services
from invoices.models import Invoice
from tests.invoices.conftest import completed

pytestmark = pytest.mark.django_db
RUN = "/staff/invoices/"


def test_the_first_issue_day_is_the_first_of_the_next_month():
    assert selectors.issuable_from(date(2026, 12, 1), today=date(2026, 12, 31)) == date(2027, 1, 1)
    assert selectors.issuable_from(date(2026, 12, 1), today=date(2027, 1, 1)) is None
    assert selectors.issuable_from(date(2026, 11, 1), today=date(2026, 12, 3)) is None


@pytest.fixture
def this_month(world, billing):
    """A completed use in the current month, so the run has something to show."""
    today = timezone.localdate()
    completed(
        world.sem, requester=world.user_a, company=world.company_a, day=today.replace(day=1), start=time(0), minutes=30
    )
    return today.replace(day=1)


def test_the_run_page_for_an_unfinished_month_says_when_and_offers_no_issue_button(world, this_month, client):
    client.force_login(world.staff_a)
    page = client.get(RUN, {"institution": world.inst_a.id, "month": f"{this_month:%Y-%m}"}).content.decode()
    first = selectors.issuable_from(this_month)
    assert 'id="issuable-from"' in page and f"{first.year}年{first.month}月1日以降に発行できます" in page
    assert '<input type="hidden" name="month"' not in page and "件の請求書を発行する" not in page


def test_the_run_page_for_a_past_month_offers_the_issue_button(world, billing, client):
    client.force_login(world.staff_a)
    page = client.get(RUN, {"institution": world.inst_a.id, "month": "2025-10"}).content.decode()
    assert 'id="issuable-from"' not in page and "2件の請求書を発行する" in page


def test_the_service_refuses_an_unfinished_month_naming_the_first_day(world, this_month):
    with pytest.raises(DomainError) as refused:
        services.issue_invoices(actor=world.staff_a, institution=world.inst_a, month=this_month)
    first = selectors.issuable_from(this_month)
    assert refused.value.code == "month_not_over" and refused.value.extra["issuable_from"] == first.isoformat()
    assert f"{first.year}年{first.month}月1日以降" in refused.value.message
    assert not Invoice.objects.exists()


def test_the_api_preview_names_the_first_issue_day(world, this_month, client_for):
    url = f"/api/v1/institutions/{world.inst_a.id}/invoices/preview/"
    staff = client_for(world.staff_a)
    assert staff.get(url, {"month": f"{this_month:%Y-%m}"}).data["issuable_from"] == (
        selectors.issuable_from(this_month).isoformat()
    )
    assert staff.get(url, {"month": "2025-10"}).data["issuable_from"] is None
