"""What waits for a user, read from each app's selectors: the sections of the home page and the header's badges.

`home` sits above every product app and only reads; nothing imports it. Each section is one list (its first
`LIMIT` rows and how many there are in all) in a fixed number of queries whatever the number of rows, and
scoped by the selectors it reads: a company user sees their own (an admin their company's) bookings, invoices
and usage reports; staff their institutions'; the secretariat its consortia's figures; a coordinator the
consultations of their consortia. The badges count the same querysets as the sections, so both always agree.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from backend.periods import Period, fiscal_year_of
from backend.tokyo import TOKYO
from bookings import selectors as bookings
from bookings.models import Booking
from consortia.selectors import Access, access_for, consortium_list, has_any_role
from consultations import selectors as consultations
from consultations.models import Consultation
from invoices import selectors as invoices
from invoices.models import Invoice
from registrations import selectors as registrations
from reports import selectors as reports
from staffing import selectors as staffing
from usage_reports import selectors as usage_reports

LIMIT = 8  # rows a section lists; it says how many there are in all and links to the full list

# The order of sections that wait for the user (first) and of the others: what can expire or hurt comes first.
ORDER = (
    "registrations_to_decide",
    "join_requests",
    "to_decide",
    "proposals",
    "conflicts",
    "staff_conflicts",
    "overdue_completions",
    "to_refer",
    "usage_reports",
    "invoices",
    "today",
    "my_assignments",
    "upcoming",
    "figures",
    "operator",
    "my_registration",
)


@dataclass
class Section:
    key: str  # also its template: home/sections/<key>.html
    rows: list = field(default_factory=list)
    count: int = 0  # rows in all (the list shows at most LIMIT)
    waiting: int = 0  # of them, how many wait for this user's action (orders the sections)
    extra: dict = field(default_factory=dict)
    template_name: str = ""  # a section another app draws (registrations' panels); else home/sections/<key>.html

    @property
    def more(self) -> int:
        return max(self.count - len(self.rows), 0)

    @property
    def template(self) -> str:
        return self.template_name or f"home/sections/{self.key}.html"


def _listed(key: str, qs: QuerySet, *, waiting: bool) -> Section:
    count = qs.count()  # always asked, so the page takes as many queries for 0 rows as for 1,000
    return Section(key, list(qs[:LIMIT]) if count else [], count, count if waiting else 0)


# --- The querysets the badges count and the sections list ----------------------------------------------------------
def proposals_to_answer(user) -> QuerySet[Booking]:
    """Counter-proposals waiting for the requester's side (the requester, their company's admins)."""
    return bookings.own_bookings(user).filter(status=Booking.Status.PENDING, proposal_pending=True).order_by("start")


def requests_to_decide(user, access: Access) -> QuerySet[Booking]:
    """Undecided requests at the user's institutions that staff can act on now (not those waiting for the
    requester's answer to a proposal), the nearest deadline first."""
    return (
        bookings.approval_queue(user)
        .filter(instrument__institution_id__in=access.staff_of, proposal_pending=False)
        .order_by("expires_at", "id")
    )


