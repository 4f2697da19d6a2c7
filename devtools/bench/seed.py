"""The bench data set (issue #10): a national-scale, realistic world and its booking history, as plain data.

Pure generation (no ORM, no database): `plan_world` draws consortia, institutions, companies, people and instruments;
`generate_bookings` streams a million booking rows as tuples of database-ready values. The command
(`bench_seed`) writes them with `bench.writer` (COPY on PostgreSQL, executemany on SQLite). One random stream,
seeded by `--seed`, makes the whole set reproducible.

Bench data is marked so it can be found, refused twice and replaced without touching anything else:
consortia by the slug prefix `bench-`, institutions and users by the e-mail domain `bench.example.jp` (users also
by the username prefix `bench-`), companies by the 法人番号 body prefix `7700`, and everything else through them.

The read helpers at the end (`bench_consortia`, `largest_bench_consortium`, `bench_instrument_ids`, …) find the bench
data again. No API token is written: only a key's hash is stored, so `bench` issues its own (bench.subjects).
"""

import json
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

import jpholiday

from bookings import fees, rules
from consortia.validators import corporate_number_check_digit
from devtools.demo.data import CATEGORIES, PROFILES, RATE_FACTORS
from reports.periods import fiscal_year_of

from . import names

SLUG_PREFIX = "bench-"
EMAIL_DOMAIN = "bench.example.jp"
USERNAME_PREFIX = "bench-"
COMPANY_BODY_PREFIX = "7700"  # 法人番号 body (12 digits) of bench companies: 7700 and an 8-digit number
INSTITUTION_BODY_PREFIX = "7701"  # ... and of bench institutions (their registration number is T + it)
JOINED_ON = date(2020, 4, 1)  # every membership covers the whole booking span
RATES_VALID_FROM = date(2024, 4, 1)
FILL = 0.8  # an instrument is booked at most this share of what fits with minimum-length bookings
EPOCH = date(1970, 1, 1).toordinal()
TOKYO_OFFSET = 540  # minutes: Asia/Tokyo is UTC+9 all year
TOKYO = ZoneInfo("Asia/Tokyo")


# --- Shapes ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    institutions: int = 200
    instruments: int = 5000
    bookings: int = 1_000_000
    companies: int = 3000
    seed: int = 2026
    ahead_days: int = 60


