"""Web pages of technical consultations and the expert directory: the same selectors and services as the API.

Who sees what is `selectors.consultations_visible_to` (anyone else gets a 404); who may do a verb there is its
predicate (`selectors.may_refer`, `may_write`, …), which the pages read to show the verb's form and the services
raise. Refusals follow the pages' one policy (backend.web.refuse_on_page): a refused permission is a 403 page, a
refusal on input is shown next to its field with the input kept (400).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.web import call_service, require_permission
from consortia.selectors import access_for, institutions_with_ids
from equipment.selectors import instruments_in_service_at

from . import selectors, services
from .forms import (
    CloseForm,
    ConsultationForm,
    ExpertFilter,
    ExpertProfileForm,
    LinkBookingForm,
    ListFilter,
    MessageForm,
    ReferForm,
    companies_of,
)
from .models import Consultation, ExpertProfile
from .suggestions import shown

PAGE_SIZE = 30


def _takes_part(access) -> bool:
    """Company users ask; coordinators refer; staff answer what was referred to them."""
    return bool(access.member_of or access.coordinator_of or access.staff_of)


# --- The list ------------------------------------------------------------------------------------------------------
@login_required
def consultation_list(request):
    """The company's own consultations, the coordinators' inbox of their consortia, the staff's referred ones
    (one list: what the user may see), with filters. A fixed number of queries whatever the number of rows."""
    access = access_for(request.user)
    if not _takes_part(access):
        raise PermissionDenied(_("For the parties of consultations only."))
    form = ListFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Some filters were invalid and ignored."))
    filters = form.selector_kwargs()
    consultations = selectors.filter_consultations(selectors.consultation_list(request.user), **filters)
    if filters["unreferred"]:  # an inbox: the longest waiting first
        consultations = consultations.order_by("created_at", "id")
    page = Paginator(consultations, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"consultation": c, "overdue": selectors.is_overdue(c, now)} for c in page]
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "consultations/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "querystring_base": f"{kept.urlencode()}&" if kept else "",
            "filtered": any(filters.values()),
            "statuses": Consultation.Status.choices,
        },
    )


# --- Asking --------------------------------------------------------------------------------------------------------
@login_required
def consultation_new(request):
    """The low-threshold form. "Preview" shows what the matcher suggests without sending; "send" asks, and the
    consultation's page shows the suggestions at once."""
    if not selectors.may_ask(request.user):
        raise PermissionDenied(_("Technical consultations are asked by company users."))
    form = ConsultationForm(request.POST or None, companies=companies_of(access_for(request.user)))
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            found = call_service(
                request, form, services.preview_suggestions, actor=request.user, **form.service_kwargs()
            )
            preview = None if found is None else shown(found)
        else:
            consultation = call_service(
                request,
                form,
                services.submit_consultation,
                success=_("Consultation sent; a coordinator will be in touch."),
                actor=request.user,
                confidential=form.cleaned_data["confidential"],
                **form.service_kwargs(),
            )
            if consultation is not None:
                return redirect("consultation-page", pk=consultation.pk)
    return render(
        request,
        "consultations/new.html",
        {"form": form, "preview": preview},
        status=400 if form.errors else 200,
    )


# --- One consultation: the thread ----------------------------------------------------------------------------------
def _visible(request, pk: int) -> Consultation:
    consultation = selectors.consultation_detail_queryset(request.user).filter(pk=pk).first()
    if consultation is None:
        raise Http404("no such consultation")
    return consultation


def _refer_form(consultation, data=None, initial=None) -> ReferForm:
    return ReferForm(
        data,
        initial=initial,
        consultation=consultation,
        institutions=selectors.referable_institutions(),
        instruments=selectors.referable_instruments(),
        experts=selectors.referable_experts(),
    )


def _refer_initial(request, suggestions) -> dict | None:
    """ "Refer here" on a suggestion: the institution with its suggested instruments and experts picked."""
    wanted = request.GET.get("refer_to", "")
    for suggestion in suggestions:
        if str(suggestion["institution"]["id"]) == wanted:
            return {
                "institution": suggestion["institution"]["id"],
                "instruments": [i["id"] for i in suggestion["instruments"]],
                "experts": [e["id"] for e in suggestion["experts"]],
            }
    return None


def _instruments_to_book(suggestions, referrals, limit: int = 5) -> list[dict]:
    """The instruments the consultation pointed to — referred ones first, then suggested ones — each once, the
    first `limit` (the suggestions list them all)."""
    seen, found = set(), []
    for referral in referrals:
        for instrument in referral.instruments.all():
            if instrument.id not in seen:
                seen.add(instrument.id)
                found.append(
                    {"id": instrument.id, "name": instrument.localized_name, "institution": str(referral.institution)}
                )
    for suggestion in suggestions:
        for item in suggestion["instruments"]:
            if item["id"] not in seen:
                seen.add(item["id"])
                found.append({"id": item["id"], "name": item["name"], "institution": suggestion["institution"]["name"]})
    return found[:limit]


