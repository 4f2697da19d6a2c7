"""The demo's operators (専門人材, docs/operators.md), called by `seed_demo` in two stages.

`seed` (before the booking history): the staff who run the instruments' assisted and commissioned bookings, each
qualified for their institution's operated instruments through the product's service and given a weekly pattern; one
lending agreement (道総研 lends `staff3` to AIST for two instruments, confirmed by both institutions' administrators);
absences (a leave day, a business trip, a past trip). The future bookings that the upcoming stage approves through
`bookings.services.approve` get their operator from the product itself.

`assign_history` (after every booking stage): the past bookings that were operated (completed assisted and commissioned
history, and the ended approved booking of the upcoming stage) are historical fixtures, so their assignments are too:
bulk-written through the product's pure rules (`staffing.rules.operator_hold`, `at_work`, `free_time`, `can_take`) in
the order of `staffing.selectors.candidates_for`, so no operator is ever held twice at once, outside their working
hours or while away, and a lent operator only under an agreement in force that day. A past operated booking no operator
could take stays without an assignment: the history predates the operators' records, and its hours were run by staff
who are not registered as operators.

The operator rows, working hours, absences and the agreement are written here directly (the staffing services of
issue #20 are another slice's); every rule they must obey is the models' (constraints) and is checked by
tests/devtools/test_seed_demo.py.
"""

import secrets
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from backend.intervals import Interval
from backend.tokyo import TOKYO
from bookings import selectors as booking_selectors
from bookings.models import Assignment, Booking
from consortia import services as consortia_services
from consortia.models import User
from devtools.demo import data
from devtools.demo import history as past
from equipment import services as equipment_services
from equipment.models import Qualification
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing.models import Absence, LendingAgreement, Operator, WorkingHours

WEEKDAYS = range(5)
DAY = (time(8, 30), time(17, 30))  # the instruments open 09:00–17:00; set-up and clean-up reach 30 minutes beyond
SATURDAY_MORNING = (time(8, 30), time(12, 30))  # instruments open on Saturday 09:00–12:00

# Operators without a demo login (their institution has no demo staff user): (username, family, given, readings,
# institution key). Like the history's requesters, they cannot log in; they hold the staff role of their institution.
OPERATOR_USERS = [
    ("op-muroran", "佐藤", "大樹", "サトウ", "ダイキ", "muroran"),
    ("op-tomakomai", "菅原", "陽子", "スガワラ", "ヨウコ", "tomakomai"),
    ("op-tuat", "清水", "修", "シミズ", "オサム", "tuat"),
    ("op-kistec", "長谷川", "望", "ハセガワ", "ノゾミ", "kistec"),
    ("op-saitec", "村上", "達也", "ムラカミ", "タツヤ", "saitec"),
    ("op-tokyo-kosen", "近藤", "沙織", "コンドウ", "サオリ", "tokyo_kosen"),
]

# username: (institution key, weekly pattern as (weekdays, from, until) stretches, consents to be named in reports)
OPERATORS = {
    "staff": ("aist", [(WEEKDAYS, *DAY)], True),
    "staff2": ("tiri", [(WEEKDAYS, *DAY)], True),
    "staff3": ("doken", [(range(4), *DAY)], False),  # Monday to Thursday: part-time at 道総研
    "staff4": ("hokudai", [(WEEKDAYS, *DAY), ((5,), *SATURDAY_MORNING)], True),
    "op-muroran": ("muroran", [(WEEKDAYS, *DAY)], False),
    "op-tomakomai": ("tomakomai", [(WEEKDAYS, *DAY)], True),
    "op-tuat": ("tuat", [(WEEKDAYS, *DAY)], False),
    "op-kistec": ("kistec", [(WEEKDAYS, *DAY)], True),
    "op-saitec": ("saitec", [(WEEKDAYS, *DAY), ((5,), *SATURDAY_MORNING)], False),
    "op-tokyo-kosen": ("tokyo_kosen", [(WEEKDAYS, *DAY)], False),
}

# The lending agreement: the lender's operator runs the borrower's named instruments (institution, model).
AGREEMENT = {
    "consortium": "hokkaido",
    "lender": "doken",
    "borrower": "aist",
    "operator": "staff3",
    "instruments": [("aist", "JSM-IT800"), ("aist", "XT H 225")],
    "hourly_rate_jpy": 4400,
    "note": "デモ: 道総研の電子顕微鏡・X線CT担当者を産総研の依頼分析に派遣",
}
LENDER_ADMIN, BORROWER_ADMIN = "staff3", "staff"

