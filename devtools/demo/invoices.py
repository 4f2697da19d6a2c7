"""Demo invoices, called by `seed_demo` (see its `seed_extensions`): the invoice runs of the last three months at
every institution with a registration number, through the service, as its staff would have pressed the button.
Idempotent: a run issues nothing for bookings already invoiced."""

from datetime import timedelta

from django.utils import timezone

from consortia.models import Institution
from invoices.models import Invoice
from invoices.services import issue_invoices

MONTHS = 3


def seed(seeder) -> None:
    today = timezone.localdate()
    months, first = [], today.replace(day=1)
    for _ in range(MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    issued = 0
    for institution in Institution.objects.exclude(registration_number="").order_by("id"):
        for month in sorted(months):
            issued += len(issue_invoices(actor=seeder.admin, institution=institution, month=month, today=today))
    seeder.report("請求書 (invoices, last 3 months)", Invoice.objects.count(), issued)
