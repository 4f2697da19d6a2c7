"""python manage.py seed_demo [--password PW]: a realistic demo data set, written through the services.

Idempotent: what exists (by slug, name, code, username, corporate number, (institution, instrument
name), (rate key), manual version) is skipped, so a second run adds nothing. The whole run is one
transaction. Files go to MEDIA_ROOT.

The past 15 months of bookings are historical fixtures, bulk-inserted in their final state by the stage
devtools/demo/booking_history.py through the product's pure rule functions.

The apps that build on bookings (consultations, invoices, usage reports) have their own stage modules in
devtools/demo/, listed in `DemoSeeder.seed_extensions` and called with this seeder; each is just as idempotent.

Operators (devtools/demo/operators.py) come in two stages: the operators, their hours, the lending agreement and
absences before the booking history (so the upcoming stage's approvals assign an operator through the services), and
the assignments of the operated past after every booking stage.
"""

import time as clock
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from backend.tokyo import TOKYO
from consortia import services as consortia_services
from consortia.models import Company, Consortium, ConsortiumMembership, FeePolicy, Institution, User
from consortia.validators import corporate_number_check_digit
from devtools.demo import billing as demo_billing
from devtools.demo import booking_history, catalogue, data
from devtools.demo import consultations as demo_consultations
from devtools.demo import history as past
from devtools.demo import invoices as demo_invoices
from devtools.demo import operators as demo_operators
from devtools.demo import registrations as demo_registrations
from devtools.demo import upcoming as demo_upcoming
from devtools.demo import usage_reports as demo_usage_reports
from devtools.demo.files import instrument_manual, instrument_photo
from devtools.demo.instruments import INSTRUMENTS
from equipment import services as equipment_services
from equipment.models import Category, Downtime, Instrument, Manual, Rate
from equipment.selectors import is_qualified
from staffing.models import Operator

INSTRUMENT_FIELDS = ("name", "name_en", "maker", "model", "specs", "location", "description", "description_en")
ROLE_LABELS = {
    "superuser": "サイト管理者 (site operator)",
    "secretariat": "事務局 (secretariat)",
    "coordinator": "コーディネータ (coordinator)",
    "staff": "機器担当者 (institution staff)",
    "researcher": "会員機関の研究者 (researcher)",
    "company_admin": "企業管理者 (company admin)",
    "company_member": "企業利用者 (company user)",
}


def corporate_number(body: str) -> str:
    """A valid 法人番号: the check digit computed for the 12-digit body, then the body."""
    return f"{corporate_number_check_digit(body)}{body}"


def longest_interval_minutes(hours: list[dict]) -> int:
    return max((h["closes"].hour * 60 + h["closes"].minute) - (h["opens"].hour * 60 + h["opens"].minute) for h in hours)


class Command(BaseCommand):
    help = (
        "デモ用データ（協議会・機関・機器・料金・写真・マニュアル・利用者）を作成します。再実行しても重複しません。 "
        "(Creates the demo data set; safe to run again.)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=data.DEFAULT_PASSWORD,
            help=f"デモ利用者のパスワード (password of the demo users; default: {data.DEFAULT_PASSWORD})",
        )

    def handle(self, *args, password: str, **options):
        if not password:
            raise CommandError("パスワードが空です。 (The password must not be empty.)")
        started = clock.monotonic()
        self.stdout.write("デモデータを作成しています… (seeding the demo data)")
        with transaction.atomic():
            seeder = DemoSeeder(password=password, say=self.stdout.write)
            logins = seeder.run()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"デモデータの準備ができました ({clock.monotonic() - started:.1f} s)."))
        self._print_logins(logins, password)

    def _print_logins(self, logins, password):
        rows = [("username", "role", "scope", "password")]
        for username, role, scope, password_matches in logins:
            rows.append((username, ROLE_LABELS[role], scope, password if password_matches else "*"))
        widths = [max(_display_width(row[i]) for row in rows) for i in range(4)]
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        if not all(matches for *_rest, matches in logins):
            self.stdout.write(
                "* 既存の利用者のパスワードは変更していません（前回のパスワードのまま）。 "
                "(Existing users keep their earlier password.)"
            )


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


