"""Public pages: the catalogue across all consortia, and an instrument's page with its week view and
request form. The same selectors and services as the API."""

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import DomainError
from backend.tokyo import TOKYO
from backend.web import call_service, refuse_on_page
from consortia.selectors import access_for, companies_with_ids, consortium_list, fee_policy_of, institution_list
from equipment import selectors as equipment_selectors
from equipment.models import UsageMode, UserCategory

from .. import fees, quotes, selectors, services
from ..forms import CatalogueFilter, RequestForm
from ..selectors import grid
from .grid import (
    grid_config,
    grid_mode_of,
    initial_slot,
    legend,
    mode_links,
    offers_operated_mode,
    plain_week,
    week_start_of,
)

PAGE_SIZE = 24


def catalogue(request):
    """Every consortium's instruments; search ignores full-/half-width and case, like the API."""
    form = CatalogueFilter(
        request.GET or None,
        consortia=consortium_list(),
        institutions=institution_list(),
        categories=equipment_selectors.categories(),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Some filters were invalid and have been ignored."))
    instruments = equipment_selectors.instrument_list(
        q=filters.get("q", ""),
        consortium_id=filters.get("consortium"),
        institution_id=filters.get("institution"),
        category=filters.get("category") or None,
        mode=filters.get("mode") or None,
    )
    now = timezone.now()
    if filters.get("free7"):
        listed = list(instruments)
        free = selectors.instruments_free_between(
            listed, now, now + timedelta(days=7), now=now, mode=filters.get("mode") or None
        )
        instruments = [i for i in listed if i.id in free]
    page = Paginator(instruments, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "bookings/catalogue.html",
        {
            "form": form,
            "page": page,
            "cards": _cards(request.user, page.object_list, mode=filters.get("mode") or None, now=now),
            "look_ahead_days": selectors.LOOK_AHEAD_DAYS,
            "querystring_base": urlencode(kept) + "&" if kept else "",
        },
    )


def duration_text(minutes: int) -> str:
    """A length as the page's language writes it: 90 → 1時間30分 / 1 h 30 min."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": rest}
    if not rest:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": rest}


def _cards(user, instruments, *, mode, now):
    """Each instrument of the page with its next free slot in the viewer's usage mode (and the link that proposes
    it on the instrument's page), in a fixed number of queries whatever their number."""
    slots = selectors.next_free_slots(
        instruments,
        now=now,
        wanted_mode=mode,
        qualified_ids=equipment_selectors.qualified_instrument_ids(user, [i.id for i in instruments]),
        anonymous=not user.is_authenticated,
    )
    cards = []
    for instrument in instruments:
        found = slots.get(instrument.id)
        link = None
        if found and found.slot:
            start, end = found.slot.start.astimezone(TOKYO), found.slot.end.astimezone(TOKYO)
            query = urlencode(
                {
                    "week": start.date().isoformat(),
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "mode": found.mode,
                }
            )  # the mode whose slot it is: the page's grid and form show that mode
            link = f"{reverse('instrument-page', args=[instrument.pk])}?{query}"
        cards.append(
            {
                "instrument": instrument,
                "next_free": found,
                "longest": duration_text(found.longest_minutes) if found and found.slot else "",
                "link": link,
            }
        )
    return cards


def _companies_of(user):
    return list(companies_with_ids(access_for(user).member_of))


def _fee_table(instrument, policy=None):
    """Rates in force as rows per user category with a cell per mode the instrument offers. Where the institution's
    fee policy prices large companies from the SME rate (docs/fees.md), their row shows that price."""
    rates = {(r.user_category, r.mode): r for r in equipment_selectors.rates_in_force(instrument)}
    modes = [UsageMode(m) for m in instrument.modes]
    terms = fees.FeeTerms(large_company=policy.large_company_multiplier if policy else None)
    rows = []
    for category in UserCategory:
        cells = []
        for mode in modes:
            rate = fees.category_rate(
                user_category=category.value,
                mode=mode.value,
                terms=terms,
                rate_of=lambda c, m: rates.get((c, m)),
            )
            cells.append((mode, rate and SimpleNamespace(amount_jpy=rate.price_jpy, unit=rate.unit)))
        if any(rate for _mode, rate in cells):
            rows.append({"category": category, "cells": cells})
    return modes, rows


def _send_request(request, form: RequestForm, instrument):
    """Send the request once: the form's one-time token is its idempotency key, so the same form sent again (a
    double click, Back and send) answers the booking it made, named, rather than a second one or "slot taken".
    A token already spent on another request (Back, change, send) is refused on the form with a new token."""
    try:
        booking = services.request_booking(
            actor=request.user,
            instrument=instrument,
            idempotency_key=form.cleaned_data["request_key"],
            **form.service_kwargs(),
        )
    except DomainError as error:
        if error.code == "idempotency_key_reused":
            form.renew_request_key()
            error = DomainError(
                error.code,
                _("This form was already sent: it made booking #%(id)s. Send it again to request this time too.")
                % {"id": error.extra["booking"]},
            )
        refuse_on_page(form, error)
        return None
    if booking.replayed:
        messages.info(
            request, _("You already requested this: it is booking #%(id)s, shown below.") % {"id": booking.pk}
        )
    else:
        messages.success(request, _("Request sent; it awaits approval."))
    return booking


def instrument_page(request, pk: int):
    instrument = get_object_or_404(equipment_selectors.instrument_detail_queryset(), pk=pk)
    user = request.user
    # The form for those who may book today; for the day a request is for, the service raises the same predicate.
    unverified = services.unverified_refusal(user)  # signed up, link not followed yet: the page says so
    can_request = unverified is None and equipment_selectors.may_book(user, instrument)
    companies = _companies_of(user) if user.is_authenticated else []
    preview = None
    operators = selectors.operators_to_prefer(instrument, timezone.localdate()) if can_request else []
    form = RequestForm(initial=initial_slot(request), instrument=instrument, companies=companies, operators=operators)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        form = RequestForm(request.POST, instrument=instrument, companies=companies, operators=operators)
        if form.is_valid() and request.POST.get("action") == "preview":
            preview = call_service(
                request, form, services.preview_request, actor=user, instrument=instrument, **form.service_kwargs()
            )
        elif form.is_valid():
            booking = _send_request(request, form, instrument)
            if booking is not None:
                return redirect("booking-page", pk=booking.pk)
    manuals = list(instrument.manuals.all())
    current = equipment_selectors.current_manual_ids(manuals)
    policy = fee_policy_of(instrument.institution_id)
    modes, fee_rows = _fee_table(instrument, policy)
    return render(
        request,
        "bookings/instrument.html",
        {
            "instrument": instrument,
            **_week(request, instrument, form, can_request),
            "current_manuals": [m for m in manuals if m.id in current],
            "older_manuals": [m for m in manuals if m.id not in current],
            "fee_modes": modes,
            "fee_rows": fee_rows,
            "fee_policy": policy,
            "form": form,
            "preview": preview,
            "preview_quote": quotes.readable(preview.quote) if preview else None,
            "can_request": can_request,
            **_refusal(user, instrument, can_request, unverified),
            "consortia": instrument.institution.consortia.all(),
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _week(request, instrument, form, can_request: bool) -> dict:
    """The instrument page's week: the grid in the mode asked for (the request form starts in that mode), its plain
    list, legend and links."""
    week_start = week_start_of(request)
    asked = grid_mode_of(request, instrument)
    time_grid = grid.time_grid(
        instrument_id=instrument.id,
        policy=selectors.policy_of(instrument),
        viewer=request.user,
        first_day=week_start,
        mode=asked,
    )
    if asked and not form.is_bound:
        form.initial["mode"] = time_grid.mode  # the mode whose free time was shown
    return {
        "week": plain_week(time_grid, instrument),
        "grid_legend": legend(operated=offers_operated_mode(instrument)),
        "grid_modes": mode_links(request, instrument, time_grid),
        "grid_mode": asked,  # asked for: kept in the plain list's links
        "grid_config": grid_config(
            time_grid,
            instrument=instrument,
            start_field="id_start" if can_request else "",  # the form is shown only to those who may book
            end_field="id_end" if can_request else "",
            preview=can_request,
        ),
        "week_start": week_start,
        "previous_week": week_start - timedelta(days=7),
        "next_week": week_start + timedelta(days=7),
    }


def _refusal(user, instrument, can_request: bool, unverified=None) -> dict:
    """Why a signed-in user may not book (the service's refusal), and what they can do instead: a researcher of a
    non-member institution, or a person whose company is not registered (or not yet approved)."""
    if can_request or not user.is_authenticated:
        return {"cannot_request": None, "membership_help": None}
    if unverified is not None:
        return {"cannot_request": unverified.message, "membership_help": None}
    refusal = services.cannot_book_refusal(user, instrument)
    helped = refusal.code in selectors.MEMBERSHIP_HELP_CODES
    return {
        "cannot_request": refusal.message,
        "membership_help": selectors.membership_help(user, instrument, on=timezone.localdate()) if helped else None,
    }
