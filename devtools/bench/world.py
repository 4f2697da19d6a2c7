"""The bench world as plain data (no ORM): consortia, institutions (a few in two consortia), companies with their
users, and instruments with their rules and rates, drawn from one seeded random stream (`plan_world`)."""

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import jpholiday

from backend.periods import fiscal_year_of
from backend.tokyo import TOKYO
from consortia.validators import corporate_number_check_digit
from devtools.demo.catalogue import CATEGORIES, PROFILES, rate_table

from . import names
from .seed import COMPANY_BODY_PREFIX, INSTITUTION_BODY_PREFIX, SLUG_PREFIX, USERNAME_PREFIX

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


# username, family name, given name, and their readings (katakana)
Person = tuple[str, str, str, str, str]


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
    name_en: str
    kind: str
    prefecture: str
    consortia: list[int]  # indexes into the consortia
    registration_number: str
    policy: tuple  # (confidential, outside_region, large_company or None, staff_rate_jpy or None)
    usage_report_due_days: int
    staff: list[Person] = field(default_factory=list)
    researchers: list[Person] = field(default_factory=list)


@dataclass
class CompanyPlan:
    name: str
    corporate_number: str
    size: str
    industry: str
    prefecture: str
    users: list[Person]  # the first is the company admin
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
        return rate_table(self.category, list(self.modes))


@dataclass
class World:
    consortia: list[ConsortiumPlan]
    institutions: list[InstitutionPlan]
    companies: list[CompanyPlan]
    instruments: list[InstrumentPlan]
    secretariats: list[Person]  # one per consortium


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _person(rng: random.Random, username: str) -> Person:
    (last, last_kana), (first, first_kana) = rng.choice(names.SURNAMES), rng.choice(names.GIVEN_NAMES)
    return username, last, first, last_kana, first_kana


# --- The world -------------------------------------------------------------------------------------------------------


def plan_world(sizes: Sizes, *, taken_institution_names: set[str] = frozenset()) -> World:
    """Consortia, institutions (a few in two consortia), companies with their users, instruments. Deterministic
    for a seed; institution names avoid `taken_institution_names` (they are unique in the database)."""
    rng = random.Random(f"bench-world-{sizes.seed}")
    count = max(1, min(len(names.CONSORTIA), math.ceil(sizes.institutions / 2)))
    specs = names.CONSORTIA[:count]
    consortia = [
        ConsortiumPlan(SLUG_PREFIX + slug, name, en, region, list(prefs)) for slug, name, en, region, prefs, _w in specs
    ]
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
        name, name_en = _institution_name(rng, kind, prefecture, used)
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
                name=name,
                name_en=name_en,
                kind=kind,
                prefecture=prefecture,
                consortia=member_of,
                registration_number="T" + corporate_number(f"{INSTITUTION_BODY_PREFIX}{i + 1:08d}"),
                policy=policy,
                usage_report_due_days=14 if kind == "public_testing" else 30,
                staff=staff,
                researchers=researchers,
            )
        )
    return result


def _institution_name(rng, kind, prefecture, used) -> tuple[str, str]:
    """A fictional institution's name and its English name, made of the same parts."""
    for attempt in range(30):
        city = rng.choice(names.CITIES[prefecture])
        if kind == "university":
            suffix, english = rng.choice(names.UNIVERSITY_SUFFIXES)
            name, name_en = f"{city}{suffix}", english.format(city=names.place_en(city))
        elif kind == "kosen":
            name, name_en = (
                f"{city}工業高等専門学校",
                f"National Institute of Technology, {names.place_en(city)} College",
            )
        elif kind == "public_testing":
            suffix, english = rng.choice(names.PUBLIC_TESTING_SUFFIXES)
            name, name_en = f"{prefecture}{suffix}", english.format(prefecture=names.place_en(prefecture))
            if attempt:
                name += f" {city}技術支援センター"
                name_en += f", {names.place_en(city)} Technology Support Center"
        else:
            lab, english = rng.choice(names.NATIONAL_LABS)
            name, name_en = f"国立研究開発法人{lab} {city}センター", f"{english}, {names.place_en(city)} Center"
        if name not in used:
            return name, name_en
    n = 2
    while f"{name}（第{n}）" in used:
        n += 1
    return f"{name}（第{n}）", f"{name_en} ({n})"


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
                name=name,
                corporate_number=corporate_number(f"{COMPANY_BODY_PREFIX}{i + 1:08d}"),
                size="sme" if rng.random() < 0.8 else "large",
                industry=rng.choice(names.INDUSTRIES),
                prefecture=rng.choices(prefectures, weights=weights)[0],
                users=users,
                activity=rng.lognormvariate(0, 1.0),
            )
        )
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
                institution=owner,
                category=code,
                name=f"{name} {model}",
                name_en=f"{name_en} {model}",
                maker=maker,
                model=model,
                location=f"{rng.randint(1, 5)}号館 {rng.randint(1, 4)}{rng.randint(1, 30):02d}室",
                intervals=intervals,
                modes=tuple(profile["modes"]),
                slot=slot,
                min_minutes=min_minutes,
                max_minutes=max_minutes,
                setup=setup,
                cleanup=cleanup,
                demand=names.CATEGORY_POPULARITY[code] * rng.lognormvariate(0, 1.2),
            )
        )
    return result
