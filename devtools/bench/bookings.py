"""The bench bookings as rows (plain data, no ORM): `generate_bookings` streams them as tuples of database-ready
values, instrument by instrument, each built by the product's own rules (`bookings.fees`, `bookings.rules`,
`equipment.selectors.user_category_from_roles` upstream in `bench_seed`)."""

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from bookings import fees, rules

from . import names
from .packing import FILL, DayProfile, allocate
from .world import Span, working_days

EPOCH = date(1970, 1, 1).toordinal()
TOKYO_OFFSET = 540  # minutes: Asia/Tokyo is UTC+9 all year

# --- Bookings --------------------------------------------------------------------------------------------------------

BOOKING_COLUMNS = (
    "id",
    "uid",
    "instrument_id",
    "requester_id",
    "company_id",
    "user_category",
    "start",
    "end",
    "hold_start",
    "hold_end",
    "mode",
    "purpose",
    "sample",
    "confidential",
    "status",
    "consumables",
    "quote",
    "quote_fixed_at",
    "proposal_pending",
    "decision_reason",
    "decided_by_id",
    "decided_at",
    "expires_at",
    "actual_start",
    "actual_end",
    "sequence",
    "created_at",
    "updated_at",
)


@dataclass
class BookableInstrument:
    """An instrument as the booking generator needs it (ids from the database)."""

    id: int
    institution_id: int
    name: str
    name_en: str
    category: str
    demand: float
    profile: DayProfile
    modes: tuple[str, ...]
    setup: int
    cleanup: int
    rates: dict  # (user category, mode) -> fees.RateAmount
    terms: fees.FeeTerms  # the institution's fee policy
    region: frozenset[str]  # prefectures of the institution's consortia
    staff_ids: tuple[int, ...]
    researchers: tuple[tuple[int, str], ...]  # (user id, user category) who may book it as researchers
    staff_category: str = "internal"  # what its own staff pay (equipment.selectors.user_category_from_roles)
    decision_limit_hours: int = 72


@dataclass
class Customer:
    company_id: int
    size: str
    category: str  # the rate its users pay (equipment.selectors.user_category_from_roles of the size)
    prefecture: str
    user_ids: tuple[int, ...]
    activity: float


@dataclass
class Stats:
    bookings: int = 0
    by_status: dict = field(default_factory=dict)
    packed_days: int = 0  # instrument-days with more than one booking
    most_in_a_day: int = 0
    quotes_built: int = 0


