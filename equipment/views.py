"""Staff pages for the instruments of their institutions. The same services as the API."""

from django.shortcuts import render

from backend.web import staff_only
from consortia.selectors import access_for

from . import selectors


@staff_only
def instruments(request):
    """The instruments of the user's institutions, retired ones included."""
    access = access_for(request.user)
    qs = selectors.instrument_list(include_retired=True)
    if not access.is_superuser:
        qs = qs.filter(institution_id__in=access.staff_of)
    return render(request, "equipment/staff_instruments.html", {"instruments": qs})