# Absences: (username, kind, days from today (negative: past), days long, title). Whole working days, 08:30–17:30.
ABSENCES = [
    ("staff", Absence.Kind.LEAVE, 15, 1, "年次休暇"),
    ("staff2", Absence.Kind.TRIP, 17, 2, "出張（学会発表）"),
    ("staff4", Absence.Kind.TRIP, -60, 2, "出張（装置メーカー講習）"),
]

OPERATED_PAST = (Booking.Status.COMPLETED, Booking.Status.APPROVED)


def seed(seeder) -> None:
    created = _users(seeder)
    made = qualified = 0
    for username, (inst_key, pattern, named) in OPERATORS.items():
        user = seeder.users[username]
        institution = seeder.institutions[inst_key]
        operator = Operator.objects.filter(user=user).first()
        if operator is None:
            operator = Operator.objects.create(user=user, institution=institution, named_in_reports=named)
            WorkingHours.objects.bulk_create(
                WorkingHours(operator=operator, weekday=day, starts=starts, ends=ends)
                for days, starts, ends in pattern
                for day in days
            )
            made += 1
        seeder.operators[username] = operator
        qualified += _qualify(seeder, user, [i for (key, _m), i in seeder.instruments.items() if key == inst_key])
    agreement = _agreement(seeder)
    qualified += _qualify_lent(seeder, agreement)
    away = _absences(seeder)
    seeder.report(
        "技術職員 (operators)",
        len(OPERATORS),
        made,
        f"、ログインなしの職員 {created} 名、操作資格 {qualified} 件、派遣協定 1 件、不在 {away} 件を追加",
    )


