"""Completed uses at institution A (due after 30 days by default), relative to today."""

from datetime import time, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.invoices.conftest import completed


def days_ago(n: int):
    day = timezone.localdate() - timedelta(days=n)
    return day


@pytest.fixture
def uses(world, sem):
    """Company A: used 10 days ago (owed), 45 days ago (overdue), 5 days ago confidential (owed). Company B: used
    20 days ago (owed)."""
    a, b = world.company_a, world.company_b

    def use(company, requester, n, **extra):
        return completed(
            sem, requester=requester, company=company, day=days_ago(n), start=time(10), minutes=60, **extra
        )

    return SimpleNamespace(
        recent=use(a, world.user_a, 10),
        old=use(a, world.user_a, 45),
        secret=use(a, world.user_a, 5, confidential=True),
        theirs=use(b, world.user_b, 20),
    )
