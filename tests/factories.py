"""Factories for tests: realistic defaults, everything overridable."""

from datetime import date, time

import factory
from factory.django import DjangoModelFactory

from backend.search import refresh_search_text
from consortia.models import Company, Consortium, ConsortiumMembership, Institution, Role, User
from consortia.validators import corporate_number_check_digit
from equipment.models import Category, Instrument, OpeningHours, Rate


def valid_corporate_number(n: int) -> str:
    body = f"{n:012d}"
    return f"{corporate_number_check_digit(body)}{body}"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.jp")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ConsortiumFactory(DjangoModelFactory):
    class Meta:
        model = Consortium

    name = factory.Sequence(lambda n: f"協議会{n}")
    slug = factory.Sequence(lambda n: f"consortium-{n}")
    prefectures = ["北海道"]


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"研究機関{n}")
    kind = Institution.Kind.PUBLIC_TESTING
    prefecture = "北海道"

    @factory.post_generation
    def consortia(obj, create, extracted, **kwargs):
        for consortium in extracted or []:
            ConsortiumMembership.objects.create(consortium=consortium, institution=obj, joined_on=date(2024, 4, 1))


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    corporate_number = factory.Sequence(lambda n: valid_corporate_number(100000000000 + n))
    size = Company.Size.SME
    prefecture = "北海道"


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = "sem"
    name = "走査電子顕微鏡"
    name_en = "Scanning electron microscope"
    keywords = "表面観察 破断面 微細構造"


class InstrumentFactory(DjangoModelFactory):
    class Meta:
        model = Instrument
        skip_postgeneration_save = True

    institution = factory.SubFactory(InstitutionFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"電界放出形走査電子顕微鏡 {n}")
    maker = "日本電子"
    model = "JSM-IT800"
    modes = ["self", "assisted", "commissioned"]
    slot_minutes = 30
    min_minutes = 30
    max_minutes = 480
    lead_time_hours = 0
    horizon_days = 365

    @factory.post_generation
    def weekday_hours(obj, create, extracted, **kwargs):
        """Mon–Fri 09:00–12:00 and 13:00–17:00 unless weekday_hours=[] is passed."""
        if not create:
            return
        hours = (
            extracted
            if extracted is not None
            else [(d, time(9), time(12)) for d in range(5)] + [(d, time(13), time(17)) for d in range(5)]
        )
        OpeningHours.objects.bulk_create(
            [OpeningHours(instrument=obj, weekday=d, opens=o, closes=c) for d, o, c in hours]
        )

    @factory.post_generation
    def searchable(obj, create, extracted, **kwargs):
        """Its search text, made as every writer makes it (backend.search)."""
        if create:
            refresh_search_text(instruments=[obj])
            obj.refresh_from_db(fields=["search_text"])


class RateFactory(DjangoModelFactory):
    class Meta:
        model = Rate

    instrument = factory.SubFactory(InstrumentFactory)
    user_category = "sme"
    mode = "assisted"
    unit = Rate.Unit.HOUR
    amount_jpy = 5000
    valid_from = date(2025, 4, 1)


def give_role(user, kind, *, actor=None, via="test", **scope) -> Role:
    """Give a role as the system does (via "test"), or as `actor` (then the table of consortia.grants applies)."""
    from consortia.services import grant_role

    return grant_role(user=user, kind=kind, actor=actor, via=via, **scope)


def also_operates(operator, instruments, *, qualified_until: date | None = None):
    """An existing operator qualified for more instruments (their institution's, or lent ones'): one qualification
    each, as make_operator gives."""
    from equipment.models import Qualification

    for instrument in instruments:
        Qualification.objects.get_or_create(
            instrument=instrument, user=operator.user, revoked_at=None, defaults={"expires_on": qualified_until}
        )
    return operator


def make_operator(
    instruments,
    *,
    user=None,
    institution=None,
    weekly=None,
    named_in_reports: bool = False,
    qualified_until: date | None = None,
):
    """An operator able to run `instruments` (each gets a qualification): a staff member of `institution` (the first
    instrument's by default) working Mon–Fri 08:00–20:00 unless `weekly` says otherwise (a list of (weekday, from,
    until); [] for none). Records made directly, as the tests of other verbs do: the staffing services have their own."""
    from equipment.models import Qualification
    from staffing.models import Operator, WorkingHours

    instruments = list(instruments)
    institution = institution or instruments[0].institution
    user = user or UserFactory(last_name="技術", first_name="職員")
    if not Role.objects.filter(user=user, kind=Role.Kind.STAFF, institution=institution).exists():
        give_role(user, Role.Kind.STAFF, institution=institution)
    operator = Operator.objects.create(user=user, institution=institution, named_in_reports=named_in_reports)
    pattern = [(d, time(8), time(20)) for d in range(5)] if weekly is None else weekly
    WorkingHours.objects.bulk_create(
        [WorkingHours(operator=operator, weekday=d, starts=a, ends=b) for d, a, b in pattern]
    )
    for instrument in instruments:
        Qualification.objects.get_or_create(
            instrument=instrument, user=user, revoked_at=None, defaults={"expires_on": qualified_until}
        )
    return operator