class DemoSeeder:
    """One run of the seed: each stage creates what is missing and says how many it created."""

    def __init__(self, *, password: str, say):
        self.password = password
        self.say = say
        self.admin: User | None = None
        self.consortia: dict[str, Consortium] = {}
        self.institutions: dict[str, Institution] = {}
        self.categories: dict[str, Category] = {}
        self.instruments: dict[tuple[str, str], Instrument] = {}
        self.companies: dict[str, Company] = {}
        self.users: dict[str, User] = {}
        self.operators: dict[str, Operator] = {}
        self.logins: list[tuple[str, str, str, bool]] = []  # username, role, scope, password works

    def run(self):
        self.seed_admin()
        self.seed_consortia()
        self.seed_institutions()
        self.seed_fee_policies()
        self.seed_categories()
        self.seed_instruments()
        self.seed_companies()
        self.seed_users()
        self.seed_qualifications()
        self.seed_downtimes()
        demo_operators.seed(self)
        booking_history.seed(self)
        self.seed_extensions()
        demo_operators.assign_history(self)
        return self.logins

    def report(self, stage: str, total: int, created: int, extra: str = ""):
        self.say(f"  {stage}: {total} 件（新規 {created} 件）{extra}")

    def seed_extensions(self):
        """Demo data of the apps built on top, in the order they depend on each other."""
        for stage in (demo_consultations, demo_invoices, demo_usage_reports, demo_upcoming, demo_registrations):
            stage.seed(self)

    # --- stages ---------------------------------------------------------------------------------

    def seed_admin(self):
        username, last, first, last_kana, first_kana = data.ADMIN
        admin = User.objects.filter(username=username).first()
        created = admin is None
        if created:  # the one bootstrap write outside the services: every service needs an actor
            admin = User.objects.create_superuser(
                username=username,
                email=f"{username}@example.jp",
                password=self.password,
                last_name=last,
                first_name=first,
                last_name_kana=last_kana,
                first_name_kana=first_kana,
            )
        elif not admin.is_superuser:
            raise CommandError(
                f"利用者 {username} は存在しますがサイト管理者ではありません。 "
                f"({username} exists but is not a superuser.)"
            )
        self.admin = admin
        self.logins.append((username, "superuser", "サイト全体", created or admin.check_password(self.password)))
        self.report("サイト管理者 (site operator)", 1, int(created))

    def seed_consortia(self):
        created = 0
        for fields in data.CONSORTIA:
            fields = dict(fields)
            slug = fields.pop("slug")
            consortium = Consortium.objects.filter(slug=slug).first()
            if consortium is None:
                consortium = consortia_services.create_consortium(actor=self.admin, slug=slug, **fields)
                created += 1
            self.consortia[slug] = consortium
        self.report("協議会 (consortia)", len(self.consortia), created)

    def seed_institutions(self):
        created = joined = 0
        for key, (fields, memberships) in data.INSTITUTIONS.items():
            wanted = [(self.consortia[slug], joined_on) for slug, joined_on in memberships]
            institution = Institution.objects.filter(name=fields["name"]).first()
            if institution is None:
                institution = consortia_services.create_institution(actor=self.admin, consortia=wanted, **fields)
                created += 1
            else:  # an existing institution: enrol it where it never was a member (a left membership stays left)
                for consortium, joined_on in wanted:
                    if not ConsortiumMembership.objects.filter(consortium=consortium, institution=institution).exists():
                        consortia_services.add_member_institution(
                            actor=self.admin, consortium=consortium, institution=institution, joined_on=joined_on
                        )
                        joined += 1
            self.institutions[key] = institution
        both = [i.name for i in self.institutions.values() if i.consortia.count() > 1]
        self.report(
            "機関 (institutions)",
            len(self.institutions),
            created,
            f"、加入追加 {joined} 件、複数協議会に加入: {'・'.join(both) or 'なし'}",
        )

    def seed_fee_policies(self):
        """Every institution's fee policy and registration number, through the staff's service; an institution that
        already has a policy keeps it (its staff may have changed it)."""
        created = 0
        for key, (body, confidential, outside, large, staff_rate, due_days) in data.FEE_POLICIES.items():
            institution = self.institutions[key]
            if FeePolicy.objects.filter(institution=institution).exists():
                continue
            consortia_services.update_fee_policy(
                actor=self.admin,
                institution=institution,
                registration_number=f"T{corporate_number(body)}",
                confidential_multiplier=Decimal(confidential),
                outside_region_multiplier=Decimal(outside),
                large_company_multiplier=Decimal(large) if large else None,
                staff_rate_jpy=staff_rate,
                usage_report_due_days=due_days,
            )
            created += 1
        self.report("料金規程・登録番号 (fee policies, registration numbers)", len(data.FEE_POLICIES), created)
        created = demo_billing.seed_billing_details(actor=self.admin, institutions=self.institutions)
        self.report("振込先・支払期限 (billing details)", len(demo_billing.BILLING), created)

    def seed_categories(self):
        created = 0
        for code, name, name_en, keywords in catalogue.CATEGORIES:
            category = Category.objects.filter(code=code).first()
            if category is None:
                category = equipment_services.create_category(
                    actor=self.admin, code=code, name=name, name_en=name_en, keywords=keywords
                )
                created += 1
            self.categories[code] = category
        self.report("機器分類 (categories)", len(self.categories), created)

    def seed_instruments(self):
        created = rates = photos = manuals = 0
        for row in INSTRUMENTS:
            fields = {key: row[key] for key in INSTRUMENT_FIELDS}
            inst_key, code = row["institution"], row["category"]
            institution = self.institutions[inst_key]
            instrument = Instrument.objects.filter(institution=institution, name=row["name"]).first()
            if instrument is None:
                instrument = self._create_instrument(institution, inst_key, code, row, **fields)
                created += 1
            self.instruments[(inst_key, row["model"])] = instrument
            rates += self._add_rates(instrument, code)
            photos += self._add_photo(instrument, code)
            manuals += self._add_manuals(instrument, code)
        self.report(
            "機器 (instruments)",
            len(self.instruments),
            created,
            f"、料金 {rates} 件・写真 {photos} 件・マニュアル {manuals} 件を追加",
        )

    def _create_instrument(self, institution, inst_key, code, overrides: dict, **fields) -> Instrument:
        """Booking rules from the category's profile, overridden by the row's optional keys."""
        profile = catalogue.PROFILES[code]
        schedule = overrides.get("schedule") or catalogue.SCHEDULE_BY_INSTITUTION.get(inst_key, catalogue.LUNCH)
        hours = catalogue.opening_hours(schedule)
        slot = overrides.get("slot", profile["slot"])
        setup, cleanup = overrides.get("setup", profile["setup"]), overrides.get("cleanup", profile["cleanup"])
        # The longest booking must fit one opening interval with its buffers, on the slot grid.
        fits = (longest_interval_minutes(hours) - setup - cleanup) // slot * slot
        max_minutes = min(overrides.get("max", profile["max"]), fits)
        min_minutes = min(overrides.get("min", profile["min"]), max_minutes)
        modes = overrides.get("modes", profile["modes"])
        instrument = equipment_services.create_instrument(
            actor=self.admin,
            institution=institution,
            category=self.categories[code],
            opening_hours=hours,
            modes=modes,
            requires_qualification=overrides.get("qual", profile.get("qual", True)),
            slot_minutes=slot,
            min_minutes=min_minutes,
            max_minutes=max_minutes,
            lead_time_hours=overrides.get("lead", profile["lead"]),
            horizon_days=overrides.get("horizon", profile["horizon"]),
            setup_minutes=setup,
            cleanup_minutes=cleanup,
            cancellation_deadline_hours=48 if profile["lead"] >= 48 else 24,
            decision_limit_hours=72,
            **fields,
        )
        return instrument

    def _add_rates(self, instrument: Instrument, code: str) -> int:
        existing = set(
            Rate.objects.filter(instrument=instrument, valid_from=catalogue.RATES_VALID_FROM).values_list(
                "user_category", "mode"
            )
        )
        added = 0
        for user_category, mode, amount, unit in catalogue.rate_table(code, instrument.modes):
            if (user_category, mode) in existing:
                continue
            equipment_services.add_rate(
                actor=self.admin,
                instrument=instrument,
                user_category=user_category,
                mode=mode,
                amount_jpy=amount,
                unit=unit,
                valid_from=catalogue.RATES_VALID_FROM,
            )
            added += 1
        return added

    def _add_photo(self, instrument: Instrument, code: str) -> int:
        if instrument.photos.exists():
            return 0
        content = instrument_photo(category_code=code, model=instrument.model, maker=instrument.maker)
        upload = SimpleUploadedFile(f"{code}.jpg", content, content_type="image/jpeg")
        equipment_services.upload_photo(
            actor=self.admin, instrument=instrument, upload=upload, caption=f"{instrument.maker} {instrument.model}"
        )
        return 1

    def _add_manuals(self, instrument: Instrument, code: str) -> int:
        versions = ["1.0", "1.1"] if instrument.model in catalogue.REVISED_MANUALS else ["1.0"]
        have = set(Manual.objects.filter(instrument=instrument, language="ja").values_list("version", flat=True))
        added = 0
        for version in versions:
            if version in have:
                continue
            category = self.categories[code]
            content = instrument_manual(
                instrument_name=instrument.name,
                maker=instrument.maker,
                model=instrument.model,
                institution=instrument.institution.name,
                location=instrument.location,
                category_code=code,
                category_name=category.name,
                specs=instrument.specs,
                version=version,
            )
            upload = SimpleUploadedFile(f"manual-{code}-{version}.pdf", content, content_type="application/pdf")
            equipment_services.upload_manual(
                actor=self.admin,
                instrument=instrument,
                upload=upload,
                title=f"{instrument.name} 利用マニュアル",
                version=version,
                language="ja",
            )
            added += 1
        return added

    def seed_companies(self):
        created = 0
        for key, fields, body in data.COMPANIES:
            number = corporate_number(body)
            company = Company.objects.filter(corporate_number=number).first()
            if company is None:
                company = consortia_services.create_company(actor=self.admin, corporate_number=number, **fields)
                created += 1
            self.companies[key] = company
        self.report("企業 (companies)", len(self.companies), created)

    def seed_users(self):
        created = 0
        for username, last, first, last_kana, first_kana, role, scope_kind, scope_key in data.USERS:
            user = User.objects.filter(username=username).first()
            is_new = user is None
            if is_new:
                user = consortia_services.create_user(
                    actor=self.admin,
                    username=username,
                    password=self.password,
                    last_name=last,
                    first_name=first,
                    last_name_kana=last_kana,
                    first_name_kana=first_kana,
                    email=f"{username}@example.jp",
                )
                created += 1
            scope = {"consortium": self.consortia, "institution": self.institutions, "company": self.companies}
            target = scope[scope_kind][scope_key]
            consortia_services.grant_role(user=user, kind=role, via="seed", **{scope_kind: target})
            self.users[username] = user
            self.logins.append((username, role, target.name, is_new or user.check_password(self.password)))
        for username, role, scope_kind, scope_key in data.EXTRA_ROLES:
            scope = {"consortium": self.consortia, "institution": self.institutions, "company": self.companies}
            consortia_services.grant_role(
                user=self.users[username], kind=role, via="seed", **{scope_kind: scope[scope_kind][scope_key]}
            )
        self.report("利用者 (users)", len(self.users), created)

    def seed_qualifications(self):
        user = self.users["company"]
        created = 0
        for inst_key, model in data.QUALIFICATIONS:
            instrument = self.instruments[(inst_key, model)]
            if is_qualified(user, instrument):
                continue
            equipment_services.grant_qualification(
                actor=self.admin,
                instrument=instrument,
                user=user,
                expires_on=timezone.localdate() + timedelta(days=365),
                note="デモ: 操作講習修了",
            )
            created += 1
        self.report("操作資格 (qualifications)", len(data.QUALIFICATIONS), created)

    def seed_downtimes(self):
        created = 0
        today = timezone.localdate()
        for inst_key, model, days, start_hour, end_hour, title in data.DOWNTIMES:
            instrument = self.instruments[(inst_key, model)]
            if Downtime.objects.filter(instrument=instrument, title=title, end__gt=timezone.now()).exists():
                continue
            day = past.next_weekday(today + timedelta(days=days))
            equipment_services.add_downtime(
                actor=self.admin,
                instrument=instrument,
                kind=Downtime.Kind.MAINTENANCE,
                title=title,
                start=datetime.combine(day, time(start_hour), tzinfo=TOKYO),
                end=datetime.combine(day, time(end_hour), tzinfo=TOKYO),
                note="デモデータ",
            )
            created += 1
        self.report("停止期間 (downtime)", len(data.DOWNTIMES), created)
