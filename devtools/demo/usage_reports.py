"""Demo usage reports, called by `seed_demo` (see its `seed_extensions`).

Historical fixtures, like the booking history they report on: written directly in their final state, without
e-mails. Which completed company bookings got a report, on time or late, with which outcome, follows from the
booking's uid, so a second run makes the same choices and skips what exists: about seven in ten were reported
on time, one late, two are missing (owed if recent, overdue if not).
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from backend.tokyo import TOKYO
from usage_reports import selectors
from usage_reports.models import Outcome, UsageReport

SUMMARIES = {
    Outcome.PRODUCT_DEVELOPMENT: (
        "試作品の断面・組織を観察し、量産条件の決定に活用した。",
        "特願2025-012345（出願済み）",
    ),
    Outcome.QUALITY_CONTROL: ("出荷前ロットの品質確認を行い、規格内であることを確認した。", ""),
    Outcome.TROUBLESHOOTING: ("不良品の破断面を観察し、異物混入が原因であると特定した。", ""),
    Outcome.RESEARCH: (
        "新材料の基礎物性を評価し、共同研究の提案につなげた。",
        "2025年度 地域産学官連携フォーラムで発表",
    ),
    Outcome.OTHER: ("社内技術者の分析技術の習得に活用した。", ""),
}
OUTCOMES = list(Outcome)


def seed(seeder) -> None:
    today = timezone.localdate()
    rows = []
    owing = selectors.owing().filter(usage_report__isnull=True).select_related("instrument__institution").order_by("id")
    for booking in owing:
        pick = int(booking.uid.hex[:8], 16)
        if pick % 10 >= 8:
            continue  # not reported (yet)
        due = selectors.due_on(booking)
        late = pick % 10 == 7
        submitted_on = due + timedelta(days=3) if late else due - timedelta(days=pick % 14 + 1)
        if submitted_on > today:
            continue  # not reported yet: its deadline is still ahead
        outcome = OUTCOMES[pick // 10 % len(OUTCOMES)]
        summary, publications = SUMMARIES[outcome]
        embargoed = pick // 100 % 5 == 0
        rows.append(
            UsageReport(
                booking=booking,
                company_id=booking.company_id,
                summary=summary,
                outcome=outcome,
                publishable=not booking.confidential and pick // 1000 % 3 != 0,
                embargo_until=today + timedelta(days=180) if embargoed else None,
                publications=publications,
                due_on=due,
                on_time=not late,
                submitted_by=booking.requester,
                submitted_at=datetime.combine(
                    max(submitted_on, booking.end.astimezone(TOKYO).date()), time(17), tzinfo=TOKYO
                ),
            )
        )
    UsageReport.objects.bulk_create(rows, batch_size=500)
    seeder.report("利用報告書 (usage reports)", UsageReport.objects.count(), len(rows))
