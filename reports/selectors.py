"""Utilization figures of one consortium for a period, aggregated in the database.

A constant number of queries whatever the number of bookings (about a dozen):
memberships (1), instruments with opening hours (2), downtimes (1), the figures grouped by instrument, mode and
company size (1), the figures grouped by the month a booking starts with one hour column per month (1), distinct
companies per breakdown (6) and all median lead times through window functions (1). Python then only adds up
those grouped rows (a few hundred at most) and computes available hours from opening hours, which do not grow
with the number of bookings.

Definitions (see docs/reports.md): hours are split at the period and month boundaries (a booking across midnight,
a month end or the fiscal-year end counts in each part for the time that falls in it); counts and yen belong to
the period and month in which the booking *starts*, so they stay whole and add up.
"""

from collections import defaultdict
from collections.abc import Collection
from contextlib import contextmanager
from datetime import datetime, timedelta

import jpholiday
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Greatest, Least, RowNumber, TruncMonth
from django.utils import timezone

from backend.errors import DomainError, PermissionDenied
from bookings import rules
from bookings.models import Booking
from bookings.selectors import policies_of
from consortia.models import Company, Consortium, ConsortiumMembership
from consortia.selectors import access_for
from consultations.selectors import consultation_summary
from equipment.models import Downtime, Instrument, UsageMode, UserCategory
from usage_reports.selectors import usage_report_summary

from .figures import BREAKDOWNS, US, Figures, Row, UtilizationReport
from .models import Report
from .periods import Period, tokyo_midnight

TOKYO = rules.TOKYO
Status = Booking.Status
BOOKED = (Status.APPROVED, Status.COMPLETED)
ZERO = timedelta(0)
SIZE_ORDER = (UserCategory.SME, UserCategory.LARGE, UserCategory.ACADEMIC, UserCategory.INTERNAL)


# --- Expressions ---------------------------------------------------------------------------------------------------


def _at(moment: datetime) -> Value:
    return Value(moment, output_field=DateTimeField())


def _clipped(start: str, end: str, lo: datetime, hi: datetime):
    """The duration of [start, end) that falls inside [lo, hi): Least(end, hi) − Greatest(start, lo)."""
    return ExpressionWrapper(Least(F(end), _at(hi)) - Greatest(F(start), _at(lo)), output_field=DurationField())


def _yen(key: str):
    """An integer amount of the booking's fixed quote (JSON), e.g. quote->>'subtotal_jpy'."""
    return Cast(KT(f"quote__{key}"), IntegerField())


def company_size():
    """sme / large from the booking's company; academic / internal from its user category when it has none."""
    return Case(
        When(company__isnull=False, then=F("company__size")), default=F("user_category"), output_field=CharField()
    )


def _starts_in(lo: datetime, hi: datetime) -> Q:
    return Q(start__gte=lo, start__lt=hi)


def hour_sums(lo: datetime, hi: datetime, suffix: str = "") -> dict:
    """Booked and used time clipped to [lo, hi): booked is approved or completed, used is the recorded use."""
    held = Q(status__in=BOOKED, start__lt=hi, end__gt=lo)
    used = Q(status=Status.COMPLETED, actual_start__lt=hi, actual_end__gt=lo)
    scheduled, actual = _clipped("start", "end", lo, hi), _clipped("actual_start", "actual_end", lo, hi)
    return {
        f"booked_us{suffix}": Sum(scheduled, filter=held, default=ZERO),
        f"used_us{suffix}": Sum(actual, filter=used, default=ZERO),
        f"company_used_us{suffix}": Sum(actual, filter=used & Q(company__isnull=False), default=ZERO),
        f"sme_used_us{suffix}": Sum(actual, filter=used & Q(company__size=Company.Size.SME), default=ZERO),
    }


def counts(lo: datetime, hi: datetime) -> dict:
    """Counts and yen of the bookings that start in [lo, hi)."""
    starts = _starts_in(lo, hi)
    done = starts & Q(status=Status.COMPLETED)
    return {
        "requests": Count("id", filter=starts),
        "uses": Count("id", filter=done),
        "company_uses": Count("id", filter=done & Q(company__isnull=False)),
        "sme_uses": Count("id", filter=done & Q(company__size=Company.Size.SME)),
        "decided": Count("id", filter=starts & Q(decided_at__isnull=False)),
        "rejected": Count("id", filter=starts & Q(status=Status.REJECTED)),
        "cancelled": Count("id", filter=starts & Q(status=Status.CANCELLED)),
        "no_shows": Count("id", filter=starts & Q(status=Status.NO_SHOW)),
        "revenue_excl_tax_jpy": Sum(_yen("subtotal_jpy"), filter=done, default=0),
        "tax_jpy": Sum(_yen("tax_jpy"), filter=done, default=0),
        "revenue_jpy": Sum(_yen("total_jpy"), filter=done, default=0),
    }


