"""python manage.py bench_seed: the national-scale bench data set (issue #10), written in bulk.

The data is drawn by devtools.bench.world and devtools.bench.bookings (plain data, by the product's rules) and written by
devtools.bench.writer (COPY / executemany); see their docstrings.
"""

import time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from bookings import fees
from bookings.models import Booking, BookingEvent
from consortia.models import Company, Consortium, ConsortiumMembership, FeePolicy, Institution, Role, User
from devtools.bench import operators, packing, seed, writer
from devtools.bench.bookings import BOOKING_COLUMNS, BookableInstrument, Customer, Stats, generate_bookings
from devtools.bench.packing import DayProfile
from devtools.bench.progress import Phases
from devtools.bench.world import Sizes, World, plan_world, span_for
from devtools.demo.catalogue import CATEGORIES
from equipment.models import Category, Instrument, OpeningHours, Rate
from equipment.selectors import user_category_from_roles
from staffing.models import Operator

HELP = """\
ベンチマーク用の全国規模データを一括作成します (issue #10)。Creates the bench data set in bulk: regional consortia
(slug bench-…), institutions, companies with users, instruments (all active, no qualification, horizon 180 days,
lead time 24 h) and --bookings bookings from 1 April of the previous fiscal year to --ahead-days after today:
past ones mostly completed (with actual times, decision and a fixed quote), later ones approved or pending, never
overlapping per instrument with their buffers. A busy instrument gets several bookings a day, packed one after
another; a request that does not fit the span at all is refused before anything is written. Booking events: with
--events all (default) each booking has its request, its decision and its closing transition (about 2.8 per
booking, derived in SQL: a few seconds per million); --events request keeps only the request. No API tokens: a
token's key is stored only as its hash, so `bench` issues its own (bench.subjects.token_of). Refuses to run when
bench data exists; --replace deletes it first (other data is left alone)."""


def user_category(*, institution: int | None = None, staff_of=(), researcher_of=(), company_size=None, fellows=()):
    """The rate a bench user pays, by the product's rule (institutions by their index in the plan)."""
    return user_category_from_roles(
        institution_id=institution,
        staff_of=staff_of,
        researcher_of=researcher_of,
        company_size=company_size,
        fellow_members=lambda: fellows,
    )


