"""The demo's booking history, called by `seed_demo` before the stages that build on it.

The past 15 months of bookings (drawn by devtools/demo/history.py) are historical fixtures: bulk-inserted in their
final state, with no event log, since no service acts on them; an instrument that already has its history is
skipped. Every rule a row depends on is the product's own, applied through its pure functions: the user category
(`equipment.selectors.user_category_from_roles` on the requester's roles), the quote (`bookings.fees.category_rate`
and `fees.quote`, with the institution's fee policy and region), the hold (`rules.held_interval`), the decision
deadline (`rules.decision_deadline`) and the sequence number (`rules.sequence_after`).
"""

import secrets
from datetime import date, datetime, time, timedelta

from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from backend.tokyo import TOKYO
from bookings import fees, pricing, rules
from bookings import selectors as booking_selectors
from bookings.models import Booking
from consortia import services as consortia_services
from consortia.models import Company, User
from consortia.selectors import access_for, fellow_member_ids, region_of
from devtools.demo import data
from devtools.demo import history as past
from equipment import selectors as equipment_selectors
from equipment import services as equipment_services
from equipment.models import Downtime, Instrument

PURPOSE = "デモ履歴: 製品評価のための分析"
REJECTION = "装置の調整期間のため"


def seed(seeder) -> None:
    today = timezone.localdate()
    requesters = _requesters(seeder)
    downtimes = _downtimes(seeder, today)
    since, until = past.first_day(today, data.HISTORY_MONTHS), today - timedelta(days=1)
    have = set(Booking.objects.filter(uid__in=_first_uids(seeder)).values_list("instrument_id", flat=True))
    instruments = Instrument.objects.filter(id__in=[i.id for i in seeder.instruments.values()]).prefetch_related(
        "opening_hours"
    )
    by_id = {i.id: i for i in instruments}
    facts = ProductFacts()
    rows, created_at = [], []
    for (inst_key, model), instrument in seeder.instruments.items():
        if instrument.id in have:
            continue
        instrument = by_id[instrument.id]
        pricer = HistoryPricer(instrument, facts, on=until)
        drawn = past.history(
            _history_instrument(inst_key, model, instrument, downtimes),
            _customers(inst_key),
            since=since,
            until=until,
        )
        for booking in drawn:
            user, company = requesters[booking.customer]
            rows.append(_row(booking, instrument, user, company, pricer, decided_by=seeder.admin))
            created_at.append(booking.created_at)
    made = Booking.objects.bulk_create(rows, batch_size=500)
    _restore_created_at(made, created_at)
    seeder.report("利用履歴 (booking history)", Booking.objects.count(), len(rows), f"、{since:%Y-%m-%d}以降")


def _restore_created_at(made, created_at) -> None:
    """created_at is auto_now_add: put the history's request times back, 100 rows per UPDATE."""
    pairs = list(zip((b.uid for b in made), created_at, strict=True))
    for i in range(0, len(pairs), 100):
        chunk = pairs[i : i + 100]
        Booking.objects.filter(uid__in=[uid for uid, _at in chunk]).update(
            created_at=Case(*(When(uid=uid, then=Value(at)) for uid, at in chunk), output_field=DateTimeField())
        )


class ProductFacts:
    """What the product reads from the database to price and categorise a booking, read once per key."""

    def __init__(self):
        self._regions: dict[tuple[int, date], set[str]] = {}
        self._fellows: dict[tuple[int, date], set[int]] = {}

    def region(self, institution_id: int, day: date) -> set[str]:
        key = (institution_id, day)
        if key not in self._regions:
            self._regions[key] = region_of(institution_id, day)
        return self._regions[key]

    def fellows(self, institution_id: int, day: date) -> set[int]:
        key = (institution_id, day)
        if key not in self._fellows:
            self._fellows[key] = fellow_member_ids(institution_id, day)
        return self._fellows[key]


class HistoryPricer:
    """One instrument's rules as the product applies them to a request: who pays which rate, and the quote."""

    def __init__(self, instrument: Instrument, facts: ProductFacts, *, on: date):
        self.instrument, self.facts = instrument, facts
        self.policy = booking_selectors.policy_of(instrument)
        self.terms = pricing.fee_terms_of(instrument.institution_id)
        self.rates = {(r.user_category, r.mode): r for r in equipment_selectors.rates_in_force(instrument, on=on)}

    def user_category(self, user: User, company: Company | None, day: date) -> str:
        access = access_for(user)
        category = equipment_selectors.user_category_from_roles(
            institution_id=self.instrument.institution_id,
            staff_of=access.staff_of,
            researcher_of=access.researcher_of,
            company_size=company.size if company else None,
            fellow_members=lambda: self.facts.fellows(self.instrument.institution_id, day),
        )
        if category is None:
            raise ValueError(f"demo data: {user.username} may not book {self.instrument.name}")
        return category

    def quote(self, *, category: str, company: Company | None, mode: str, start: datetime, end: datetime) -> dict:
        day = start.astimezone(TOKYO).date()
        is_company = fees.is_company_booking(category, company)
        outside = is_company and fees.is_outside(
            company.prefecture, self.facts.region(self.instrument.institution_id, day)
        )
        return fees.quote(
            rate=fees.category_rate(
                user_category=category, mode=mode, terms=self.terms, rate_of=lambda c, m: self.rates.get((c, m))
            ),
            terms=self.terms,
            instrument_name=self.instrument.name,
            instrument_name_en=self.instrument.name_en,
            mode=mode,
            start=start,
            end=end,
            confidential=False,
            outside_region=outside,
        )


