"""Demo bookings of the coming weeks, called by `seed_demo` (see its `seed_extensions`), so that every home page
shows something right after `make run`: upcoming pending and approved requests, a counter-proposal waiting for
the company's answer, an approved booking under a downtime (a conflict), and a past approved booking whose use
staff can record.

Future bookings go through the product's services (request, approve, propose, add a downtime), each on the first
slot the rules accept; the past one cannot (the services refuse the past), so it is a historical fixture written
like the booking history, through the same pure rule functions (`booking_history._row`). Each item is recognised
by its purpose, so a second run adds nothing.
"""

from datetime import date, datetime, time, timedelta

import jpholiday
from django.utils import timezone

from backend.errors import DomainError
from backend.tokyo import TOKYO
from bookings import disruptions
from bookings import services as booking_services
from bookings.models import Booking
from devtools.demo import booking_history
from devtools.demo import history as past
from equipment.models import Downtime

# (key, requester, (institution, model), mode, days ahead at the earliest, hour, what staff do with it)
FUTURE = [
    ("pending-sem", "company", ("aist", "JSM-IT800"), "assisted", 5, 10, "none"),
    ("pending-nmr", "researcher", ("aist", "AVANCE NEO 400"), "assisted", 6, 13, "none"),
    ("pending-xct", "company2", ("tiri", "Xradia 520 Versa"), "assisted", 8, 10, "none"),
    ("approved-sem", "company", ("aist", "JSM-IT800"), "assisted", 7, 13, "approve"),
    ("approved-ftir", "company2", ("tiri", "AIM-9000 / IRTracer-100"), "assisted", 9, 13, "approve"),
    ("proposal-xps", "company", ("aist", "PHI 5000 VersaProbe III"), "assisted", 10, 10, "propose"),
    ("conflict-raman", "company", ("aist", "inVia Qontor"), "assisted", 11, 10, "downtime"),
]
STAFF_OF = {"aist": "staff", "tiri": "staff2", "hokudai": "staff4", "doken": "staff3"}
MARK = "デモ: "  # starts the purpose of every booking of this stage (how a second run knows them)
PURPOSE = MARK + "{key}"
PURPOSE_TEXT = {
    "pending-sem": "樹脂成形品の破断面観察",
    "pending-nmr": "合成した化合物の構造確認",
    "pending-xct": "鋳造部品の内部欠陥の確認",
    "approved-sem": "めっき層の断面観察",
    "approved-ftir": "異物の同定",
    "proposal-xps": "表面処理後の化学状態分析",
    "conflict-raman": "炭素材料の結晶性評価",
    "past-approved": "溶接部の組織観察",
}
KEPT_REASON = "点検は短時間で終わる見込みです。ご予約はそのままとし、当日の状況をご連絡します。"
DOWNTIME_TITLE = "デモ: レーザー光源の緊急点検"
SEARCH_DAYS = 40


def _purpose(key: str) -> str:
    return f"{PURPOSE.format(key=key)} {PURPOSE_TEXT[key]}"


def _first_accepted(request, *, first_day: date, hour: int, minutes: int) -> Booking | None:
    """The first slot from `first_day` on, at `hour` or later that day, that the rules accept."""
    for offset in range(SEARCH_DAYS):
        day = first_day + timedelta(days=offset)
        for start_hour in (hour, hour + 1, 10, 13, 14, 15):
            start = datetime.combine(day, time(start_hour), tzinfo=TOKYO)
            try:
                return request(start=start, end=start + timedelta(minutes=minutes))
            except DomainError:
                continue
    return None


def seed(seeder) -> None:
    today = timezone.localdate()
    made = set(Booking.objects.filter(purpose__startswith=MARK).values_list("purpose", flat=True))
    created = 0
    for key, username, instrument_key, mode, days, hour, then in FUTURE:
        if _purpose(key) in made:
            continue
        instrument = seeder.instruments[instrument_key]
        requester = seeder.users[username]
        staff = seeder.users[STAFF_OF[instrument_key[0]]]
        minutes = max(instrument.min_minutes, 60)

        def request(*, start, end, instrument=instrument, requester=requester, mode=mode, key=key):
            return booking_services.request_booking(
                actor=requester, instrument=instrument, start=start, end=end, mode=mode, purpose=_purpose(key)
            )

        booking = _first_accepted(request, first_day=today + timedelta(days=days), hour=hour, minutes=minutes)
        if booking is None:
            seeder.say(f"  （{key}: 空き枠が見つからず作成できませんでした）")
            continue
        created += 1
        if then == "approve":
            booking_services.approve(actor=staff, booking=booking)
        elif then == "propose":
            _propose_later(staff, booking, minutes)
        elif then == "downtime":
            booking_services.approve(actor=staff, booking=booking)
            # Through the product's path for a downtime that hits a booking: staff keep it, the company is told.
            disruptions.add_downtime(
                actor=staff,
                instrument=instrument,
                resolutions=[disruptions.Resolution(booking=booking.id, action=disruptions.KEEP, reason=KEPT_REASON)],
                kind=Downtime.Kind.MAINTENANCE,
                title=DOWNTIME_TITLE,
                start=booking.start - timedelta(hours=1),
                end=booking.end + timedelta(hours=1),
                note="デモデータ",
            )
    created += _past_approved(seeder, today, made)
    seeder.report("今後の予約 (upcoming bookings)", len(FUTURE) + 1, created)


def _propose_later(staff, booking: Booking, minutes: int) -> None:
    """Staff propose the same hour a day or more later: the first day the rules accept."""
    for offset in range(1, SEARCH_DAYS):
        start = booking.start + timedelta(days=offset)
        try:
            booking_services.propose(
                actor=staff,
                booking=booking,
                start=start,
                end=start + timedelta(minutes=minutes),
                reason="ご希望の日は別の測定が入っているため、こちらの日時をご提案します。",
            )
            return
        except DomainError:
            continue


def _past_approved(seeder, today: date, made: set[str]) -> int:
    """An approved booking of `company` that ended on the last working day: its use is staff's to record."""
    key = "past-approved"
    if _purpose(key) in made:
        return 0
    instrument = seeder.instruments[("aist", "JSM-IT800")]
    day = today - timedelta(days=1)
    while day.weekday() >= 5 or jpholiday.is_holiday(day):
        day -= timedelta(days=1)
    opens = min((h.opens for h in instrument.opening_hours.all() if h.weekday == day.weekday()), default=time(9))
    start = datetime.combine(day, opens, tzinfo=TOKYO)
    end = start + timedelta(minutes=max(instrument.min_minutes, 60))
    if Booking.objects.filter(instrument=instrument, status__in=Booking.HOLDING, start__lt=end, end__gt=start).exists():
        return 0
    booking = past.PastBooking(
        uid=past.history_uid("demo/past-approved", 1),
        customer="company",
        start=start,
        end=end,
        mode="assisted",
        status=Booking.Status.APPROVED,
        samples=1,
        created_at=start - timedelta(days=7),
        decided_at=start - timedelta(days=6),
        actual_start=None,
        actual_end=None,
    )
    pricer = booking_history.HistoryPricer(instrument, booking_history.ProductFacts(), on=day)
    user, company = seeder.users["company"], seeder.companies["ishikari"]
    row = booking_history._row(booking, instrument, user, company, pricer, decided_by=seeder.users["staff"])
    row.purpose = _purpose(key)
    row.save()
    Booking.objects.filter(pk=row.pk).update(created_at=booking.created_at)
    return 1