HOUR_SUMS = ("booked_us", "used_us", "company_used_us", "sme_used_us")
COUNTS = ("requests", "uses", "company_uses", "sme_uses", "decided", "rejected", "cancelled", "no_shows",
          "revenue_excl_tax_jpy", "tax_jpy", "revenue_jpy")  # fmt: skip


def _hour_figures(values: dict, suffix: str = "") -> Figures:
    """Figures from the hour columns of a grouped row (durations become integer microseconds)."""
    return Figures(**{name: values[f"{name}{suffix}"] // US for name in HOUR_SUMS})


def _count_figures(values: dict) -> Figures:
    return Figures(**{name: values[name] for name in COUNTS})


# --- Scope: memberships, instruments, availability -----------------------------------------------------------------


def membership_windows(
    consortium_id: int, period: Period, institution_ids: Collection[int] | None = None
) -> tuple[dict[int, list[tuple[datetime, datetime | None]]], dict[int, str]]:
    """[joined, left) of each membership of the consortium that overlaps the period, by institution, and the
    institutions' names (1 query). `left` is Tokyo midnight after `left_on` (that day is still a member's), None
    while a member."""
    memberships = ConsortiumMembership.objects.filter(
        consortium_id=consortium_id, joined_on__lte=period.local_end.date()
    ).exclude(left_on__lt=period.local_start.date())
    if institution_ids is not None:
        memberships = memberships.filter(institution_id__in=institution_ids)
    windows: dict[int, list] = defaultdict(list)
    names: dict[int, str] = {}
    for institution_id, name, joined_on, left_on in memberships.order_by("institution_id", "joined_on").values_list(
        "institution_id", "institution__name", "joined_on", "left_on"
    ):
        joined = tokyo_midnight(joined_on)
        left = tokyo_midnight(left_on + timedelta(days=1)) if left_on else None
        if joined < period.end and (left is None or left > period.start):
            windows[institution_id].append((joined, left))
            names[institution_id] = name
    return dict(windows), names


def consortium_bookings(windows: dict, period: Period) -> QuerySet[Booking]:
    """Bookings that count toward the consortium and touch the period.

    A booking counts when it starts while its instrument's institution is a member; it touches the period when
    its booked or its used time overlaps it.
    """
    if not windows:
        return Booking.objects.none()
    member = Q()
    for institution_id, spans in windows.items():
        for joined, left in spans:
            member |= Q(instrument__institution_id=institution_id, start__gte=joined) & (
                Q(start__lt=left) if left else Q()
            )
    touches = Q(start__lt=period.end, end__gt=period.start) | Q(
        actual_start__lt=period.end, actual_end__gt=period.start
    )
    return Booking.objects.filter(member).filter(touches)


def _seconds_us(intervals) -> int:
    return sum(((i.end - i.start) // US for i in intervals), 0)


def available_us_by_month(
    instruments: list[Instrument], windows: dict, period: Period
) -> dict[int, dict[tuple[int, int], int]]:
    """Open time of each instrument in each month: opening hours on Tokyo dates that are not public holidays,
    minus downtime, within the period and the institution's membership (2 queries: opening hours, downtimes)."""
    policies = policies_of(instruments)
    # One call for the period's public holidays: jpholiday works each day out afresh the first time it is asked.
    first, last = period.local_start.date(), period.local_end.date()
    is_holiday = {day for day, _name in jpholiday.between(first, last)}.__contains__
    downtimes: dict[int, list[rules.Interval]] = defaultdict(list)
    for instrument_id, start, end in Downtime.objects.filter(
        instrument__in=instruments, start__lt=period.end, end__gt=period.start
    ).values_list("instrument_id", "start", "end"):
        downtimes[instrument_id].append(rules.Interval(start, end))
    # Instruments mostly share their weekly hours: the open time of one pattern in one span is computed once.
    opening_of: dict[tuple, tuple[list[rules.Interval], int]] = {}
    result: dict[int, dict[tuple[int, int], int]] = {}
    for instrument in instruments:
        policy = policies[instrument.id]
        spans = windows[instrument.institution_id]
        own_downtimes = downtimes.get(instrument.id)
        per_month = result[instrument.id] = {}
        for key, lo, hi in period.months():
            total = 0
            for joined, left in spans:
                start, end = max(lo, joined), min(hi, left) if left else hi
                if start < end:
                    pattern = (policy.weekly_hours, start, end)
                    if pattern not in opening_of:
                        opening = rules.opening_intervals(policy, start, end, is_holiday=is_holiday)
                        opening_of[pattern] = opening, _seconds_us(opening)
                    opening, seconds = opening_of[pattern]
                    total += _seconds_us(rules.subtract(opening, own_downtimes)) if own_downtimes else seconds
            per_month[key] = total
    return result


# --- The report ----------------------------------------------------------------------------------------------------


def _dimensions() -> dict:
    return {
        "by_institution": F("instrument__institution_id"),
        "by_instrument": F("instrument_id"),
        "by_category": F("instrument__category_id"),
        "by_mode": F("mode"),
        "by_company_size": company_size(),
    }


def _distinct_companies(bookings: QuerySet[Booking], period: Period) -> dict[str, dict]:
    """Distinct companies served (completed bookings that start in the period), per breakdown (6 queries)."""
    served = bookings.filter(_starts_in(period.start, period.end), status=Status.COMPLETED, company__isnull=False)
    result = {"totals": {None: served.aggregate(n=Count("company", distinct=True))["n"]}}
    for name, expression in _dimensions().items():
        rows = served.values(k=expression).annotate(n=Count("company", distinct=True)).order_by()
        result[name] = {row["k"]: row["n"] for row in rows}
    return result


def _month_key(moment) -> tuple[int, int]:
    local = moment.astimezone(TOKYO) if isinstance(moment, datetime) else moment
    return local.year, local.month


def _lead_time():
    """How long a request waited for its decision: decided_at − created_at (None while undecided)."""
    return ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())


def _lead_time_groups() -> dict:
    """The groups a median lead time is given for: the totals (None), every breakdown, and the start month."""
    return {"totals": None, **_dimensions(), "by_month": TruncMonth("start", tzinfo=TOKYO)}


def _median_lead_times(bookings: QuerySet[Booking], period: Period) -> dict[str, dict]:
    """Median of decided_at − created_at per group, in one query: window functions number the decided bookings
    of each group by lead time and only the one or two middle rows of some group come back."""
    lead = _lead_time()
    groups = _lead_time_groups()
    annotations, middle = {"lead": lead}, Q()
    for i, (name, expression) in enumerate(groups.items()):
        partition = {} if expression is None else {"partition_by": [expression]}
        if expression is not None:
            annotations[f"k{i}"] = expression
        annotations[f"p{i}"] = Window(RowNumber(), order_by=[lead.asc(), F("id").asc()], **partition)
        annotations[f"n{i}"] = Window(Count("id"), **partition)
        middle |= Q(**{f"p{i}__gte": (F(f"n{i}") + 1) / 2, f"p{i}__lte": (F(f"n{i}") + 2) / 2})
    decided = bookings.filter(_starts_in(period.start, period.end), decided_at__isnull=False)
    leads: dict[str, dict] = {name: defaultdict(list) for name in groups}
    for row in decided.annotate(**annotations).filter(middle).values(*annotations):
        for i, name in enumerate(groups):
            position, size = row[f"p{i}"], row[f"n{i}"]
            if (size + 1) // 2 <= position <= (size + 2) // 2:
                key = row.get(f"k{i}")
                leads[name][_month_key(key) if name == "by_month" else key].append(row["lead"])
    return {name: {k: sum(v, ZERO) / len(v) for k, v in groups_.items()} for name, groups_ in leads.items()}


def _companies_and_medians_in_one_scan(bookings: QuerySet[Booking], period: Period) -> tuple[dict, dict]:
    """PostgreSQL: what `_distinct_companies` and `_median_lead_times` give (same shapes), from one scan of the
    bookings that start in the period grouped by GROUPING SETS, with COUNT(DISTINCT …) and percentile_cont(0.5) —
    the median, averaging the two middle values of an even count. The generic versions take seven scans."""
    dimensions = _lead_time_groups()
    names = [name for name in dimensions if name != "totals"]
    rows = (
        bookings.filter(_starts_in(period.start, period.end))
        .annotate(**{f"k{i}": dimensions[name] for i, name in enumerate(names)})
        .annotate(lead=_lead_time())
        .values(*(f"k{i}" for i in range(len(names))), "company_id", "status", "lead")
        .order_by()
    )
    inner, params = rows.query.sql_with_params()
    keys = ", ".join(f"k{i}" for i in range(len(names)))
    sets = ", ".join(["()", *(f"(k{i})" for i in range(len(names)))])
    sql = (
        f"SELECT GROUPING({keys}), {keys}, "
        f"COUNT(DISTINCT company_id) FILTER (WHERE status = %s AND company_id IS NOT NULL), "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY lead) FILTER (WHERE lead IS NOT NULL) "
        f"FROM ({inner}) AS b GROUP BY GROUPING SETS ({sets})"
    )
    companies: dict[str, dict] = {name: {} for name in dimensions}
    leads: dict[str, dict] = {name: {} for name in dimensions}
    everything = (1 << len(names)) - 1  # GROUPING() has a bit set for each key not grouped by
    with connection.cursor() as cursor:
        cursor.execute(sql, (Status.COMPLETED, *params))  # in the order of the text: the SELECT list first
        for grouping, *values in cursor.fetchall():
            served, median = values[-2], values[-1]
            if grouping == everything:
                name, key = "totals", None
            else:
                i = len(names) - (everything ^ grouping).bit_length()  # the one key grouped by (its bit is clear)
                name, key = names[i], values[i]
                if name == "by_month":  # DATE_TRUNC of the Tokyo wall-clock time: naive, already Tokyo's month
                    key = (key.year, key.month)
            companies[name][key] = served
            if median is not None:
                leads[name][key] = median
    return companies, leads


@contextmanager
def tuned_for_aggregation():
    """On PostgreSQL, for the report's transaction only: enough work_mem that its grouping hashes and sorts stay in
    memory (the default 4 MB spilled a fiscal year of a large consortium to disk), and no JIT compilation, which
    cost more (about 60 ms a query) than it saved on these scans. Elsewhere a plain transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)")
        yield


def utilization(
    *, consortium: Consortium, period: Period, institution_ids: Collection[int] | None = None
) -> UtilizationReport:
    """The consortium's figures for the period, whole or restricted to some member institutions."""
    with tuned_for_aggregation():
        return _utilization(consortium=consortium, period=period, institution_ids=institution_ids)


def _utilization(
    *, consortium: Consortium, period: Period, institution_ids: Collection[int] | None
) -> UtilizationReport:
    windows, institution_names = membership_windows(consortium.id, period, institution_ids)
    instruments = list(
        Instrument.objects.filter(institution_id__in=windows)
        .select_related("institution", "category")
        .order_by("institution_id", "id")
    )
    available = available_us_by_month(instruments, windows, period)
    bookings = consortium_bookings(windows, period)

    # Rows of every breakdown, in display order, all zero to begin with.
    rows: dict[str, dict] = {name: {} for name in BREAKDOWNS}
    for institution_id, name in institution_names.items():  # every member, even one without instruments
        rows["by_institution"][institution_id] = Row(institution_id, name)
    for instrument in instruments:
        institution, category = instrument.institution, instrument.category
        rows["by_instrument"][instrument.id] = Row(instrument.id, f"{instrument.name}（{institution.name}）")
        rows["by_category"].setdefault(category.id, Row(category.code, category.name))
    for mode in UsageMode:
        rows["by_mode"][mode.value] = Row(mode.value, str(mode.label), Figures(available_us=None))
    for size in SIZE_ORDER:
        rows["by_company_size"][size.value] = Row(size.value, str(size.label), Figures(available_us=None))
    for (year, month), _lo, _hi in period.months():
        rows["by_month"][(year, month)] = Row(f"{year}-{month:02d}", f"{year}年{month}月")
    totals = Row("total", "合計 (total)")

    # Available hours: per instrument and month, added up into every breakdown that can carry them.
    by_instrument = {i.id: i for i in instruments}
    for instrument_id, months in available.items():
        instrument = by_instrument[instrument_id]
        for key, us in months.items():
            for row in (
                totals,
                rows["by_month"][key],
                rows["by_institution"][instrument.institution_id],
                rows["by_instrument"][instrument_id],
                rows["by_category"][instrument.category_id],
            ):
                row.figures.available_us += us

    # Everything else for the whole period, grouped by instrument × mode × company size (1 query).
    grouped = (
        bookings.values("instrument_id", "mode", size=company_size())
        .annotate(**hour_sums(period.start, period.end), **counts(period.start, period.end))
        .order_by()
    )
    # Each grouped row goes into its instrument, mode and size rows; institutions, categories and the totals then
    # add up instrument rows (one per instrument, not one per grouped row: the grouped rows are many more).
    booked = {}
    for values in grouped:
        figures = _hour_figures(values)
        figures.add(_count_figures(values))
        booked.setdefault(values["instrument_id"], Figures(available_us=None)).add(figures)
        for name, key in (("by_mode", values["mode"]), ("by_company_size", values["size"])):
            rows[name].setdefault(key, Row(key, str(key), Figures(available_us=None))).figures.add(figures)
    for instrument_id, figures in booked.items():
        instrument = by_instrument[instrument_id]
        for row in (
            totals,
            rows["by_instrument"][instrument_id],
            rows["by_institution"][instrument.institution_id],
            rows["by_category"][instrument.category_id],
        ):
            row.figures.add(figures)

    # By month: counts by the month a booking starts; hours clipped to each month, one column each (1 query).
    # Distinct companies by month come from here too, except on PostgreSQL, where the GROUPING SETS scan below has
    # them and leaving COUNT(DISTINCT) out lets this query aggregate in parallel.
    one_scan = connection.vendor == "postgresql"
    months = list(period.months())
    month_hours = {}
    for i, (_key, lo, hi) in enumerate(months):
        month_hours.update(hour_sums(lo, hi, suffix=f"_{i}"))
    month_companies = {}
    if not one_scan:
        served = _starts_in(period.start, period.end) & Q(status=Status.COMPLETED)
        month_companies["companies"] = Count("company", distinct=True, filter=served)
    for values in (
        bookings.values(month=TruncMonth("start", tzinfo=TOKYO))
        .annotate(**month_hours, **counts(period.start, period.end), **month_companies)
        .order_by()
    ):
        started = rows["by_month"].get(_month_key(values["month"]))
        if started is not None:
            started.figures.add(_count_figures(values))
            started.figures.companies = values.get("companies", 0)
        for i, (key, _lo, _hi) in enumerate(months):
            rows["by_month"][key].figures.add(_hour_figures(values, f"_{i}"))

    if one_scan:
        companies, leads = _companies_and_medians_in_one_scan(bookings, period)
    else:
        companies, leads = _distinct_companies(bookings, period), _median_lead_times(bookings, period)
    totals.figures.companies = companies["totals"][None] or 0
    totals.figures.median_lead_time = leads["totals"].get(None)
    for name in BREAKDOWNS:
        for key, row in rows[name].items():
            if name != "by_month" or one_scan:
                row.figures.companies = companies[name].get(key, 0)
            row.figures.median_lead_time = leads[name].get(key)
            own = row.figures.available_us
            row.capacity_us = totals.figures.available_us if own is None else own
    totals.capacity_us = totals.figures.available_us

    scope = None
    if institution_ids is not None:
        scope = [(row.key, row.label) for row in rows["by_institution"].values()]
    return UtilizationReport(
        consortium_id=consortium.id,
        consortium_name=consortium.name,
        period=period,
        scope=scope,
        totals=totals,
        breakdowns={name: list(rows[name].values()) for name in BREAKDOWNS},
        generated_at=timezone.now(),
        consultations=consultation_summary(consortium.id, period.start, period.end, institution_ids=institution_ids),
        usage_reports=usage_report_summary(bookings, period.start, period.end),
    )


# --- Who may see what ----------------------------------------------------------------------------------------------


def member_institution_ids(consortium_id: int) -> set[int]:
    """Institutions that are or were members of the consortium (their staff may see their slice of its reports)."""
    return set(
        ConsortiumMembership.objects.filter(consortium_id=consortium_id).values_list("institution_id", flat=True)
    )


def report_scope_for(user, consortium_id: int, institution_id: int | None = None) -> frozenset[int] | None:
    """The institutions whose figures the user may see in the consortium's reports; None means all of them.

    The consortium's secretariat and site admins see the whole report, or one member institution's slice when
    they ask for it; institution staff see the slice of their own member institutions. Anyone else is refused.
    """
    access = access_for(user)
    members = member_institution_ids(consortium_id)
    if access.is_superuser or consortium_id in access.secretariat_of:
        if institution_id is None:
            return None
        if institution_id not in members:
            raise DomainError(
                "unknown_institution",
                "この協議会の加入機関ではありません。 (The institution is not a member of this consortium.)",
                field="institution",
            )
        return frozenset({institution_id})
    own = access.staff_of & members
    if own and institution_id is None:
        return frozenset(own)
    if institution_id in own:
        return frozenset({institution_id})
    raise PermissionDenied(
        "not_allowed_to_see_report",
        "この協議会の事務局（自機関分は機関の担当者）のみ閲覧できます。 "
        "(Only the consortium's secretariat, or an institution's staff for their own institution, may see this.)",
    )


def reports_visible_to(user) -> QuerySet[Report]:
    """Site admins see every report; the secretariat its consortium's; staff the slices of their institutions."""
    access = access_for(user)
    qs = Report.objects.select_related("consortium", "institution", "requested_by")
    if access.is_superuser:
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(Q(consortium_id__in=access.secretariat_of) | Q(institution_id__in=access.staff_of))
