"""Every figure of the hand-built data set (tests/reports/conftest.py), computed by hand."""

import pytest

from backend.periods import Period, parse_period
from reports.figures import BREAKDOWNS
from reports.selectors import utilization

pytestmark = pytest.mark.django_db


def report(consortium, period, institution_ids=None) -> dict:
    return utilization(consortium=consortium, period=period, institution_ids=institution_ids).as_dict()


def rows(body, breakdown) -> dict:
    return {row["key"]: row for row in body[breakdown]}


def test_march_totals_of_consortium_h(data):
    totals = report(data.h, Period.month(2026, 3))["totals"]
    # available: 21 days × 8 h for a1 and b1, minus 4 h (a1) and 1 h (b1) of downtime inside opening hours
    assert totals["available_hours"] == 331.0
    # booked (approved, completed), clipped to March: a1 2 + 4 (midnight) + 4 (31 Mar 20–24) + 2 (1 Mar 0–2);
    # b1 2 (approved) + 1 + 3. The no-show, rejected, cancelled and expired bookings are not booked time.
    assert totals["booked_hours"] == 18.0
    # used (recorded use): a1 1.5 + 4 + 4 + 2; b1 0.75 + 3
    assert totals["used_hours"] == 15.25
    assert totals["utilization_rate"] == round(15.25 / 331, 4) == 0.0461
    assert totals["booked_rate"] == round(18 / 331, 4)
    # counts belong to the month the booking starts: the 28 Feb booking is not a March use or request
    assert totals["requests"] == 10
    assert totals["uses"] == 5
    assert totals["company_uses"] == 3 and totals["sme_uses"] == 2
    assert totals["companies"] == 2  # 中小1 (at A and B) and 大手1; 中小2 only booked and no-showed
    assert totals["company_used_hours"] == 10.5 and totals["sme_used_hours"] == 6.5
    assert totals["external_share"] == round(10.5 / 15.25, 4)
    assert totals["sme_share"] == round(6.5 / 10.5, 4)
    # revenue of completed bookings starting in March: 9,000 + 36,000 + 12,000 + 0 + 9,000 (+10% tax)
    assert (totals["revenue_excl_tax_jpy"], totals["tax_jpy"], totals["revenue_jpy"]) == (66000, 6600, 72600)
    assert (totals["decided"], totals["rejected"], totals["cancelled"], totals["no_shows"]) == (8, 1, 1, 1)
    assert totals["rejection_rate"] == 0.125  # 1 of 8 decided
    assert totals["cancellation_rate"] == 0.1  # 1 of 10 requests
    assert totals["no_show_rate"] == round(1 / 6, 4)  # 1 no-show of 5 uses + 1 no-show
    # lead times (h): 24, 48, 12, 3 (a1); 6, 2, 1, 5 (b1) → 1 2 3 5 | 6 12 24 48 → (5 + 6) / 2
    assert totals["median_lead_time_hours"] == 5.5


def test_march_by_institution_instrument_and_category(data):
    body = report(data.h, Period.month(2026, 3))
    a, b = rows(body, "by_institution")[data.inst_a.id], rows(body, "by_institution")[data.inst_b.id]
    assert list(rows(body, "by_institution")) == [data.inst_a.id, data.inst_b.id]
    assert (a["label"], a["available_hours"], a["booked_hours"], a["used_hours"]) == ("機関A", 164.0, 12.0, 11.5)
    assert (b["label"], b["available_hours"], b["booked_hours"], b["used_hours"]) == ("機関B", 167.0, 6.0, 3.75)
    assert a["utilization_rate"] == round(11.5 / 164, 4) and b["utilization_rate"] == round(3.75 / 167, 4)
    assert (a["requests"], a["uses"], a["decided"], a["no_shows"], a["rejected"]) == (5, 3, 4, 1, 0)
    assert (b["requests"], b["uses"], b["decided"], b["cancelled"], b["rejected"]) == (5, 2, 4, 1, 1)
    assert (a["revenue_excl_tax_jpy"], a["revenue_jpy"]) == (57000, 62700)
    assert (b["revenue_excl_tax_jpy"], b["revenue_jpy"]) == (9000, 9900)
    assert (a["companies"], b["companies"]) == (2, 1)  # distinct per row: 中小1 is in both rows, once in the total
    assert a["median_lead_time_hours"] == 18.0  # 3 12 | 24 48
    assert b["median_lead_time_hours"] == 3.5  # 1 2 | 5 6
    assert rows(body, "by_instrument")[data.a1.id]["used_hours"] == 11.5
    assert rows(body, "by_instrument")[data.a1.id]["label"] == "SEM-A（機関A）"
    categories = rows(body, "by_category")
    assert list(categories) == ["sem", "xrd"]
    assert categories["sem"]["label"] == "走査電子顕微鏡" and categories["xrd"]["booked_hours"] == 6.0