def fee_terms(policy: tuple) -> fees.FeeTerms:
    """An institution's planned fee policy as the fee arithmetic takes it (what bookings.pricing reads back)."""
    confidential, outside_region, large_company, staff_rate_jpy = policy
    return fees.FeeTerms(
        confidential=Decimal(confidential),
        outside_region=Decimal(outside_region),
        large_company=None if large_company is None else Decimal(large_company),
        staff_rate_jpy=staff_rate_jpy,
    )


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        defaults = Sizes()
        parser.add_argument("--institutions", type=int, default=defaults.institutions)
        parser.add_argument("--instruments", type=int, default=defaults.instruments)
        parser.add_argument("--bookings", type=int, default=defaults.bookings)
        parser.add_argument("--companies", type=int, default=defaults.companies)
        parser.add_argument("--seed", type=int, default=defaults.seed, help="seed of the random stream")
        parser.add_argument("--ahead-days", type=int, default=defaults.ahead_days, help="bookings up to this far ahead")
        parser.add_argument("--events", choices=["all", "request"], default="all")
        parser.add_argument("--password", default="kyoyo-bench", help="password of every bench user")
        parser.add_argument("--replace", action="store_true", help="delete an existing bench data set first")

    def handle(self, *args, **options):
        sizes = Sizes(
            institutions=options["institutions"],
            instruments=options["instruments"],
            bookings=options["bookings"],
            companies=options["companies"],
            seed=options["seed"],
            ahead_days=options["ahead_days"],
        )
        if min(sizes.institutions, sizes.instruments, sizes.companies) < 1 or sizes.bookings < 0:
            raise CommandError("--institutions, --instruments and --companies must be at least 1.")
        if sizes.instruments < sizes.institutions:
            raise CommandError("--instruments must be at least --institutions (every institution holds one).")
        self.started = time.monotonic()
        self.phases = phases = Phases(self.stderr)
        span = span_for(timezone.now(), sizes.ahead_days)
        self.stderr.write(
            f"bench_seed on {connection.vendor}: {sizes}; bookings {span.first_day} – {span.last_day}, now {span.now:%Y-%m-%d %H:%M} UTC"
        )
        with writer.fast_sqlite_writes(), transaction.atomic():
            deleted = None
            if writer.bench_exists():
                if not options["replace"]:
                    raise CommandError(
                        "ベンチマーク用データは作成済みです。--replace で置き換えてください。 "
                        "(Bench data exists already: nothing was written. Use --replace to delete it and seed anew.)"
                    )
                with phases("delete old"):
                    deleted = writer.delete_bench_data()
            with phases("plan"):
                world = plan_world(
                    sizes, taken_institution_names=set(Institution.objects.values_list("name", flat=True))
                )
                capacity = packing.capacity(world, span)
                if capacity < sizes.bookings:
                    raise CommandError(
                        f"{sizes.bookings:,} bookings do not fit: {sizes.instruments:,} instruments take at most "
                        f"{capacity:,} in {span.first_day} – {span.last_day}. Use more instruments. Nothing was written."
                    )
            with phases("organisations"):
                ids = self.write_world(world, options["password"])
            with phases("instruments", total=len(world.instruments)) as bar:
                bookable = self.write_instruments(world, ids, bar)
            stats = Stats()
            first_id = writer.next_booking_id()
            with phases("foreign keys"):
                keys = writer.drop_foreign_keys([Booking._meta.db_table, BookingEvent._meta.db_table])
            with phases("bookings", total=sizes.bookings) as bar:
                rows = generate_bookings(
                    bookable,
                    ids["customers"],
                    total=sizes.bookings,
                    span=span,
                    seed=sizes.seed,
                    first_id=first_id,
                    timestamp_suffix="+00" if connection.vendor == "postgresql" else "",
                    stats=stats,
                )
                writer.write_rows(Booking._meta.db_table, BOOKING_COLUMNS, rows, on_chunk=bar.update)
            with phases("events"):
                events = writer.insert_events(first_id, first_id + stats.bookings - 1, level=options["events"])
            with phases("foreign keys"):
                writer.restore_foreign_keys(keys)
            with phases("operators"):
                institution_ids = [i.id for i in ids["institutions"]]
                operators_of = operators.write_operators(institution_ids, ids["staff_of"])
                assigned = operators.write_assignments(institution_ids, operators_of)
            with phases("check"):
                overlaps = writer.overlapping_holds()
                if overlaps:
                    raise CommandError(f"{overlaps} holding bookings overlap another: nothing was written (a bug).")
                if writer.overlapping_assignments():
                    raise CommandError("An operator's assignments overlap: nothing was written (a bug).")
                writer.reset_sequences([Booking])
            phases.start("commit")
        phases.stop("commit")
        with phases("analyze"):
            writer.analyze(
                [
                    "bookings_booking",
                    "bookings_bookingevent",
                    "equipment_instrument",
                    "equipment_rate",
                    "equipment_openinghours",
                    "consortia_user",
                    "consortia_role",
                    "consortia_company",
                    "bookings_assignment",
                    "staffing_operator",
                    "staffing_workinghours",
                    "equipment_qualification",
                ]
            )
        self.summary(deleted, stats, events, overlaps, assigned)

    # --- writing the world (a few thousand rows: the ORM's bulk_create) ------------------------------------------

    def write_world(self, world: World, password: str) -> dict:
        domain = seed.EMAIL_DOMAIN
        consortia = Consortium.objects.bulk_create(
            Consortium(
                slug=c.slug,
                name=c.name,
                name_en=c.name_en,
                region=c.region,
                prefectures=c.prefectures,
                description=f"{c.region}の大学・公設試・国研が保有する分析機器を企業に開放する運営協議会（ベンチマーク用）。",
                description_en=(
                    "A consortium opening the analytical instruments of universities, public testing institutes and "
                    "national labs to companies (benchmark data)."
                ),
                contact_email=f"{c.slug}@{domain}",
            )
            for c in world.consortia
        )
        institutions = Institution.objects.bulk_create(
            Institution(
                name=i.name,
                name_en=i.name_en,
                kind=i.kind,
                prefecture=i.prefecture,
                address=i.prefecture,
                contact_email=f"i{n + 1:04d}@{domain}",
                registration_number=i.registration_number,
                usage_report_due_days=i.usage_report_due_days,
            )
            for n, i in enumerate(world.institutions)
        )
        ConsortiumMembership.objects.bulk_create(
            ConsortiumMembership(consortium=consortia[c], institution=institutions[n], joined_on=seed.JOINED_ON)
            for n, i in enumerate(world.institutions)
            for c in i.consortia
        )
        terms = [fee_terms(i.policy) for i in world.institutions]
        FeePolicy.objects.bulk_create(
            FeePolicy(
                institution=institutions[n],
                confidential_multiplier=t.confidential,
                outside_region_multiplier=t.outside_region,
                large_company_multiplier=t.large_company,
                staff_rate_jpy=t.staff_rate_jpy,
            )
            for n, t in enumerate(terms)
        )
        companies = Company.objects.bulk_create(
            (
                Company(
                    name=c.name,
                    corporate_number=c.corporate_number,
                    size=c.size,
                    industry=c.industry,
                    prefecture=c.prefecture,
                    address=c.prefecture,
                    monthly_quota_hours=None,
                )
                for c in world.companies
            ),
            batch_size=2000,
        )
        by_username = self.write_people(world, password, consortia, institutions, companies)
        customers = [
            Customer(
                company_id=companies[n].id,
                size=c.size,
                category=user_category(company_size=c.size),
                prefecture=c.prefecture,
                user_ids=tuple(by_username[u[0]] for u in c.users),
                activity=c.activity,
            )
            for n, c in enumerate(world.companies)
        ]
        staff_of = {institutions[n].id: [by_username[p[0]] for p in i.staff] for n, i in enumerate(world.institutions)}
        return {
            "consortia": consortia,
            "institutions": institutions,
            "users": by_username,
            "customers": customers,
            "staff_of": staff_of,
        }

    def write_people(self, world: World, password: str, consortia, institutions, companies) -> dict[str, int]:
        """Every bench user with their one role; returns their ids by username."""
        hashed = make_password(password)  # once: every bench user shares it
        people = []  # (person, role kind, scope field, scope object); a person is world.Person
        for n, c in enumerate(world.consortia):
            people.append((world.secretariats[n], Role.Kind.SECRETARIAT, "consortium", consortia[n]))
        for n, i in enumerate(world.institutions):
            people += [(person, Role.Kind.STAFF, "institution", institutions[n]) for person in i.staff]
            people += [(person, Role.Kind.RESEARCHER, "institution", institutions[n]) for person in i.researchers]
        for n, c in enumerate(world.companies):
            for rank, person in enumerate(c.users):
                kind = Role.Kind.COMPANY_ADMIN if rank == 0 else Role.Kind.COMPANY_MEMBER
                people.append((person, kind, "company", companies[n]))
        users = User.objects.bulk_create(
            (
                User(
                    username=username,
                    last_name=last,
                    first_name=first,
                    last_name_kana=last_kana,
                    first_name_kana=first_kana,
                    email=f"{username}@{seed.EMAIL_DOMAIN}",
                    password=hashed,
                )
                for (username, last, first, last_kana, first_kana), *_role in people
            ),
            batch_size=2000,
        )
        Role.objects.bulk_create(
            (
                Role(user=u, kind=kind, **{field: scope})
                for u, (_p, kind, field, scope) in zip(users, people, strict=True)
            ),
            batch_size=2000,
        )
        return {u.username: u.id for u in users}

    def write_instruments(self, world: World, ids: dict, bar) -> list[BookableInstrument]:
        categories = self.categories()
        institutions = ids["institutions"]
        made = []
        for start in range(0, len(world.instruments), 1000):
            batch = []
            for plan in world.instruments[start : start + 1000]:
                instrument = Instrument(
                    institution=institutions[plan.institution],
                    category=categories[plan.category],
                    name=plan.name,
                    name_en=plan.name_en,
                    maker=plan.maker,
                    model=plan.model,
                    location=plan.location,
                    description=f"{plan.maker} {plan.model}。共用機器（ベンチマーク用）。",
                    description_en=f"{plan.maker} {plan.model}, a shared instrument (benchmark data).",
                    specs={},
                    status=Instrument.Status.ACTIVE,
                    slot_minutes=plan.slot,
                    min_minutes=plan.min_minutes,
                    max_minutes=plan.max_minutes,
                    lead_time_hours=24,
                    horizon_days=180,
                    setup_minutes=plan.setup,
                    cleanup_minutes=plan.cleanup,
                    cancellation_deadline_hours=24,
                    decision_limit_hours=72,
                    modes=list(plan.modes),
                    requires_qualification=False,
                )
                instrument.search_text = instrument.build_search_text()
                batch.append(instrument)
            made += Instrument.objects.bulk_create(batch)
            bar.update(len(batch))
        writer.write_rows(
            OpeningHours._meta.db_table,
            ("instrument_id", "weekday", "opens", "closes"),
            (
                (i.id, d, o.isoformat(), c.isoformat())
                for i, p in zip(made, world.instruments, strict=True)
                for d, o, c in p.weekly_hours
            ),
        )
        valid_from = seed.RATES_VALID_FROM.isoformat()
        writer.write_rows(
            Rate._meta.db_table,
            ("instrument_id", "user_category", "mode", "unit", "amount_jpy", "valid_from"),
            (
                (i.id, category, mode, unit, amount, valid_from)
                for i, p in zip(made, world.instruments, strict=True)
                for category, mode, amount, unit in p.rates()
            ),
        )
        return self.bookable(world, ids, made)

    def categories(self) -> dict[str, Category]:
        """The demo's categories (same codes), created where missing; shared with other data, never deleted."""
        have = {c.code: c for c in Category.objects.filter(code__in=[code for code, *_r in CATEGORIES])}
        for code, name, name_en, keywords in CATEGORIES:
            if code not in have:
                have[code] = Category.objects.create(code=code, name=name, name_en=name_en, keywords=keywords)
        return have

    def bookable(self, world: World, ids: dict, made: list[Instrument]) -> list[BookableInstrument]:
        users = ids["users"]
        regions = [
            frozenset(p for c in i.consortia for p in world.consortia[c].prefectures) for i in world.institutions
        ]
        members: dict[int, set[int]] = {}
        for n, i in enumerate(world.institutions):
            for c in i.consortia:
                members.setdefault(c, set()).add(n)
        researchers = []  # per institution (by index): who may book its instruments as a researcher, at which rate
        for n, i in enumerate(world.institutions):
            fellows = {m for c in i.consortia for m in members[c]}
            researchers.append(
                tuple(
                    (users[r[0]], user_category(institution=n, researcher_of={m}, fellows=fellows))
                    for m in sorted(fellows)
                    for r in world.institutions[m].researchers
                )
            )
        profiles: dict[tuple, DayProfile] = {}
        result = []
        for instrument, plan in zip(made, world.instruments, strict=True):
            key = (plan.intervals, plan.slot, plan.min_minutes, plan.max_minutes, plan.setup, plan.cleanup)
            if key not in profiles:
                profiles[key] = DayProfile(*key)
            owner = world.institutions[plan.institution]
            result.append(
                BookableInstrument(
                    id=instrument.id,
                    institution_id=instrument.institution_id,
                    name=plan.name,
                    name_en=plan.name_en,
                    category=plan.category,
                    demand=plan.demand,
                    profile=profiles[key],
                    modes=plan.modes,
                    setup=plan.setup,
                    cleanup=plan.cleanup,
                    rates={(c, m): fees.RateAmount(a, u) for c, m, a, u in plan.rates()},
                    terms=fee_terms(owner.policy),
                    region=regions[plan.institution],
                    staff_ids=tuple(users[s[0]] for s in owner.staff),
                    researchers=researchers[plan.institution],
                    staff_category=user_category(institution=plan.institution, staff_of={plan.institution}),
                    decision_limit_hours=instrument.decision_limit_hours,
                )
            )
        return result

    # --- the summary ---------------------------------------------------------------------------------------------

    def summary(self, deleted, stats: Stats, events: int, overlaps: int, assigned: int) -> None:
        out = self.stdout.write
        if deleted:
            out("Deleted the previous bench data: " + ", ".join(f"{k} {v:,}" for k, v in deleted.items() if v))
        bench_users = User.objects.filter(
            username__startswith=seed.USERNAME_PREFIX, email__endswith="@" + seed.EMAIL_DOMAIN
        )
        consortia = seed.bench_consortia()
        instruments = Instrument.objects.filter(institution__contact_email__endswith="@" + seed.EMAIL_DOMAIN)
        counts = [
            ("consortia", consortia.count()),
            ("institutions", Institution.objects.filter(contact_email__endswith="@" + seed.EMAIL_DOMAIN).count()),
            ("memberships", ConsortiumMembership.objects.filter(consortium__in=consortia).count()),
            (
                "fee policies",
                FeePolicy.objects.filter(institution__contact_email__endswith="@" + seed.EMAIL_DOMAIN).count(),
            ),
            ("companies", len(seed.bench_company_ids())),
            ("users", bench_users.count()),
            ("roles", Role.objects.filter(user__in=bench_users).count()),
            ("instruments", instruments.count()),
            ("opening hours", OpeningHours.objects.filter(instrument__in=instruments).count()),
            ("rates", Rate.objects.filter(instrument__in=instruments).count()),
            ("bookings", stats.bookings),
            ("booking events", events),
            ("operators", Operator.objects.filter(user__in=bench_users).count()),
            ("assignments", assigned),
        ]
        out("Rows written:")
        for label, n in counts:
            out(f"  {label:<16} {n:>12,}")
        out("Bookings by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(stats.by_status.items())))
        out(
            f"Packed {stats.packed_days:,} instrument-days with more than one booking (at most {stats.most_in_a_day} "
            f"a day); {stats.quotes_built:,} distinct quotes; overlapping holds: {overlaps}."
        )
        out("Seconds per phase: " + ", ".join(f"{k} {v:.1f}" for k, v in self.phases.seconds.items()))
        out(self.style.SUCCESS(f"Total {time.monotonic() - self.started:.1f} s."))