@dataclass(frozen=True)
class Span:
    """The booking span: the previous fiscal year's first day to `ahead_days` after today (Tokyo dates)."""

    first_day: date
    last_day: date
    now: datetime  # aware

    @property
    def now_minute(self) -> int:
        return int(self.now.timestamp() // 60)


def span_for(now: datetime, ahead_days: int) -> Span:
    today = now.astimezone(TOKYO).date()
    return Span(date(fiscal_year_of(today) - 1, 4, 1), today + timedelta(days=ahead_days), now)


def working_days(first: date, last: date) -> list[date]:
    """Monday to Friday from first to last inclusive, without Japanese public holidays."""
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and not jpholiday.is_holiday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def corporate_number(body: str) -> str:
    return f"{corporate_number_check_digit(body)}{body}"


@dataclass
class ConsortiumPlan:
    slug: str
    name: str
    name_en: str
    region: str
    prefectures: list[str]


@dataclass
class InstitutionPlan:
    name: str
    kind: str
    prefecture: str
    consortia: list[int]  # indexes into the consortia
    registration_number: str
    policy: tuple  # (confidential, outside_region, large_company or None, staff_rate_jpy or None)
    usage_report_due_days: int
    staff: list[tuple[str, str, str]] = field(default_factory=list)  # username, last, first
    researchers: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class CompanyPlan:
    name: str
    corporate_number: str
    size: str
    industry: str
    prefecture: str
    users: list[tuple[str, str, str]]  # username, last, first; the first is the company admin
    activity: float  # relative demand


@dataclass
class InstrumentPlan:
    institution: int  # index
    category: str  # code
    name: str
    name_en: str
    maker: str
    model: str
    location: str
    intervals: tuple[tuple[int, int], ...]  # opening intervals of each weekday, minutes since midnight
    modes: tuple[str, ...]
    slot: int
    min_minutes: int
    max_minutes: int
    setup: int
    cleanup: int
    demand: float  # relative demand

    @property
    def weekly_hours(self) -> list[tuple[int, time, time]]:
        return [(d, _clock(o), _clock(c)) for d in range(5) for o, c in self.intervals]

    def rates(self) -> list[tuple[str, str, int, str]]:
        """(user category, mode, yen, unit) like the demo's rate table: the SME rate of the category and mode,
        other categories by the same factors."""
        rows = []
        for mode in self.modes:
            sme_amount, unit = PROFILES[self.category]["rates"][mode]
            for user_category, factor in RATE_FACTORS.items():
                rows.append((user_category, mode, int(round(sme_amount * factor / 100.0)) * 100, unit))
        return rows


@dataclass
class World:
    consortia: list[ConsortiumPlan]
    institutions: list[InstitutionPlan]
    companies: list[CompanyPlan]
    instruments: list[InstrumentPlan]
    secretariats: list[tuple[str, str, str]]  # one per consortium


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _person(rng: random.Random, username: str) -> tuple[str, str, str]:
    return username, rng.choice(names.SURNAMES), rng.choice(names.GIVEN_NAMES)


# --- The world -------------------------------------------------------------------------------------------------------


def plan_world(sizes: Sizes, *, taken_institution_names: set[str] = frozenset()) -> World:
    """Consortia, institutions (a few in two consortia), companies with their users, instruments. Deterministic
    for a seed; institution names avoid `taken_institution_names` (they are unique in the database)."""
    rng = random.Random(f"bench-world-{sizes.seed}")
    count = max(1, min(len(names.CONSORTIA), math.ceil(sizes.institutions / 2)))
    specs = names.CONSORTIA[:count]
    consortia = [ConsortiumPlan(SLUG_PREFIX + slug, name, en, region, list(prefs))
                 for slug, name, en, region, prefs, _w in specs]  # fmt: skip
    institutions = _plan_institutions(rng, sizes.institutions, specs, taken_institution_names)
    companies = _plan_companies(rng, sizes.companies, specs)
    instruments = _plan_instruments(rng, sizes.instruments, institutions)
    secretariats = [_person(rng, f"{USERNAME_PREFIX}sec-{c.slug.removeprefix(SLUG_PREFIX)}") for c in consortia]
    return World(consortia, institutions, companies, instruments, secretariats)


def _plan_institutions(rng, count, specs, taken) -> list[InstitutionPlan]:
    weights = [w for *_rest, w in specs]
    kinds = [(k, share) for k, share, _i in names.INSTITUTION_KINDS]
    used = set(taken)
    result = []
    for i in range(count):
        home = i if i < len(specs) else rng.choices(range(len(specs)), weights=weights)[0]  # every one has a member
        kind = rng.choices([k for k, _s in kinds], weights=[s for _k, s in kinds])[0]
        prefecture = rng.choice(specs[home][4])
        name = _institution_name(rng, kind, prefecture, used)
        used.add(name)
        member_of = [home]
        # national labs and some universities belong to a second consortium (広域連携): about 8% in all
        if len(specs) > 1 and rng.random() < (0.5 if kind == "national_lab" else 0.03):
            member_of.append(rng.choice([c for c in range(len(specs)) if c != home]))
        policy = (
            rng.choice(["1.5", "2.0", "2.0"]),
            rng.choice(["1.0", "1.0", "1.2", "1.5"]),
            rng.choice(["1.3", "1.3", None]),
            rng.choice([3000, 4000, 4400, 5000, 6000, None]),
        )
        staff = [_person(rng, f"{USERNAME_PREFIX}s{i + 1:04d}-{n}") for n in range(1, 3)]
        researchers = [_person(rng, f"{USERNAME_PREFIX}r{i + 1:04d}-1")] if kind in ("university", "kosen") else []
        result.append(
            InstitutionPlan(
                name=name, kind=kind, prefecture=prefecture, consortia=member_of,
                registration_number="T" + corporate_number(f"{INSTITUTION_BODY_PREFIX}{i + 1:08d}"), policy=policy,
                usage_report_due_days=14 if kind == "public_testing" else 30, staff=staff, researchers=researchers,
            )
        )  # fmt: skip
    return result


def _institution_name(rng, kind, prefecture, used) -> str:
    for attempt in range(30):
        city = rng.choice(names.CITIES[prefecture])
        if kind == "university":
            name = f"{city}{rng.choice(names.UNIVERSITY_SUFFIXES)}"
        elif kind == "kosen":
            name = f"{city}工業高等専門学校"
        elif kind == "public_testing":
            name = f"{prefecture}{rng.choice(names.PUBLIC_TESTING_SUFFIXES)}"
            if attempt:
                name += f" {city}技術支援センター"
        else:
            name = f"国立研究開発法人{rng.choice(names.NATIONAL_LABS)} {city}センター"
        if name not in used:
            return name
    n = 2
    while f"{name}（第{n}）" in used:
        n += 1
    return f"{name}（第{n}）"


def _plan_companies(rng, count, specs) -> list[CompanyPlan]:
    prefectures = [p for *_r, prefs, _w in specs for p in prefs]
    weights = [w / len(prefs) for *_r, prefs, w in specs for _p in prefs]
    result = []
    for i in range(count):
        stem, suffix = rng.choice(names.COMPANY_STEMS), rng.choice(names.COMPANY_SUFFIXES)
        name = f"株式会社{stem}{suffix}" if rng.random() < 0.7 else f"{stem}{suffix}株式会社"
        users = [
            _person(rng, f"{USERNAME_PREFIX}c{i + 1:05d}-{n}") for n in range(1, 2 + min(3, int(rng.expovariate(0.7))))
        ]
        result.append(
            CompanyPlan(
                name=name, corporate_number=corporate_number(f"{COMPANY_BODY_PREFIX}{i + 1:08d}"),
                size="sme" if rng.random() < 0.8 else "large", industry=rng.choice(names.INDUSTRIES),
                prefecture=rng.choices(prefectures, weights=weights)[0], users=users,
                activity=rng.lognormvariate(0, 1.0),
            )
        )  # fmt: skip
    return result


def _plan_instruments(rng, count, institutions) -> list[InstrumentPlan]:
    kind_size = {k: s for k, _share, s in names.INSTITUTION_KINDS}
    holding = [kind_size[i.kind] * rng.lognormvariate(0, 0.5) for i in institutions]
    owners = list(range(len(institutions)))[:count]  # every institution holds one at least
    owners += rng.choices(range(len(institutions)), weights=holding, k=count - len(owners))
    codes = list(names.CATEGORY_POPULARITY)
    popularity = [names.CATEGORY_POPULARITY[c] for c in codes]
    category_names = {code: (name, en) for code, name, en, _k in CATEGORIES}
    result = []
    for owner in sorted(owners):
        code = rng.choices(codes, weights=popularity)[0]
        profile = PROFILES[code]
        maker, model = rng.choice(names.MODELS[code])
        if institutions[owner].kind == "public_testing" or rng.random() < 0.3:
            intervals = ((540, 1020),)  # 9:00–17:00
        else:
            intervals = ((540, 720), (780, 1050))  # 9:00–12:00, 13:00–17:30
        setup, cleanup, slot = profile["setup"], profile["cleanup"], profile["slot"]
        longest = max(c - o for o, c in intervals)
        max_minutes = min(profile["max"], (longest - setup - cleanup) // slot * slot)
        min_minutes = min(profile["min"], max_minutes)
        name, name_en = category_names[code]
        result.append(
            InstrumentPlan(
                institution=owner, category=code, name=f"{name} {model}", name_en=f"{name_en} {model}",
                maker=maker, model=model, location=f"{rng.randint(1, 5)}号館 {rng.randint(1, 4)}{rng.randint(1, 30):02d}室",
                intervals=intervals, modes=tuple(profile["modes"]), slot=slot, min_minutes=min_minutes,
                max_minutes=max_minutes, setup=setup, cleanup=cleanup,
                demand=names.CATEGORY_POPULARITY[code] * rng.lognormvariate(0, 1.2),
            )
        )  # fmt: skip
    return result


# --- Packing a day ---------------------------------------------------------------------------------------------------


class DayProfile:
    """Places bookings in one day of an instrument: on the slot grid, each hold [start − set-up, end + clean-up)
    inside one opening interval, holds never overlapping. Shared by instruments with the same rules."""

    def __init__(self, intervals, slot, min_minutes, max_minutes, setup, cleanup):
        self.intervals, self.slot = intervals, slot
        self.min, self.max, self.setup, self.cleanup = min_minutes, max_minutes, setup, cleanup
        self._fits: dict[int, int] = {}
        self.capacity = self.fits_from(intervals[0][0])

    def first_start(self, cursor: int) -> tuple[int, int] | None:
        """The earliest start at or after `cursor` (hold included) where a minimum-length booking fits, with the
        close of its interval."""
        slot, setup, need = self.slot, self.setup, self.min + self.cleanup
        for opens, closes in self.intervals:
            start = -(-(max(cursor, opens) + setup) // slot) * slot
            if start + need <= closes:
                return start, closes
        return None

    def fits_from(self, cursor: int) -> int:
        """How many minimum-length bookings still fit from `cursor` on (memoised)."""
        known = self._fits.get(cursor)
        if known is None:
            known, at = 0, cursor
            while (found := self.first_start(at)) is not None:
                known += 1
                at = found[0] + self.min + self.cleanup
            self._fits[cursor] = known
        return known

    def pack(self, rng: random.Random, k: int) -> list[tuple[int, int]]:
        """k bookings (start, end) in minutes since midnight; k must not exceed `capacity`."""
        slot, lo, setup, cleanup = self.slot, self.min, self.setup, self.cleanup
        steps = (self.max - lo) // slot // k  # busier days get shorter bookings
        footprint = -(-(lo + setup + cleanup) // slot)  # slots
        out, cursor = [], self.intervals[0][0]
        for j in range(k):
            rest = k - j - 1
            spare = self.fits_from(cursor) - rest - 1  # minimum-length bookings to spare after this one
            for gap, extra in ((rng.randrange(spare * footprint + 1) if spare > 0 else 0, rng.randint(0, steps)),
                               (0, rng.randint(0, steps)), (0, 0)):  # fmt: skip
                found = self.first_start(cursor + gap * slot)
                if found is None:
                    continue
                start, closes = found
                end = start + lo + extra * slot
                if end + cleanup <= closes and (rest == 0 or self.fits_from(end + cleanup) >= rest):
                    break  # (0, 0) always gets here: fits_from(cursor) = 1 + fits_from(its end + clean-up)
            out.append((start, end))
            cursor = end + cleanup
        return out


def capacity(world: World, span: Span) -> int:
    """How many bookings the instruments take in the span at most (FILL of packing them at minimum length)."""
    days = len(working_days(span.first_day, span.last_day))
    per_day: dict[tuple, int] = {}
    total = 0
    for p in world.instruments:
        key = (p.intervals, p.slot, p.min_minutes, p.max_minutes, p.setup, p.cleanup)
        if key not in per_day:
            per_day[key] = DayProfile(*key).capacity
        total += int(per_day[key] * days * FILL)
    return total


def allocate(demands: list[float], capacities: list[int], total: int) -> list[int]:
    """Integer counts proportional to demand, none above its capacity, adding up to total (water-filling).
    Raises ValueError when the capacities add up to less than total."""
    room = sum(capacities)
    if room < total:
        raise ValueError(room)
    counts = [0] * len(demands)
    open_ = [i for i, c in enumerate(capacities) if c > 0]
    left = total
    while left > 0 and open_:
        weight = sum(demands[i] for i in open_) or len(open_)
        share = {i: left * (demands[i] or 1) / weight for i in open_}
        full = [i for i in open_ if counts[i] + share[i] >= capacities[i]]
        if full:
            for i in full:
                left -= capacities[i] - counts[i]
                counts[i] = capacities[i]
            open_ = [i for i in open_ if i not in set(full)]
            continue
        given = 0
        for i in open_:
            add = int(share[i])
            counts[i] += add
            given += add
        left -= given
        for i in sorted(open_, key=lambda i: share[i] - int(share[i]), reverse=True)[:left]:
            counts[i] += 1
        left = 0
    return counts


# --- Bookings --------------------------------------------------------------------------------------------------------

BOOKING_COLUMNS = (
    "id", "uid", "instrument_id", "requester_id", "company_id", "user_category", "start", "end", "hold_start",
    "hold_end", "mode", "purpose", "sample", "confidential", "status", "consumables", "quote", "quote_fixed_at",
    "proposal_pending", "decision_reason", "decided_by_id", "decided_at", "expires_at", "actual_start", "actual_end",
    "sequence", "created_at", "updated_at",
)  # fmt: skip


@dataclass
class BookableInstrument:
    """An instrument as the booking generator needs it (ids from the database)."""

    id: int
    institution_id: int
    name: str
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
        is_company = company_id is not None and category in (fees.SME, fees.LARGE)
        outside = is_company and fees.is_outside(prefecture, instrument.region)
        quote = self.quote_of(instrument, category, mode, end - start, confidential, outside)
        limit = instrument.decision_limit_hours
        outcome = self.past(start, end, limit) if end <= self.now else self.ahead(start)
        self.stats.by_status[outcome.status] = self.stats.by_status.get(outcome.status, 0) + 1
        before, after = widening
        deadline = decision_deadline_minute(outcome.created, start, limit)
        sequence = rules.sequence_after(outcome.status, approved=outcome.fixed_at is not None)
        return (
            "%032x" % _uuid4_bits(rng), instrument.id, requester, company_id, category, ts(start), ts(end),
            ts(start - before), ts(end + after), mode, rng.choice(names.PURPOSES), f"試料{samples}点",
            int(confidential), outcome.status, "[]", quote, _ts_or_none(ts, outcome.fixed_at), 0, outcome.reason,
            rng.choice(instrument.staff_ids) if outcome.decided_at is not None else None,
            _ts_or_none(ts, outcome.decided_at), ts(deadline), _ts_or_none(ts, outcome.actual_start),
            _ts_or_none(ts, outcome.actual_end), sequence, ts(outcome.created), ts(outcome.updated),
        )  # fmt: skip

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
    what it depends on: a quote reads only the booking's length, never its date, so one start serves all."""
    cache: dict = {}
    start = datetime(2000, 1, 3, 0, 0, tzinfo=UTC)

    def quote_of(instrument, category, mode, minutes, confidential, outside):
        terms = instrument.terms
        rate = fees.category_rate(
            user_category=category, mode=mode, terms=terms, rate_of=lambda c, m: instrument.rates.get((c, m))
        )
        key = (instrument.name, rate, terms, mode, minutes, confidential, outside)
        text = cache.get(key)
        if text is None:
            quote = fees.quote(
                rate=rate,
                terms=terms,
                instrument_name=instrument.name,
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


# --- Read helpers for the bench command --------------------------------------------------------------------------


def bench_consortia():
    """The bench consortia (slug `bench-…`), largest share first as planned (by id)."""
    from consortia.models import Consortium

    return Consortium.objects.filter(slug__startswith=SLUG_PREFIX).order_by("id")


def largest_bench_consortium():
    """The bench consortium with the most member institutions (関東 at the default sizes), or None."""
    from django.db.models import Count

    return bench_consortia().annotate(members=Count("memberships")).order_by("-members", "id").first()


def bench_institution_ids() -> list[int]:
    from consortia.models import Institution

    return list(
        Institution.objects.filter(contact_email__endswith="@" + EMAIL_DOMAIN)
        .order_by("id")
        .values_list("id", flat=True)
    )


def bench_instrument_ids(consortium=None) -> list[int]:
    """Ids of the bench instruments (all active, no qualification needed), optionally of one bench consortium."""
    from equipment.models import Instrument

    qs = Instrument.objects.filter(institution__contact_email__endswith="@" + EMAIL_DOMAIN)
    if consortium is not None:
        qs = qs.filter(institution__memberships__consortium=consortium)
    return list(qs.order_by("id").values_list("id", flat=True).distinct())


def bench_company_ids() -> list[int]:
    from consortia.models import Company

    return list(
        Company.objects.filter(corporate_number__regex=rf"^[0-9]{COMPANY_BODY_PREFIX}")
        .order_by("id")
        .values_list("id", flat=True)
    )
