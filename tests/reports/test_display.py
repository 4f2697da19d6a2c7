"""How a report is laid out for a reader: long breakdowns bounded with the rest in one row that keeps the totals
adding up, and months told apart as over, under way or still to come."""

from datetime import datetime

from backend.tokyo import TOKYO
from reports import display


def _row(i: int, used: float, uses: int) -> dict:
    return {
        "key": i,
        "label": f"機器{i}",
        "available_hours": 100.25,
        "booked_hours": used + 1.5,
        "used_hours": used,
        "uses": uses,
        "companies": 1,
        "revenue_jpy": 1_100 * uses,
        "utilization_rate": used / 100.25,
    }


def test_a_short_breakdown_is_shown_whole():
    rows = [_row(i, i, i) for i in range(display.INLINE_ROWS)]
    shown = display.bounded(rows)
    assert shown.rows == rows and shown.others is None and not shown.is_bounded


def test_a_long_breakdown_shows_the_most_used_rows_and_the_rest_adds_up_to_the_total():
    rows = [_row(i, (i * 7) % 23 + 0.01 * i, i % 5) for i in range(230)]
    shown = display.bounded(rows)
    assert shown.is_bounded and shown.count == 230 and len(shown.rows) == display.TOP_ROWS
    assert [r["used_hours"] for r in shown.rows] == sorted((r["used_hours"] for r in rows), reverse=True)[
        : display.TOP_ROWS
    ]
    assert shown.others["label"] == f"その他 {230 - display.TOP_ROWS} 件"  # Japanese by default
    for name in display.ADDITIVE_SHOWN:
        total = sum(r[name] for r in rows)
        assert round(sum(r[name] for r in shown.rows) + shown.others[name], 2) == round(total, 2), name
    assert shown.others["companies"] is None  # distinct companies do not add up
    rest = [r for r in rows if r not in shown.rows]
    expected = sum(r["used_hours"] for r in rest) / sum(r["available_hours"] for r in rest)
    assert abs(shown.others["utilization_rate"] - expected) < 1e-4


def test_the_others_row_of_a_breakdown_without_availability_has_no_rate():
    rows = [{**_row(i, 1, 1), "available_hours": None} for i in range(display.INLINE_ROWS + 1)]
    others = display.bounded(rows).others
    assert others["available_hours"] is None and others["utilization_rate"] is None


def test_months_are_over_under_way_or_still_to_come_in_tokyo():
    # 1 December 2026 00:30 in Tokyo is still 30 November in UTC: Tokyo decides.
    now = datetime(2026, 12, 1, 0, 30, tzinfo=TOKYO)
    months = [{"key": k} for k in ("2026-04", "2026-11", "2026-12", "2027-01", "2027-03")]
    states = [m["state"] for m in display.months_with_state(months, now)]
    assert states == ["past", "past", "current", "future", "future"]


def test_a_long_run_of_months_is_collapsed_whole_never_cut_or_reordered():
    months = [_row(i, i % 7, 1) for i in range(60)]  # five fiscal years
    shown = display.bounded(months, in_order=True)
    assert shown.collapsed and shown.rows == months and shown.others is None
    assert display.bounded(months[:12], in_order=True) == display.Bounded(rows=months[:12], others=None, count=12)
