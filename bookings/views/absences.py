"""The pages of an operator's absences: their own at /operator/absences/, and an operator of their institution's at
/staff/operators/<id>/absences/ for its administrators (one set of views; `pk` None is the user's own entry).

An absence over bookings the operator is assigned to shows them before anything is saved (status 409), each with a
choice — reassign (to a free colleague offered, or the first free one), propose another time, cancel — and is saved
with the choices (bookings.absences) only when every booking has a valid one, as the downtime page does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backend.errors import DomainError
from backend.plumbing import as_id
from backend.web import attach_refusal, forbid_if_refused_permission, require_permission
from staffing import selectors as staffing_selectors

from .. import absences
from ..forms_absences import AbsenceForm, AbsenceImportForm, absence_resolution_forms
from ..selectors.operators import bookings_assigned_to, stand_ins


def _operator(request, pk):
    """The operator of the page: the user's own entry (pk None), or the one named, if the user may manage their
    absences (the predicate the services raise)."""
    if pk is None:
        operator = staffing_selectors.operator_of(request.user)
        if operator is None:
            raise Http404("you are not an operator")
    else:
        operator = staffing_selectors.operator_by_id(pk)
        if operator is None:
            raise Http404("no such operator")
    require_permission(staffing_selectors.may_manage_absences(request.user, operator))
    return operator


def _url(name: str, pk, **more) -> str:
    """The page's URLs, own or staff's, by the same names."""
    if pk is None:
        return reverse(f"operator-{name}", kwargs=more)
    return reverse(f"staff-operator-{name}", kwargs={"pk": pk, **more})


def _page(request, operator, pk, *, form=None, import_form=None, status=200):
    rows = staffing_selectors.absences_of(operator, since=timezone.now())
    return render(
        request,
        "bookings/operator/absences.html",
        {
            "operator": operator,
            "own": pk is None,
            "absences": [(absence, _url("absence-delete", pk, absence_pk=absence.pk)) for absence in rows],
            "form": form or AbsenceForm(prefix="add"),
            "import_form": import_form or AbsenceImportForm(prefix="import"),
            "add_url": _url("absences", pk),
            "import_url": _url("absences-import", pk),
        },
        status=status,
    )


def _settle(request, operator, pk, carried, *, change: str, call, done: str, action_url: str, refused):
    """Run `call(resolutions)`; show the bookings hit and their choices when it needs them or refuses them."""
    now = timezone.now()
    sent = [i for i in (as_id(v) for v in request.POST.getlist("affected")) if i is not None]
    hit = list(bookings_assigned_to(operator.id, sent, now=now)) if sent else []
    choices = absence_resolution_forms(hit, stand_ins(hit, absent_id=operator.id), request.POST) if sent else []

    def choice_page(rows, status):
        context = {
            "operator": operator,
            "change": change,
            "carried": carried,
            "choices": rows,
            "back_url": _url("absences", pk),
            "action_url": action_url,
        }
        return render(request, "bookings/operator/absence_choices.html", context, status=status)

    if sent and not all(form.is_valid() for _booking, form in choices):
        return choice_page(choices, 400)
    try:
        call([form.resolution() for _booking, form in choices] if sent else None)
    except absences.AbsenceOverBookings as error:
        return choice_page(
            absence_resolution_forms(error.bookings, stand_ins(error.bookings, absent_id=operator.id)), 409
        )
    except DomainError as error:
        forbid_if_refused_permission(error)
        if not sent:
            return refused(error)
        messages.error(request, error.message)
        return choice_page(choices, 409 if error.status == 409 else 400)
    if done:
        messages.success(request, done)
    return redirect(_url("absences", pk))


@login_required
def absence_list(request, pk: int | None = None):
    operator = _operator(request, pk)
    if request.method != "POST":
        return _page(request, operator, pk)
    form = AbsenceForm(request.POST, prefix="add")
    if not form.is_valid():
        return _page(request, operator, pk, form=form, status=400)

    def refused(error):
        attach_refusal(form, error)
        return _page(request, operator, pk, form=form, status=400)

    return _settle(
        request,
        operator,
        pk,
        list(form),
        change=_("The absence %(start)s – %(end)s")
        % {
            "start": timezone.localtime(form.cleaned_data["start"]).strftime("%Y-%m-%d %H:%M"),
            "end": timezone.localtime(form.cleaned_data["end"]).strftime("%Y-%m-%d %H:%M"),
        },
        call=lambda resolutions: absences.add_absence(
            actor=request.user, operator=operator, resolutions=resolutions, **form.cleaned_data
        ),
        done=_("Absence added."),
        action_url=_url("absences", pk),
        refused=refused,
    )


@login_required
@require_POST
def absence_import(request, pk: int | None = None):
    """All or nothing: a refused file stores nothing and the refusal shows next to the file field."""
    operator = _operator(request, pk)
    form = AbsenceImportForm(request.POST, request.FILES, prefix="import")
    if not form.is_valid():
        return _page(request, operator, pk, import_form=form, status=400)
    data = form.cleaned_data
    carried = AbsenceImportForm(initial={"kind": data["kind"], "content": data["carried"]}, prefix="import")
    counts = {}

    def call(resolutions):
        counts.update(
            absences.import_absences(
                actor=request.user, operator=operator, upload=data["upload"], kind=data["kind"], resolutions=resolutions
            )
        )
        data["upload"].seek(0)  # read again if the choices are refused and shown once more

    def refused(error):
        attach_refusal(form, error)
        return _page(request, operator, pk, import_form=form, status=400)

    answer = _settle(
        request,
        operator,
        pk,
        list(carried),
        change=_("Import from a calendar (.ics)"),
        call=call,
        done="",
        action_url=_url("absences-import", pk),
        refused=refused,
    )
    if counts:
        messages.success(
            request,
            _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(deleted)d deleted.")
            % counts,
        )
    return answer


@login_required
@require_POST
def absence_delete(request, absence_pk: int, pk: int | None = None):
    operator = _operator(request, pk)
    absence = staffing_selectors.absence_of(operator, absence_pk)
    if absence is None:
        raise Http404("no such absence")
    try:
        absences.delete_absence(actor=request.user, absence=absence)
    except DomainError as error:
        forbid_if_refused_permission(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Absence deleted."))
    return redirect(_url("absences", pk))


__all__ = ["absence_delete", "absence_import", "absence_list"]
