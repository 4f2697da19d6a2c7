"""A user's bookings: the list, one booking with its history and the actions the user may take, its
.ics, and the personal calendar-feed address.

The actions shown are those the verbs' predicates allow (`selectors.permitted_actions`); someone who sends one
anyway gets the 403 of the pages' refusal policy (backend.web), as the service would refuse it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backend.tokyo import TOKYO
from backend.web import call_service, require_permission

from .. import assignments, calendar, quotes, selectors, services
from ..feeds import ics_response
from ..forms import CompletionForm, ConsumablesForm, OperatorChoiceForm, ProposalForm, ReasonForm
from ..models import Booking
from ..selectors import grid
from .grid import grid_config, initial_slot, legend, plain_week, week_start_of

Status = Booking.Status
PAGE_SIZE = 30


@login_required
def my_bookings(request):
    """Bookings the user asked for (and, for company admins, their company's), newest first."""
    status = request.GET.get("status", "")
    bookings = selectors.own_bookings(request.user)
    if status in Status.values:
        bookings = bookings.filter(status=status)
    page = Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page"))
    feed = services.calendar_feed_of(actor=request.user)
    feed_url = request.build_absolute_uri(reverse("personal-calendar", kwargs={"token": feed.token}))
    return render(
        request,
        "bookings/my_bookings.html",
        {"page": page, "status": status, "statuses": Status.choices, "feed_url": feed_url},
    )


@login_required
@require_POST
def rotate_feed(request):
    services.rotate_calendar_feed(actor=request.user)
    messages.success(
        request,
        _("A new feed address has been made; the old one no longer works."),
    )
    return redirect("my-bookings")


def _visible_booking(request, pk: int) -> Booking:
    booking = selectors.bookings_visible_to(request.user).filter(pk=pk).first()
    if booking is None:
        raise Http404("no such booking")
    return booking


def _offers(user, booking: Booking) -> list:
    """The operators staff may choose for the booking (approval or reassignment), read only for them."""
    operated = selectors.needs_operator(booking.mode) and booking.status in (Status.PENDING, Status.APPROVED)
    return assignments.offers(booking) if operated and selectors.may_decide(user, booking) else []


def _operator_form(verb: str, booking: Booking, offers: list, data=None):
    """Approve or reassign with the operator chosen among the offers; a booking that needs none: the reason only.
    Every offer is a choice (the service says why one not free is refused); the page greys those not free."""
    if not selectors.needs_operator(booking.mode):
        return ReasonForm(data, prefix=verb)
    return OperatorChoiceForm(data, prefix=verb, offers=offers)


def _operator_context(booking: Booking, offers: list, *, is_party: bool, forms: dict) -> dict:
    """The booking's operator (shown to its parties, name only) and the approval and reassignment forms."""
    return {
        "assignment": selectors.operator_of(booking) if is_party else None,
        "offers": offers,
        "operated": selectors.needs_operator(booking.mode),
        "any_operator_free": any(o.free for o in offers),
        "approve_form": forms.get("approve") or _operator_form("approve", booking, offers),
        "reassign_form": forms.get("reassign") or _operator_form("reassign", booking, offers),
    }


def _detail(request, booking: Booking, forms: dict | None = None, status: int = 200):
    user = request.user
    can = selectors.permitted_actions(user, booking)
    is_staff = can["approve"]
    is_party = selectors.is_party_to(user, booking)
    forms = forms or {}
    offers = _offers(user, booking)
    context = {
        **_operator_context(booking, offers, is_party=is_party, forms=forms),
        "booking": booking,
        "quote": quotes.readable(booking.quote),
        "details": selectors.sees_full_details(user, booking),
        "can": can,
        "use_recordable": selectors.use_recordable(booking),
        "is_staff": is_staff,
        "is_party": is_party,
        # the requester's side is told what to expect; staff see the deadlines among their warnings
        "next_steps": selectors.next_steps(booking, now=timezone.now()) if is_party and not is_staff else None,
        "events": booking.events.all(),
        "warnings": selectors.warnings_for([booking], now=timezone.now())[booking.id] if is_staff else [],
        # the requester's side sees a downtime over their booking (staff see it among the warnings)
        "conflicts": []
        if is_staff or not booking.is_holding or booking.end <= timezone.now()
        else selectors.downtimes_over([booking])[booking.id],
        "reject_form": forms.get("reject") or ReasonForm(prefix="reject"),
        "propose_form": forms.get("propose") or ProposalForm(prefix="propose", initial=initial_slot(request)),
        "cancel_form": forms.get("cancel") or ReasonForm(prefix="cancel"),
        "decline_form": forms.get("decline") or ReasonForm(prefix="decline"),
        "no_show_form": forms.get("no-show") or ReasonForm(prefix="no-show"),
        "consumables_form": forms.get("consumables")
        or ConsumablesForm(prefix="consumables", initial={"consumables": ConsumablesForm.as_text(booking.consumables)}),
        "complete_form": forms.get("complete")
        or CompletionForm(
            prefix="complete",
            initial={
                "actual_start": booking.start.astimezone(TOKYO),
                "actual_end": booking.end.astimezone(TOKYO),
            },
        ),
    }
    if can["propose"] and booking.status == Status.PENDING:
        context.update(_proposal_grid(request, booking))
    return render(request, "bookings/booking_detail.html", context, status=status)


def _proposal_grid(request, booking: Booking) -> dict:
    """The instrument's grid beside the counter-proposal form: the booking shown as itself (its own time free to
    move into), the week from ?week= or the booking's day; a time chosen fills the form's start and end."""
    first_day = week_start_of(request, default=booking.start.astimezone(TOKYO).date())
    instrument = booking.instrument
    time_grid = grid.time_grid(
        instrument_id=instrument.id,
        policy=selectors.policy_of_id(instrument.id),
        viewer=request.user,
        first_day=first_day,
        subject_id=booking.id,
        mode=booking.mode,  # an assisted or commissioned booking moves only where an operator is free too
    )
    return {
        "week": plain_week(time_grid, instrument),
        "week_start": first_day,
        "previous_week": time_grid.previous_first_day,
        "next_week": time_grid.next_first_day,
        "grid_legend": legend(subject=True, operated=selectors.needs_operator(booking.mode)),
        "grid_config": grid_config(
            time_grid,
            instrument=instrument,
            start_field="id_propose-start",
            end_field="id_propose-end",
            preview=False,
            subject_id=booking.id,
        ),
    }


@login_required
def booking_detail(request, pk: int):
    return _detail(request, _visible_booking(request, pk))


# verb → (form class, service, keyword arguments from the form, message); who may do it is
# selectors.permitted_actions(user, booking)[verb] ("no_show" for "no-show")
ACTIONS = {
    "approve": (OperatorChoiceForm, services.approve, ("reason", "operator"), gettext_lazy("Approved.")),
    "reassign": (
        OperatorChoiceForm,
        services.reassign_operator,
        ("reason", "operator"),
        gettext_lazy("Another operator assigned."),
    ),
    "reject": (ReasonForm, services.reject, ("reason",), gettext_lazy("Rejected.")),
    "propose": (ProposalForm, services.propose, ("start", "end", "reason"), gettext_lazy("Another time proposed.")),
    "accept": (None, services.accept_proposal, (), gettext_lazy("Proposal accepted.")),
    "decline": (ReasonForm, services.decline_proposal, ("reason",), gettext_lazy("Proposal declined.")),
    "cancel": (ReasonForm, services.cancel, ("reason",), gettext_lazy("Booking cancelled.")),
    "complete": (
        CompletionForm,
        services.complete,
        ("actual_start", "actual_end"),
        gettext_lazy("Use recorded."),
    ),
    "no-show": (ReasonForm, services.mark_no_show, ("reason",), gettext_lazy("No-show recorded.")),
    "consumables": (
        ConsumablesForm,
        services.set_consumables,
        ("consumables",),
        gettext_lazy("Consumables set; the quote is updated."),
    ),
}


SERVICE_ARGUMENT = {"operator": "operator_id"}


@login_required
@require_POST
def booking_action(request, pk: int, verb: str):
    """One verb on one booking; a refusal re-renders the page with the user's input and the reason."""
    if verb not in ACTIONS:
        raise Http404("no such action")
    booking = _visible_booking(request, pk)
    require_permission(selectors.permitted_actions(request.user, booking)[verb.replace("-", "_")])
    form_class, service, fields, done = ACTIONS[verb]
    if form_class is OperatorChoiceForm:
        form = _operator_form(verb, booking, _offers(request.user, booking), request.POST)
    else:
        form = form_class(request.POST, prefix=verb) if form_class else None
    if form is not None and not form.is_valid():
        return _detail(request, booking, {verb: form}, status=400)
    # the form's `operator` is the services' `operator_id` (absent for a booking that needs no operator)
    kwargs = (
        {SERVICE_ARGUMENT.get(n, n): form.cleaned_data[n] for n in fields if n in form.cleaned_data} if form else {}
    )
    target = form or ReasonForm(prefix=verb)
    result = call_service(request, target, service, success=done, actor=request.user, booking=booking, **kwargs)
    if result is None:
        booking.refresh_from_db()
        for error in target.non_field_errors():  # shown at the top too: the form may not be on the page now
            messages.error(request, error)
        return _detail(request, booking, {verb: target}, status=400)
    return redirect("booking-page", pk=booking.pk)


@login_required
def booking_ics(request, pk: int):
    """The booking as a calendar file to open or import (same UID as in the feeds)."""
    booking = _visible_booking(request, pk)
    if selectors.sees_full_details(request.user, booking):
        content = calendar.personal_feed(booking.instrument.localized_name, [booking])
    else:  # e.g. the secretariat and a confidential booking: busy time only
        content = calendar.instrument_feed(booking.instrument, [booking], [])
    return ics_response(content, f"kyoyo-booking-{booking.pk}.ics")