def consultations_to_refer(user, access: Access) -> QuerySet[Consultation]:
    """New consultations of the coordinator's consortia, not yet referred; the longest waiting first."""
    return (
        consultations.filter_consultations(
            consultations.consultations_visible_to(user), statuses=[Consultation.Status.NEW]
        )
        .filter(consortium_id__in=access.coordinator_of)
        .select_related("company", "consortium")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class Waiting:
    proposals: int = 0
    to_decide: int = 0
    to_refer: int = 0

    @property
    def total(self) -> int:
        return self.proposals + self.to_decide + self.to_refer


def waiting_counts(user) -> Waiting:
    """The header's badges: at most one query per role the user has (requester, staff, coordinator)."""
    access = access_for(user)
    if not getattr(user, "is_authenticated", False):
        return Waiting()
    return Waiting(
        proposals=proposals_to_answer(user).count(),
        to_decide=requests_to_decide(user, access).count() if access.staff_of else 0,
        to_refer=consultations_to_refer(user, access).count() if access.coordinator_of else 0,
    )


# --- The sections of each role ------------------------------------------------------------------------------------
def _with_downtimes(section: Section) -> Section:
    section.extra["downtimes"] = bookings.downtimes_over(section.rows)
    for booking in section.rows:
        booking.home_downtimes = section.extra["downtimes"].get(booking.id, [])
    return section


def requester_sections(user, access: Access, now: datetime) -> list[Section]:
    """A company user's, company admin's or researcher's: what to answer, what is coming, what is owed."""
    own = bookings.own_bookings(user)
    sections = [
        _listed("proposals", proposals_to_answer(user), waiting=True),
        _with_downtimes(_listed("conflicts", bookings.in_conflict(own, now=now).order_by("start", "id"), waiting=True)),
        _listed("upcoming", own.filter(status__in=Booking.HOLDING, end__gt=now).order_by("start", "id"), waiting=False),
    ]
    if access.member_of:
        sections += [_usage_reports(user, access, now), _invoices(user, access, now)]
    return sections


def _usage_reports(user, access: Access, now: datetime) -> Section:
    today = now.astimezone(TOKYO).date()
    mine = usage_reports.rows_visible_to(user).filter(company_id__in=access.member_of)
    overdue = _listed(
        "usage_reports", usage_reports.with_status(mine, "overdue", today).order_by("used_until"), waiting=True
    )
    owed = _listed("usage_reports", usage_reports.with_status(mine, "owed", today).order_by("used_until"), waiting=True)
    for booking in overdue.rows:
        booking.home_report_status = "overdue"
    for booking in owed.rows:
        booking.home_report_status = "owed"
    for booking in (*overdue.rows, *owed.rows):
        booking.home_due_on = usage_reports.due_on(booking)
    count = overdue.count + owed.count
    return Section(
        "usage_reports",
        (overdue.rows + owed.rows)[:LIMIT],
        count,
        count,
        {"overdue": overdue.count, "owed": owed.count},
    )


def _invoices(user, access: Access, now: datetime) -> Section:
    """Invoices issued to the user's companies whose payment is not yet due, the nearest due date first."""
    today = now.astimezone(TOKYO).date()
    issued = invoices.invoices_visible_to(user).filter(
        company_id__in=access.member_of, status=Invoice.Status.ISSUED, due_on__gte=today
    )
    return _listed("invoices", issued.order_by("due_on", "id"), waiting=True)


def staff_sections(user, access: Access, now: datetime) -> list[Section]:
    """Institution staff's: requests to decide, conflicts, uses to record, and today's schedule."""
    theirs = bookings.booking_rows().filter(instrument__institution_id__in=access.staff_of)
    conflicts = bookings.in_conflict(theirs, now=now).order_by("start", "id")
    unrecorded = theirs.filter(status=Booking.Status.APPROVED, end__lte=now).order_by("end", "id")
    return [
        _listed("to_decide", requests_to_decide(user, access), waiting=True),
        _with_downtimes(_listed("staff_conflicts", conflicts, waiting=True)),
        _listed("overdue_completions", unrecorded, waiting=True),
        _today(user, access, now),
    ]


def _today(user, access: Access, now: datetime) -> Section:
    local = now.astimezone(TOKYO)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    day_bookings, downtimes = bookings.institution_schedule(user, start, start + timedelta(days=1))
    rows = [
        b
        for b in day_bookings
        if b.instrument.institution_id in access.staff_of and b.status in (*Booking.HOLDING, Booking.Status.COMPLETED)
    ]
    downtimes = [d for d in downtimes if d.instrument.institution_id in access.staff_of]
    return Section("today", rows, len(rows), 0, {"downtimes": downtimes, "day": start})


def secretariat_sections(access: Access, now: datetime) -> list[Section]:
    """This month's and this fiscal year's headline figures of each of the secretariat's consortia."""
    local = now.astimezone(TOKYO)
    month, year = Period.month(local.year, local.month), Period.fiscal_year(fiscal_year_of(local.date()))
    rows = [
        {
            "consortium": consortium,
            "month": reports.headline(consortium_id=consortium.id, period=month),
            "year": reports.headline(consortium_id=consortium.id, period=year),
        }
        for consortium in consortium_list().filter(id__in=access.secretariat_of)
    ]
    extra = {"month": month, "year": year, "month_key": f"{local:%Y-%m}", "fy": fiscal_year_of(local.date())}
    return [Section("figures", rows, len(rows), 0, extra)]


def coordinator_sections(user, access: Access, now: datetime) -> list[Section]:
    """Consultations not yet referred, the overdue ones (past the reminder's business days) marked and counted."""
    waiting = consultations_to_refer(user, access)
    section = _listed("to_refer", waiting, waiting=True)
    for consultation in section.rows:
        consultation.home_overdue = consultations.is_overdue(consultation, now)
    overdue = sum(
        now >= consultations.reminder_due_at(c)
        for c in waiting.select_related(None).only("id", "created_at").order_by()
    )
    section.extra["overdue"] = overdue
    return [section]


def registration_sections(user, access: Access) -> list[Section]:
    """Company registrations (利用登録) to decide, for their approvers (the secretariat, or the staff where the
    consortium says so; site operators): the oldest first. Requests to join a company, for its admins."""
    sections = []
    if access.secretariat_of or access.staff_of or access.is_superuser:
        section = _listed("registrations_to_decide", registrations.registrations_to_decide(user), waiting=True)
        section.template_name = "registrations/home/to_decide.html"
        if section.count or access.secretariat_of:  # staff see it only when their consortium lets them decide
            sections.append(section)
    if access.admin_of:
        section = _listed("join_requests", registrations.join_requests_to_decide(user), waiting=True)
        if section.count:
            section.template_name = "registrations/home/join_requests.html"
            sections.append(section)
    return sections


def my_registration(user) -> Section:
    """A person of no company: their pending registration or request to join, or the way to register."""
    pending = registrations.pending_registration_of(user) or registrations.pending_join_request_of(user)
    extra = {"approver": registrations.approver_label(pending) if hasattr(pending, "applicant") else ""}
    return Section(
        "my_registration", [pending] if pending else [], int(bool(pending)), 0, extra, "registrations/home/mine.html"
    )


def home_of(user, *, now: datetime | None = None) -> list[Section]:
    """Every section that applies to the user's roles, those waiting for them first."""
    now = now or timezone.now()
    access = access_for(user)
    sections: list[Section] = []
    if access.staff_of:
        sections += staff_sections(user, access, now)
        operator = staffing.operator_of(user)
        if operator is not None:  # an operator (専門人材): what they are assigned to run next
            sections.append(
                _listed(
                    "my_assignments",
                    bookings.assignments_of(operator.id, now, now + bookings.SCHEDULE_AHEAD),
                    waiting=False,
                )
            )
    if access.coordinator_of:
        sections += coordinator_sections(user, access, now)
    if access.secretariat_of:
        sections += secretariat_sections(access, now)
    sections += registration_sections(user, access)
    if access.is_superuser:
        sections.append(Section("operator"))
    if access.member_of or access.researcher_of or not sections:
        sections += requester_sections(user, access, now)
    if not (has_any_role(access) or access.is_superuser):
        sections.append(my_registration(user))
    return sorted(sections, key=lambda s: (not s.waiting, ORDER.index(s.key)))