def _detail(request, consultation: Consultation, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    can = selectors.permitted_actions(request.user, consultation)
    suggestions = selectors.current_suggestions(consultation)
    referrals = list(consultation.referrals.all())
    context = {
        "consultation": consultation,
        "can": can,
        "sides": selectors.sides_of(request.user, consultation, {r.institution_id for r in referrals}),
        "suggestions": suggestions,
        "referrals": referrals,
        "thread": consultation.messages.all(),
        "links": consultation.booking_links.all(),
        "overdue": selectors.is_overdue(consultation, timezone.now()),
        "message_form": forms.get("message") or MessageForm(prefix="message"),
    }
    if can["refer"]:
        context["refer_form"] = forms.get("refer") or _refer_form(
            consultation, initial=_refer_initial(request, suggestions)
        )
    if can["close"]:
        context["close_form"] = forms.get("close") or CloseForm(prefix="close")
    if can["book"]:
        context["to_book"] = _instruments_to_book(suggestions, referrals)
        context["link_form"] = forms.get("link") or LinkBookingForm(
            prefix="link", bookings=selectors.linkable_bookings(request.user, consultation)
        )
    return render(request, "consultations/detail.html", context, status=status)


@login_required
def consultation_detail(request, pk: int):
    return _detail(request, _visible(request, pk))


# verb of the page → who may do it
ACTIONS = {
    "message": lambda user, c: selectors.may_write(user, c, {r.institution_id for r in c.referrals.all()}),
    "refer": selectors.may_refer,
    "close": selectors.may_close,
    "link": selectors.may_book,
}


def _act(request, consultation, name: str, form, service, *, success: str, anchor: str, **kwargs):
    """Run one verb of the thread: back to the page on success, else the page again with the refusal beside its
    field and the input kept (400). Someone who may not do it at all gets a 403 page, whatever they sent (the
    verb's predicate, which the service raises too); on a closed consultation the service says that it is closed."""
    require_permission(ACTIONS[name](request.user, consultation))
    if form.is_valid():
        done = call_service(
            request, form, service, success=success, actor=request.user, consultation=consultation, **kwargs
        )
        if done is not None:
            return redirect(f"/consultations/{consultation.pk}/#{anchor}")
        for error in form.non_field_errors():  # at the top too: the form may no longer be on the page
            messages.error(request, error)
    # The page shows what is stored now (a refusal may be a concurrent close); the form keeps the input.
    return _detail(request, _visible(request, consultation.pk), {name: form}, status=400)


@login_required
@require_POST
def post_message(request, pk: int):
    consultation = _visible(request, pk)
    form = MessageForm(request.POST, prefix="message")
    body = form.cleaned_data["body"] if form.is_valid() else ""
    return _act(
        request,
        consultation,
        "message",
        form,
        services.post_message,
        success=_("Message sent."),
        anchor="thread",
        body=body,
    )


@login_required
@require_POST
def refer(request, pk: int):
    consultation = _visible(request, pk)
    form = _refer_form(consultation, request.POST)
    kwargs = form.service_kwargs() if form.is_valid() else {}
    return _act(
        request,
        consultation,
        "refer",
        form,
        services.refer,
        success=_("Referred; the institution and the company are e-mailed."),
        anchor="referrals",
        **kwargs,
    )


@login_required
@require_POST
def close(request, pk: int):
    consultation = _visible(request, pk)
    form = CloseForm(request.POST, prefix="close")
    outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
    return _act(
        request,
        consultation,
        "close",
        form,
        services.close,
        success=_("Consultation closed."),
        anchor="status",
        outcome=outcome,
    )


@login_required
@require_POST
def link_booking(request, pk: int):
    consultation = _visible(request, pk)
    bookings = selectors.linkable_bookings(request.user, consultation)
    form = LinkBookingForm(request.POST, prefix="link", bookings=bookings)
    booking = next((b for b in bookings if form.is_valid() and b.id == form.cleaned_data["booking"]), None)
    return _act(
        request,
        consultation,
        "link",
        form,
        services.link_booking,
        success=_("Booking linked to the consultation."),
        anchor="bookings",
        booking=booking,
    )


# --- The expert directory ------------------------------------------------------------------------------------------
@login_required
def expert_directory(request):
    """Listed experts, searched like the catalogue; for logged-in users (it names people)."""
    institutions = selectors.institutions_with_listed_experts()
    form = ExpertFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Some filters were invalid and ignored."))
    experts = selectors.expert_list(q=filters.get("q", ""), institution_id=filters.get("institution"))
    page = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "consultations/experts.html",
        {
            "form": form,
            "page": page,
            "institutions": institutions,
            "querystring_base": f"{kept.urlencode()}&" if kept else "",
        },
    )


@login_required
def my_expert_entry(request):
    """A staff member's own entry: listed or not, keywords, profile, the instruments they run."""
    if not selectors.may_keep_expert_entry(request.user):
        raise PermissionDenied(_("Only institution staff can be listed as experts."))
    access = access_for(request.user)
    profile = ExpertProfile.objects.filter(user=request.user).prefetch_related("instruments").first()
    institutions = list(institutions_with_ids(access.staff_of))
    instruments = list(instruments_in_service_at(access.staff_of))
    initial = None
    if profile is not None:
        initial = {
            "institution": profile.institution_id,
            "listed": profile.listed,
            "keywords": profile.keywords,
            "bio": profile.bio,
            "instruments": [i.id for i in profile.instruments.all()],
        }
    form = ExpertProfileForm(request.POST or None, initial=initial, institutions=institutions, instruments=instruments)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            request,
            form,
            services.save_expert_profile,
            success=_("Your entry is saved."),
            actor=request.user,
            **form.service_kwargs(),
        )
        if saved is not None:
            return redirect("expert-me-page")
    return render(
        request,
        "consultations/expert_me.html",
        {"form": form, "profile": profile},
        status=400 if form.errors else 200,
    )