def _row(booking: past.PastBooking, instrument, user, company, pricer: HistoryPricer, *, decided_by) -> Booking:
    category = pricer.user_category(user, company, booking.start.astimezone(TOKYO).date())
    hold = rules.held_interval(rules.Interval(booking.start, booking.end), pricer.policy)
    approved = booking.decided_at is not None and booking.status != "rejected"
    return Booking(
        uid=booking.uid,
        instrument=instrument,
        requester=user,
        company=company,
        user_category=category,
        start=booking.start,
        end=booking.end,
        hold_start=hold.start,
        hold_end=hold.end,
        mode=booking.mode,
        purpose=PURPOSE,
        status=booking.status,
        quote=pricer.quote(category=category, company=company, mode=booking.mode, start=booking.start, end=booking.end),
        quote_fixed_at=booking.decided_at if approved else None,
        decision_reason=REJECTION if booking.status == "rejected" else "",
        decided_by=decided_by if booking.decided_at else None,
        decided_at=booking.decided_at,
        expires_at=rules.decision_deadline(
            requested_at=booking.created_at, start=booking.start, decision_limit_hours=instrument.decision_limit_hours
        ),
        actual_start=booking.actual_start,
        actual_end=booking.actual_end,
        sequence=rules.sequence_after(booking.status, approved=approved),
    )


def _first_uids(seeder):
    """The first uids of every instrument's history: an instrument with one of them has its history."""
    keys = [f"{inst_key}/{model}" for inst_key, model in seeder.instruments]
    return [past.history_uid(key, n) for key in keys for n in (1, 2, 3)]


def _requesters(seeder) -> dict[str, tuple[User, Company | None]]:
    created = 0
    for username, last, first, last_kana, first_kana, company_key in data.HISTORY_USERS:
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
        consortia_services.grant_role(
            user=user, kind="company_member", company=seeder.companies[company_key], via="seed"
        )
        seeder.users[username] = user
    seeder.report("履歴の利用者 (history requesters, no login)", len(data.HISTORY_USERS), created)
    company_of = {"company": seeder.companies["ishikari"], "company2": seeder.companies["musashino"]}
    company_of.update({u: seeder.companies[c] for u, *_name, c in data.HISTORY_USERS})
    return {name: (user, company_of.get(name)) for name, user in seeder.users.items()}


def _downtimes(seeder, today) -> dict[int, set]:
    """Past downtimes (through the service); returns the days each instrument had downtime."""
    created = 0
    for inst_key, model, days_ago, start_hour, end_hour, title, kind in data.HISTORY_DOWNTIMES:
        instrument = seeder.instruments[(inst_key, model)]
        if Downtime.objects.filter(instrument=instrument, title=title).exists():
            continue
        day = past.next_weekday(today - timedelta(days=days_ago))
        equipment_services.add_downtime(
            actor=seeder.admin,
            instrument=instrument,
            kind=kind,
            title=title,
            start=datetime.combine(day, time(start_hour), tzinfo=TOKYO),
            end=datetime.combine(day, time(end_hour), tzinfo=TOKYO),
            note="デモデータ（過去）",
        )
        created += 1
    seeder.report("過去の停止期間 (past downtime)", len(data.HISTORY_DOWNTIMES), created)
    days: dict[int, set] = {}
    for instrument_id, start, end in Downtime.objects.filter(
        instrument__in=seeder.instruments.values(), end__lt=timezone.now()
    ).values_list("instrument_id", "start", "end"):
        local_start, local_end = start.astimezone(TOKYO), end.astimezone(TOKYO)
        day = local_start.date()
        while day <= local_end.date():
            days.setdefault(instrument_id, set()).add(day)
            day += timedelta(days=1)
    return days


def _history_instrument(inst_key, model, instrument, downtimes) -> past.HistoryInstrument:
    return past.HistoryInstrument(
        key=f"{inst_key}/{model}",
        weekly_hours=tuple((h.weekday, h.opens, h.closes) for h in instrument.opening_hours.all()),
        modes=tuple(instrument.modes),
        slot_minutes=instrument.slot_minutes,
        min_minutes=instrument.min_minutes,
        max_minutes=instrument.max_minutes,
        setup_minutes=instrument.setup_minutes,
        cleanup_minutes=instrument.cleanup_minutes,
        busy_days=frozenset(downtimes.get(instrument.id, ())),
    )


def _customers(inst_key) -> list[tuple[str, int]]:
    customers = []
    for slug, _joined in data.INSTITUTIONS[inst_key][1]:
        customers += data.HISTORY_CUSTOMERS[slug]
    customers += [(username, 2) for username, key in data.HISTORY_INTERNAL.items() if key == inst_key]
    return customers