def test_march_by_mode_and_company_size(data):
    body = report(data.h, Period.month(2026, 3))
    modes = rows(body, "by_mode")
    assert list(modes) == ["self", "assisted", "commissioned"]
    assert [(m["booked_hours"], m["used_hours"], m["requests"], m["uses"]) for m in modes.values()] == [
        (10.0, 7.75, 5, 3),
        (4.0, 3.5, 4, 1),
        (4.0, 4.0, 1, 1),
    ]
    # availability is not split by mode: the rates use the whole consortium's, so they add up to the total rate
    assert all(m["available_hours"] is None for m in modes.values())
    assert [m["utilization_rate"] for m in modes.values()] == [0.0234, 0.0106, 0.0121]
    sizes = rows(body, "by_company_size")
    assert list(sizes) == ["sme", "large", "academic", "internal"]
    assert [
        (s["booked_hours"], s["used_hours"], s["requests"], s["uses"], s["revenue_excl_tax_jpy"], s["companies"])
        for s in sizes.values()
    ] == [
        (9.0, 6.5, 6, 2, 18000, 1),
        (4.0, 4.0, 2, 1, 36000, 1),
        (4.0, 4.0, 1, 1, 12000, 0),
        (1.0, 0.75, 1, 1, 0, 0),
    ]
    assert sizes["sme"]["median_lead_time_hours"] == 5.0  # sme: 24 (a1), 3 (no-show), 6, 2, 5 → 5
    assert sizes["sme"]["label"].startswith("中小企業")


def test_a_booking_across_the_fiscal_year_end_is_split_and_counted_once(data):
    """31 Mar 20:00 – 1 Apr 04:00: 4 h in each fiscal year; its use and its yen belong to FY2025 (its start)."""
    fy2025 = report(data.h, parse_period({"fy": "2025"}))["totals"]
    fy2026 = report(data.h, parse_period({"fy": "2026"}))["totals"]
    assert fy2026["booked_hours"] == fy2026["used_hours"] == 4.0
    assert (fy2026["uses"], fy2026["requests"], fy2026["revenue_jpy"]) == (0, 0, 0)
    # FY2025 holds every other booking of H in February and March, whole: 18 + 2 (28 Feb 22:00–24:00)
    assert fy2025["booked_hours"] == 20.0
    assert fy2025["uses"] == 6 and fy2025["revenue_excl_tax_jpy"] == 66000 + 18000
    two_months = report(data.h, parse_period({"start": "2026-03-01", "end": "2026-04-30"}))
    march, april = two_months["by_month"]
    assert (march["key"], march["booked_hours"], march["uses"]) == ("2026-03", 18.0, 5)
    assert (april["key"], april["booked_hours"], april["used_hours"], april["uses"]) == ("2026-04", 4.0, 4.0, 0)
    assert april["available_hours"] == 2 * 168.0 and april["label"] == "2026年4月"
    assert two_months["totals"]["booked_hours"] == 22.0