def _users(seeder) -> int:
    created = 0
    for username, last, first, last_kana, first_kana, inst_key in OPERATOR_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = consortia_services.create_user(
                actor=seeder.admin,
                username=username,
                password=secrets.token_urlsafe(24),
                last_name=last,
                first_name=first,
                last_name_kana=last_kana,
                first_name_kana=first_kana,
                email=f"{username}@example.jp",
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            created += 1
        consortia_services.grant_role(user=user, kind="staff", institution=seeder.institutions[inst_key], via="seed")
        seeder.users[username] = user
    return created


def _qualify(seeder, user, instruments) -> int:
    """Qualify the operator, through the product's service, for each instrument with an operated mode."""
    added = 0
    for instrument in instruments:
        if not any(booking_selectors.needs_operator(mode) for mode in instrument.modes):
            continue
        if Qualification.objects.filter(instrument=instrument, user=user, revoked_at__isnull=True).exists():
            continue
        equipment_services.grant_qualification(
            actor=seeder.admin, instrument=instrument, user=user, note="デモ: 技術職員（オペレーター）"
        )
        added += 1
    return added


def _qualify_lent(seeder, agreement: LendingAgreement) -> int:
    """The borrower's qualification of the lent operator for the agreement's instruments. Written directly: the
    product's `grant_qualification` qualifies only users who may book the instrument (`may_be_qualified`), which a
    fellow institution's staff member may not; how a borrower qualifies a lent operator is not decided yet."""
    added = 0
    for instrument in agreement.instruments.all():
        _qualification, made = Qualification.objects.get_or_create(
            instrument=instrument,
            user=agreement.operator.user,
            revoked_at=None,
            defaults={"granted_by": seeder.users[BORROWER_ADMIN], "note": "デモ: 派遣協定による技術職員"},
        )
        added += made
    return added


def _agreement(seeder) -> LendingAgreement:
    """The one agreement, in force from the history's first day for two years, confirmed by both administrators."""
    operator = seeder.operators[AGREEMENT["operator"]]
    lender, borrower = seeder.institutions[AGREEMENT["lender"]], seeder.institutions[AGREEMENT["borrower"]]
    agreement = LendingAgreement.objects.filter(operator=operator, lender=lender, borrower=borrower).first()
    if agreement is not None:
        return agreement
    today = timezone.localdate()
    since = past.first_day(today, data.HISTORY_MONTHS)
    confirmed = datetime.combine(since - timedelta(days=14), time(10), tzinfo=TOKYO)
    agreement = LendingAgreement.objects.create(
        consortium=seeder.consortia[AGREEMENT["consortium"]],
        lender=lender,
        borrower=borrower,
        operator=operator,
        valid_from=since,
        valid_until=today + timedelta(days=365),
        hourly_rate_jpy=AGREEMENT["hourly_rate_jpy"],
        note=AGREEMENT["note"],
        created_by=seeder.users[LENDER_ADMIN],
        lender_confirmed_by=seeder.users[LENDER_ADMIN],
        lender_confirmed_at=confirmed - timedelta(days=3),
        borrower_confirmed_by=seeder.users[BORROWER_ADMIN],
        borrower_confirmed_at=confirmed,
    )
    agreement.instruments.set([seeder.instruments[key] for key in AGREEMENT["instruments"]])
    return agreement


def _absences(seeder) -> int:
    """Each absence on the first weekday from its offset on, whole working days; recognised by its title."""
    today = timezone.localdate()
    added = 0
    for username, kind, days, length, title in ABSENCES:
        operator = seeder.operators[username]
        if Absence.objects.filter(operator=operator, title=title).exists():
            continue
        first = past.next_weekday(today + timedelta(days=days))
        last = first + timedelta(days=length - 1)
        Absence.objects.create(
            operator=operator,
            kind=kind,
            title=title,
            start=datetime.combine(first, DAY[0], tzinfo=TOKYO),
            end=datetime.combine(last, DAY[1], tzinfo=TOKYO),
            created_by=seeder.users[username],
        )
        added += 1
    return added


# --- The past: assignments of the operated history ----------------------------------------------------------------


def assign_history(seeder) -> None:
    """Assign an operator to every past operated booking one can take, in time order (see the module's docstring)."""
    now = timezone.now()
    bookings = list(
        Booking.objects.filter(
            instrument__in=list(seeder.instruments.values()),
            mode__in=booking_selectors.OPERATED_MODES,
            status__in=OPERATED_PAST,
            end__lte=now,
        )
        .exclude(assignments__isnull=False)
        .select_related("instrument")
        .order_by("start", "id")
    )
    if not bookings:
        seeder.report("過去の担当割当 (past operator assignments)", Assignment.objects.count(), 0)
        return
    today = timezone.localdate()
    candidates = {i.id: staffing_selectors.candidates_for(i, today) for i in seeder.instruments.values()}
    operator_ids = {c.operator.id for found in candidates.values() for c in found}
    first, last = bookings[0].start - timedelta(days=1), bookings[-1].end + timedelta(days=1)
    times = staffing_selectors.time_of(operator_ids, first, last)
    held = booking_selectors.assignment_holds(operator_ids, first, last)
    rows, unassigned = [], 0
    for booking in bookings:
        hold = booking_selectors.operator_hold_of(booking.instrument, booking.start, booking.end)
        day = booking.start.astimezone(TOKYO).date()
        taker = _first_able(candidates[booking.instrument_id], hold, day, times, held)
        if taker is None:
            unassigned += 1
            continue
        held[taker.operator.id].append(hold)
        rows.append(
            Assignment(
                booking=booking,
                operator=taker.operator,
                hold_start=hold.start,
                hold_end=hold.end,
                agreement=taker.agreement,
                assigned_by_id=booking.decided_by_id,
            )
        )
    Assignment.objects.bulk_create(rows, batch_size=500)
    # assigned_at is auto_now_add: put back the time the booking was approved, when the assignment was made.
    Assignment.objects.filter(booking__in=[row.booking_id for row in rows], released_at__isnull=True).update(
        assigned_at=Subquery(Booking.objects.filter(pk=OuterRef("booking_id")).values("decided_at")[:1])
    )
    seeder.report(
        "過去の担当割当 (past operator assignments)",
        Assignment.objects.count(),
        len(rows),
        f"、担当者なしの過去の依頼 {unassigned} 件",
    )


def _first_able(found, hold: Interval, day: date, times, held):
    """The first candidate (own institution first, then lent ones in force that day) who can take the hold."""
    for candidate in found:
        agreement = candidate.agreement
        if agreement is not None and not (agreement.valid_from <= day <= agreement.valid_until):
            continue
        operator_time = times[candidate.operator.id]
        free = staffing_rules.free_time(
            staffing_rules.at_work(operator_time.weekly, hold.start, hold.end),
            absences=operator_time.absences,
            assignments=[h for h in held[candidate.operator.id] if h.start < hold.end and hold.start < h.end],
        )
        if staffing_rules.can_take(hold, free):
            return candidate
    return None