class Timestamps:
    """Epoch minutes (UTC) → the database's text form of a timestamp, through a day table and a minute table.
    SQLite (Django) keeps naive UTC text `YYYY-MM-DD HH:MM:SS`; PostgreSQL gets `+00` appended."""

    def __init__(self, first: date, last: date, suffix: str):
        self.base = first.toordinal() - EPOCH
        self.days = [(first + timedelta(days=n)).isoformat() + " " for n in range((last - first).days + 1)]
        self.minutes = [f"{m // 60:02d}:{m % 60:02d}:00{suffix}" for m in range(1440)]

    def __call__(self, minute: int) -> str:
        return self.days[minute // 1440 - self.base] + self.minutes[minute % 1440]


def tokyo_midnight_minute(day: date) -> int:
    return (day.toordinal() - EPOCH) * 1440 - TOKYO_OFFSET


def _moment(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


def _minute(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


def hold_widening(setup: int, cleanup: int) -> tuple[int, int]:
    """Minutes `rules.held_interval` adds before and after a booking with these buffers (asked once per
    instrument: the bench works in epoch minutes)."""
    policy = rules.InstrumentPolicy(setup_minutes=setup, cleanup_minutes=cleanup)
    start, end = _moment(0), _moment(60)
    hold = rules.held_interval(rules.Interval(start, end), policy)
    return _minute(start) - _minute(hold.start), _minute(hold.end) - _minute(end)


def decision_deadline_minute(created: int, start: int, decision_limit_hours: int) -> int:
    """`rules.decision_deadline` in epoch minutes."""
    deadline = rules.decision_deadline(
        requested_at=_moment(created), start=_moment(start), decision_limit_hours=decision_limit_hours
    )
    return _minute(deadline)


def generate_bookings(
    instruments: list[BookableInstrument],
    customers: list[Customer],
    *,
    total: int,
    span: Span,
    seed: int,
    first_id: int,
    timestamp_suffix: str = "",
    stats: Stats | None = None,
):
    """Yield `total` booking rows (tuples in BOOKING_COLUMNS order), instrument by instrument.

    Demand is skewed (each instrument's `demand`, months by names.MONTH_DEMAND); an instrument gets at most FILL of
    what fits at minimum length, and a busy day packs several bookings one after another (DayProfile). Bookings that
    ended before `span.now` are mostly completed (some rejected, cancelled, no-show, expired); later ones are
    approved or pending, so they hold their time. Raises ValueError(capacity) when `total` does not fit.
    """
    stats = stats if stats is not None else Stats()
    draw = BookingDraw(instruments, customers, span=span, seed=seed, timestamp_suffix=timestamp_suffix, stats=stats)
    capacities = [int(i.profile.capacity * len(draw.days) * FILL) for i in instruments]
    counts = allocate([i.demand for i in instruments], capacities, total)
    next_id = first_id
    for instrument, count in zip(instruments, counts, strict=True):
        if count:
            for row in draw.rows_of(instrument, count):
                yield (next_id, *row)
                next_id += 1
    stats.bookings = next_id - first_id


@dataclass
class Outcome:
    """Where a drawn booking stands now, in epoch minutes."""

    status: str
    created: int
    updated: int
    decided_at: int | None = None
    fixed_at: int | None = None
    reason: str = ""
    actual_start: int | None = None
    actual_end: int | None = None


class BookingDraw:
    """The random stream of `generate_bookings` and what every row needs (timestamps, customer pools, quotes)."""

    def __init__(self, instruments, customers, *, span: Span, seed: int, timestamp_suffix: str, stats: Stats):
        self.rng = random.Random(f"bench-bookings-{seed}")
        self.stats = stats
        self.days = working_days(span.first_day, span.last_day)
        self.day_bases = [tokyo_midnight_minute(d) for d in self.days]
        self.day_weights = list(accumulate(names.MONTH_DEMAND[d.month] for d in self.days))
        self.ts = Timestamps(span.first_day - timedelta(days=120), span.last_day + timedelta(days=2), timestamp_suffix)
        self.now = span.now_minute
        self.by_region = _customer_pools(customers, {i.region for i in instruments})
        self.quote_of = _quote_cache(stats)

    def rows_of(self, instrument: BookableInstrument, count: int):
        """The rows (without their id) of `count` bookings of one instrument, day by day."""
        rng, stats = self.rng, self.stats
        per_day = self.spread(instrument.profile, count)
        pool, pool_weights = self.by_region[instrument.region]
        picks = iter(rng.choices(pool, cum_weights=pool_weights, k=count))
        before, after = hold_widening(instrument.setup, instrument.cleanup)
        for d, k in enumerate(per_day):
            if not k:
                continue
            if k > 1:
                stats.packed_days += 1
                stats.most_in_a_day = max(stats.most_in_a_day, k)
            base = self.day_bases[d]
            for s, e in instrument.profile.pack(rng, k):
                yield self.row(instrument, next(picks), base + s, base + e, (before, after))

    def spread(self, profile: DayProfile, count: int) -> list[int]:
        """Bookings per working day: drawn by the month's demand, at most FILL of a day's capacity where possible."""
        rng, day_count = self.rng, len(self.days)
        cap = max(1, int(profile.capacity * FILL + 0.999))
        per_day = [0] * day_count
        overflow = 0
        for d in rng.choices(range(day_count), cum_weights=self.day_weights, k=count):
            if per_day[d] < cap:
                per_day[d] += 1
            else:
                overflow += 1
        while overflow:
            d = rng.randrange(day_count)
            if per_day[d] < profile.capacity:
                per_day[d] += 1
                overflow -= 1
        return per_day

    def requester(self, instrument: BookableInstrument, customer: Customer) -> tuple[int, int | None, str, str]:
        """(user id, company id, user category, company prefecture): now and then its own staff or a researcher."""
        rng = self.rng
        r = rng.random()
        if r < 0.04 and instrument.staff_ids:
            return rng.choice(instrument.staff_ids), None, instrument.staff_category, ""
        if r < 0.07 and instrument.researchers:
            requester, category = rng.choice(instrument.researchers)
            return requester, None, category, ""
        return rng.choice(customer.user_ids), customer.company_id, customer.category, customer.prefecture

    def row(self, instrument: BookableInstrument, customer: Customer, start: int, end: int, widening) -> tuple:
        rng, ts = self.rng, self.ts
        requester, company_id, category, prefecture = self.requester(instrument, customer)
        mode = rng.choice(instrument.modes)
        confidential = rng.random() < 0.1
        samples = rng.randint(1, 6)  # named in the sample text; the product prices every booking as one sample
        is_company = fees.is_company_booking(category, company_id)
        outside = is_company and fees.is_outside(prefecture, instrument.region)
        quote = self.quote_of(instrument, category, mode, end - start, confidential, outside)
        limit = instrument.decision_limit_hours
        outcome = self.past(start, end, limit) if end <= self.now else self.ahead(start)
        self.stats.by_status[outcome.status] = self.stats.by_status.get(outcome.status, 0) + 1
        before, after = widening
        deadline = decision_deadline_minute(outcome.created, start, limit)
        sequence = rules.sequence_after(outcome.status, approved=outcome.fixed_at is not None)
        return (  # in BOOKING_COLUMNS order, without the id
            "%032x" % _uuid4_bits(rng),
            instrument.id,
            requester,
            company_id,
            category,
            ts(start),
            ts(end),
            ts(start - before),
            ts(end + after),
            mode,
            rng.choice(names.PURPOSES),
            f"試料{samples}点",
            int(confidential),
            outcome.status,
            "[]",
            quote,
            _ts_or_none(ts, outcome.fixed_at),
            0,
            outcome.reason,
            rng.choice(instrument.staff_ids) if outcome.decided_at is not None else None,
            _ts_or_none(ts, outcome.decided_at),
            ts(deadline),
            _ts_or_none(ts, outcome.actual_start),
            _ts_or_none(ts, outcome.actual_end),
            sequence,
            ts(outcome.created),
            ts(outcome.updated),
        )

    def past(self, start: int, end: int, decision_limit_hours: int) -> Outcome:
        """A booking that has ended: mostly completed; some cancelled, rejected, expired or no-show."""
        rng = self.rng
        created = start - rng.randint(1, 30) * 1440 - rng.randrange(600)
        r = rng.random()
        status = next(s for s, upto in PAST_STATUSES if r < upto)
        decided = status != "expired" and not (status == "cancelled" and rng.random() < 0.5)
        outcome = Outcome(status, created, updated=created)
        if decided:
            outcome.decided_at = min(created + rng.randint(30, 70 * 60), (created + start) // 2)
            if status != "rejected":
                outcome.fixed_at = outcome.decided_at
            else:
                outcome.reason = rng.choice(names.REJECT_REASONS)
        if status == "completed":
            outcome.actual_start = start + rng.choice((0, 0, 0, 5, 10))
            outcome.actual_end = end + rng.choice((0, 0, 0, -15, -30, 10))
            if outcome.actual_end <= outcome.actual_start:
                outcome.actual_end = end
        outcome.updated = _last_change(outcome, start, end, decision_limit_hours)
        return outcome

    def ahead(self, start: int) -> Outcome:
        """A booking not yet over: pending (asked in the last two days) or approved, so it holds its time."""
        rng, now = self.rng, self.now
        if start > now and rng.random() < 0.3:
            created = min(now - rng.randrange(2 * 1440), start - 60)
            return Outcome("pending", created, updated=created)
        created = min(start - rng.randint(2, 45) * 1440 - rng.randrange(600), now - 120)
        decided_at = min(created + rng.randint(30, 70 * 60), now - 60)
        return Outcome("approved", created, updated=decided_at, decided_at=decided_at, fixed_at=decided_at)


def _last_change(outcome: Outcome, start: int, end: int, decision_limit_hours: int) -> int:
    """When a past booking last changed: its use recorded, its cancellation, its expiry or its decision."""
    if outcome.status == "completed":
        return outcome.actual_end
    if outcome.status == "cancelled":
        return ((outcome.decided_at or outcome.created) + start) // 2
    if outcome.status == "expired":
        return decision_deadline_minute(outcome.created, start, decision_limit_hours)
    if outcome.status == "no_show":
        return end + 60
    return outcome.decided_at


PAST_STATUSES = (("completed", 0.80), ("cancelled", 0.88), ("rejected", 0.93), ("expired", 0.97), ("no_show", 1.01))


def _ts_or_none(ts: Timestamps, minute: int | None) -> str | None:
    return None if minute is None else ts(minute)


def _uuid4_bits(rng: random.Random) -> int:
    """128 random bits with the version (4) and variant (RFC 4122) of a uuid4, from the seeded stream."""
    bits = rng.getrandbits(128)
    return (bits & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)


def _customer_pools(customers: list[Customer], regions) -> dict:
    """Per region: every company, weighted by activity, companies of the region six times as likely."""
    pools = {}
    for region in regions:
        weights = [c.activity * (6 if c.prefecture in region else 1) for c in customers]
        pools[region] = (customers, list(accumulate(weights)))
    return pools


def _quote_cache(stats: Stats):
    """The booking's quote as JSON text, by the product's rules (`fees.category_rate`, `fees.quote`), memoised on
    what it depends on: a quote reads only the booking's length, never its date, so one start serves all.

    The rate of an (instrument, category, mode) is looked up once; instruments with the same name, rate, terms and
    mode share their quotes."""
    cache: dict = {}
    kinds: dict[tuple, int] = {}  # (name, rate, terms, mode) -> a small number
    by_instrument: dict[tuple, tuple] = {}  # (instrument id, category, mode) -> (kind, rate)
    start = datetime(2000, 1, 3, 0, 0, tzinfo=UTC)

    def quote_of(instrument, category, mode, minutes, confidential, outside):
        known = by_instrument.get((instrument.id, category, mode))
        if known is None:
            rate = fees.category_rate(
                user_category=category,
                mode=mode,
                terms=instrument.terms,
                rate_of=lambda c, m: instrument.rates.get((c, m)),
            )
            kind = kinds.setdefault((instrument.name, rate, instrument.terms, mode), len(kinds))
            known = by_instrument[(instrument.id, category, mode)] = (kind, rate)
        key = (known[0], minutes, confidential, outside)
        text = cache.get(key)
        if text is None:
            quote = fees.quote(
                rate=known[1],
                terms=instrument.terms,
                instrument_name=instrument.name,
                instrument_name_en=instrument.name_en,
                mode=mode,
                start=start,
                end=start + timedelta(minutes=minutes),
                confidential=confidential,
                outside_region=outside,
            )
            text = cache[key] = json.dumps(quote, ensure_ascii=False)
            stats.quotes_built += 1
        return text

    return quote_of
