"""技術職員の貢献: the figures of operators' work, and the monthly statement of lent hours between two institutions.

Hours operated are the time of completed bookings that keep an assignment in force (a released assignment — the
operator reassigned away, the booking cancelled or moved — counts nothing): the recorded use (actual start and end,
when both are recorded), else the booked time; only the booking's own time, never the operator's buffers. Hours are
clipped to the period in SQL (a booking across a period's edge counts its part on each side) and kept exact in
microseconds; every breakdown is folded from ONE grouped query, so each breakdown's parts add up to the total.

Consultations answered: for each operator, the consultations in which they wrote as the referred institution's
staff during the period (one per consultation and person, however many messages).
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DateTimeField, DurationField, ExpressionWrapper, F, Q, Sum, Value, When
from django.db.models.functions import Greatest, Least

from backend.periods import Period
from bookings.fees import CONSUMPTION_TAX_RATE, yen
from bookings.models import Assignment, Booking
from consortia.models import Institution
from consortia.selectors import institution_ids_of_consortia
from consultations.models import Message
from equipment.models import Instrument, UsageMode, UserCategory
from staffing.models import LendingAgreement, Operator

US_PER_HOUR = 3_600_000_000
ZERO = timedelta(0)
CATEGORIES = (UserCategory.SME, UserCategory.LARGE, UserCategory.ACADEMIC, UserCategory.INTERNAL)


def hours(us: int) -> Decimal:
    """Exact microseconds as hours with two decimals (what a reader sees)."""
    return (Decimal(us) / US_PER_HOUR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _at(moment: datetime) -> Value:
    return Value(moment, output_field=DateTimeField())


def _recorded() -> Q:
    return Q(booking__actual_start__isnull=False, booking__actual_end__isnull=False)


def _worked_start():
    return Case(When(_recorded(), then=F("booking__actual_start")), default=F("booking__start"))


def _worked_end():
    return Case(When(_recorded(), then=F("booking__actual_end")), default=F("booking__end"))


def operated(operator_ids: Collection[int] | None, lo: datetime, hi: datetime):
    """The assignments that count for [lo, hi): in force, of a completed booking whose worked time touches it,
    annotated with `worked_us`, the worked time clipped to [lo, hi)."""
    qs = Assignment.objects.filter(released_at__isnull=True, booking__status=Booking.Status.COMPLETED)
    if operator_ids is not None:
        qs = qs.filter(operator_id__in=operator_ids)
    return (
        qs.alias(worked_start=_worked_start(), worked_end=_worked_end())
        .filter(worked_start__lt=_at(hi), worked_end__gt=_at(lo))
        .annotate(
            worked_us=ExpressionWrapper(
                Least(F("worked_end"), _at(hi)) - Greatest(F("worked_start"), _at(lo)), output_field=DurationField()
            )
        )
    )


# --- Figures ------------------------------------------------------------------------------------------------------


@dataclass
class OperatorFigures:
    operator_id: int
    name: str
    institution_id: int
    named_in_reports: bool
    us: int = 0
    lent_us: int = 0
    consultations: int = 0


@dataclass
class Figures:
    """What a scope's operators did in a period. `*_us` are exact microseconds; each breakdown maps its key to
    microseconds and sums to `total_us`; `by_operator` sums to the totals too."""

    period: Period
    total_us: int = 0
    consultations: int = 0
    by_operator: dict[int, OperatorFigures] = field(default_factory=dict)
    by_institution: dict[int, dict] = field(default_factory=dict)
    by_instrument: dict[int, int] = field(default_factory=dict)
    by_mode: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_lent: dict[str, int] = field(default_factory=dict)
    institution_names: dict[int, str] = field(default_factory=dict)
    instrument_names: dict[int, str] = field(default_factory=dict)


def operators_in(*, operator_ids=None, institution_ids=None):
    """Operators of a scope (with user and institution): some operators, or those of some home institutions."""
    qs = Operator.objects.select_related("user", "institution").order_by("institution_id", "id")
    if operator_ids is not None:
        qs = qs.filter(id__in=operator_ids)
    if institution_ids is not None:
        qs = qs.filter(institution_id__in=institution_ids)
    return qs


def figures(*, period: Period, operators: list[Operator]) -> Figures:
    """The figures of `operators` for `period`: three queries (hours grouped, consultations grouped, names)."""
    result = Figures(period=period)
    by_id = {o.id: o for o in operators}
    for o in operators:
        result.by_operator[o.id] = OperatorFigures(o.id, o.user.display_name, o.institution_id, o.named_in_reports)
        result.institution_names[o.institution_id] = o.institution.localized_name
        result.by_institution.setdefault(o.institution_id, {"us": 0, "lent_out_us": 0, "consultations": 0})
    result.by_mode = {m.value: 0 for m in UsageMode if m != UsageMode.SELF} | {UsageMode.SELF.value: 0}
    result.by_category = {c.value: 0 for c in CATEGORIES}
    result.by_lent = {"own": 0, "lent": 0}
    if not by_id:
        return result
    grouped = (
        operated(list(by_id), period.start, period.end)
        .values("operator_id", "booking__instrument_id", "booking__mode", "booking__user_category")
        .annotate(
            us=Sum("worked_us", default=ZERO),
            lent_us=Sum("worked_us", filter=Q(agreement__isnull=False), default=ZERO),
        )
        .order_by()
    )
    for row in grouped:
        us = _us(row["us"])
        lent = _us(row["lent_us"])
        person = result.by_operator[row["operator_id"]]
        person.us += us
        person.lent_us += lent
        institution = result.by_institution[person.institution_id]
        institution["us"] += us
        institution["lent_out_us"] += lent
        instrument = row["booking__instrument_id"]
        result.by_instrument[instrument] = result.by_instrument.get(instrument, 0) + us
        result.by_mode[row["booking__mode"]] = result.by_mode.get(row["booking__mode"], 0) + us
        category = row["booking__user_category"]
        result.by_category[category] = result.by_category.get(category, 0) + us
        result.by_lent["own"] += us - lent
        result.by_lent["lent"] += lent
        result.total_us += us
    answered = (
        Message.objects.filter(
            side=Message.Side.STAFF,
            author_id__in=[o.user_id for o in operators],
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .values("author_id")
        .annotate(n=Count("consultation_id", distinct=True))
        .order_by()
    )
    by_user = {o.user_id: o.id for o in operators}
    for row in answered:
        person = result.by_operator[by_user[row["author_id"]]]
        person.consultations = row["n"]
        result.by_institution[person.institution_id]["consultations"] += row["n"]
        result.consultations += row["n"]
    if result.by_instrument:
        result.instrument_names = {
            i.id: i.localized_name for i in Instrument.objects.filter(id__in=result.by_instrument).order_by("id")
        }
    return result


def _us(value) -> int:
    """A summed duration as integer microseconds (SQLite may hand back an int, PostgreSQL a timedelta)."""
    if isinstance(value, timedelta):
        return value // timedelta(microseconds=1)
    return int(value or 0)


def lent_in_us(*, period: Period, institution_ids: Collection[int]) -> dict[int, int]:
    """Hours lent operators worked on instruments of each of `institution_ids` (the borrowers) in the period."""
    rows = (
        operated(None, period.start, period.end)
        .filter(agreement__isnull=False, agreement__borrower_id__in=institution_ids)
        .values("agreement__borrower_id")
        .annotate(us=Sum("worked_us", default=ZERO))
        .order_by()
    )
    return {row["agreement__borrower_id"]: _us(row["us"]) for row in rows}


# --- Lent-hours statement -----------------------------------------------------------------------------------------


@dataclass
class StatementLine:
    agreement_id: int
    operator_name: str
    instruments: str
    hourly_rate_jpy: int
    us: int
    amount_jpy: int

    @property
    def hours(self) -> Decimal:
        return hours(self.us)


@dataclass
class Statement:
    month: date
    lender: Institution
    borrower: Institution
    lines: list[StatementLine]
    subtotal_jpy: int
    tax_rate: Decimal
    tax_jpy: int
    total_jpy: int

    @property
    def tax_percent(self) -> int:
        return int(self.tax_rate * 100)

    @property
    def total_us(self) -> int:
        return sum(line.us for line in self.lines)


def statement(*, month: date, lender: Institution, borrower: Institution) -> Statement:
    """The lent hours of `lender`'s operators on `borrower`'s instruments in the Tokyo calendar month of `month`, one
    line per agreement (an agreement lends one operator): hours × the agreement's hourly rate, each line rounded down
    to the yen; 消費税 computed once on the subtotal and rounded down, as on an invoice. An agreement with no hours
    in the month is still listed (0 h), when it was valid in the month, so both sides see it was considered."""
    period = Period.month(month.year, month.month)
    first, last = period.local_start.date(), (period.local_end - timedelta(days=1)).date()
    agreements = list(
        LendingAgreement.objects.filter(lender=lender, borrower=borrower)
        .filter(Q(valid_from__lte=last, valid_until__gte=first) | Q(assignments__isnull=False))
        .select_related("operator__user")
        .prefetch_related("instruments")
        .distinct()
        .order_by("id")
    )
    worked = dict(
        operated(None, period.start, period.end)
        .filter(agreement__in=[a.id for a in agreements])
        .values("agreement_id")
        .annotate(us=Sum("worked_us", default=ZERO))
        .order_by()
        .values_list("agreement_id", "us")
    )
    lines = []
    for agreement in agreements:
        us = _us(worked.get(agreement.id))
        if not us and not (agreement.valid_from <= last and agreement.valid_until >= first):
            continue
        amount = yen(Decimal(us) * agreement.hourly_rate_jpy / US_PER_HOUR)
        lines.append(
            StatementLine(
                agreement_id=agreement.id,
                operator_name=agreement.operator.user.display_name,
                instruments=", ".join(i.localized_name for i in agreement.instruments.all()),
                hourly_rate_jpy=agreement.hourly_rate_jpy,
                us=us,
                amount_jpy=amount,
            )
        )
    subtotal = sum(line.amount_jpy for line in lines)
    tax = yen(Decimal(subtotal) * CONSUMPTION_TAX_RATE)
    return Statement(
        month=first,
        lender=lender,
        borrower=borrower,
        lines=lines,
        subtotal_jpy=subtotal,
        tax_rate=CONSUMPTION_TAX_RATE,
        tax_jpy=tax,
        total_jpy=subtotal + tax,
    )


def lending_pairs(*, institution_ids: Collection[int] | None = None, consortium_ids: Collection[int] | None = None):
    """(lender, borrower) pairs that have an agreement (confirmed or not) touching the scope: one of the institutions
    is in `institution_ids`, or the agreement is within one of `consortium_ids`. None for both: every pair."""
    qs = LendingAgreement.objects.all()
    scope = Q()
    if institution_ids is not None:
        scope |= Q(lender_id__in=institution_ids) | Q(borrower_id__in=institution_ids)
    if consortium_ids is not None:
        scope |= Q(consortium_id__in=consortium_ids)
    if institution_ids is not None or consortium_ids is not None:
        qs = qs.filter(scope) if scope else qs.none()
    pairs = sorted(set(qs.values_list("lender_id", "borrower_id")))
    names = {i.id: i for i in Institution.objects.filter(id__in={x for pair in pairs for x in pair}).order_by("id")}
    return [(names[a], names[b]) for a, b in pairs]


def pair_consortium_ids(lender_id: int, borrower_id: int) -> set[int]:
    """The consortia in which the two institutions have an agreement (their secretariat may see the statement)."""
    return set(
        LendingAgreement.objects.filter(lender_id=lender_id, borrower_id=borrower_id).values_list(
            "consortium_id", flat=True
        )
    )


def institution(institution_id: int) -> Institution | None:
    return Institution.objects.filter(id=institution_id).first()


def report_staff_figures(*, consortium_id: int, period: Period, institution_ids: Collection[int] | None = None):
    """The figures and lent-in hours the utilization report's staff block is made of: the operators whose home is a
    member institution of the consortium (or one of `institution_ids`, a staff slice)."""
    members = institution_ids_of_consortia([consortium_id])
    if institution_ids is not None:
        members &= set(institution_ids)
    result = figures(period=period, operators=list(operators_in(institution_ids=members)))
    lent_in = lent_in_us(period=period, institution_ids=members)
    missing = set(lent_in) - set(result.by_institution)  # borrowers without operators of their own
    for institution in Institution.objects.filter(id__in=missing).order_by("id"):
        result.institution_names[institution.id] = institution.localized_name
        result.by_institution[institution.id] = {"us": 0, "lent_out_us": 0, "consultations": 0}
    return result, lent_in