def test_a_booking_across_a_month_start_counts_its_hours_in_both_months_and_its_use_in_the_first(data):
    body = report(data.h, parse_period({"start": "2026-02-01", "end": "2026-03-31"}))
    february, march = body["by_month"]
    assert (february["booked_hours"], february["used_hours"], february["uses"]) == (2.0, 2.0, 1)
    assert february["revenue_excl_tax_jpy"] == 18000 and february["companies"] == 1
    assert february["available_hours"] == 2 * 144.0
    assert (march["booked_hours"], march["uses"], march["revenue_excl_tax_jpy"]) == (18.0, 5, 66000)
    assert february["median_lead_time_hours"] == 4.0 and march["median_lead_time_hours"] == 5.5


def test_a_midnight_booking_clipped_at_a_custom_boundary(data):
    """3 Mar 22:00 – 4 Mar 02:00 with a period ending at 4 Mar 00:00: 2 h, and it is a use of the period."""
    body = report(data.h, parse_period({"start": "2026-03-03", "end": "2026-03-03"}))
    instrument = rows(body, "by_instrument")[data.a1.id]
    assert (instrument["booked_hours"], instrument["used_hours"], instrument["uses"]) == (2.0, 2.0, 1)
    assert instrument["available_hours"] == 8.0


def test_an_institution_in_two_consortia_appears_in_both_reports(data):
    tama = report(data.tama, Period.month(2026, 3))
    h = report(data.h, Period.month(2026, 3))
    in_tama = rows(tama, "by_institution")
    assert list(in_tama) == [data.inst_b.id, data.inst_c.id]
    assert {k: v for k, v in in_tama[data.inst_b.id].items()} == rows(h, "by_institution")[data.inst_b.id]
    assert in_tama[data.inst_c.id]["used_hours"] == 2.0 and tama["totals"]["used_hours"] == 5.75


def test_a_member_without_instruments_is_listed_with_zeros(data):
    from tests.factories import InstitutionFactory

    tlo = InstitutionFactory(name="TLO", consortia=[data.h])
    row = rows(report(data.h, Period.month(2026, 3)), "by_institution")[tlo.id]
    assert (row["label"], row["available_hours"], row["uses"], row["utilization_rate"]) == ("TLO", 0.0, 0, None)


def test_a_staff_slice_is_the_report_restricted_to_the_institution(data):
    body = report(data.h, Period.month(2026, 3), institution_ids={data.inst_b.id})
    assert body["scope"] == [{"id": data.inst_b.id, "name": "機関B"}]
    assert list(rows(body, "by_institution")) == [data.inst_b.id]
    assert (body["totals"]["available_hours"], body["totals"]["used_hours"], body["totals"]["uses"]) == (
        167.0,
        3.75,
        2,
    )


def test_membership_dates_decide_which_bookings_count(data):
    """B leaves H on 10 March: its bookings from 11 March on, and its open hours after that day, leave H's report."""
    from consortia.models import ConsortiumMembership

    ConsortiumMembership.objects.filter(consortium=data.h, institution=data.inst_b).update(left_on="2026-03-10")
    b = rows(report(data.h, Period.month(2026, 3)), "by_institution")[data.inst_b.id]
    # 2–10 March: 7 working days × 8 h; bookings: approved 5 Mar (2 h), rejected 6 Mar, cancelled 9 Mar
    assert (b["available_hours"], b["booked_hours"], b["requests"], b["uses"]) == (56.0, 2.0, 3, 0)


@pytest.mark.parametrize("breakdown", BREAKDOWNS)
def test_every_breakdown_adds_up_to_the_totals(data, breakdown):
    body = report(data.h, parse_period({"start": "2026-02-01", "end": "2026-04-30"}))
    for field in (
        "booked_hours",
        "used_hours",
        "uses",
        "requests",
        "revenue_jpy",
        "revenue_excl_tax_jpy",
        "tax_jpy",
        "decided",
        "rejected",
        "cancelled",
        "no_shows",
        "company_uses",
        "sme_uses",
    ):
        assert sum(row[field] for row in body[breakdown]) == pytest.approx(body["totals"][field]), field
    if breakdown not in ("by_mode", "by_company_size"):
        assert sum(r["available_hours"] for r in body[breakdown]) == pytest.approx(body["totals"]["available_hours"])
