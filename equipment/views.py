"""Web pages of the catalogue: the same selectors as the API."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from consortia.selectors import consortium_list

from . import selectors
from .models import Category


def catalogue(request):
    """Every consortium's instruments, searchable regardless of full-/half-width and case."""
    q = request.GET.get("q", "")[:200]
    category = request.GET.get("category", "")[:40]
    consortium = request.GET.get("consortium", "")
    consortium_id = int(consortium) if consortium.isdigit() else None
    errors = "" if consortium in ("", None) or consortium_id else "協議会の指定が不正です。 (Invalid consortium.)"
    instruments = selectors.instrument_list(q=q, consortium_id=consortium_id, category=category or None)
    page = Paginator(instruments, 24).get_page(request.GET.get("page"))
    base = urlencode({k: v for k, v in {"q": q, "category": category, "consortium": consortium}.items() if v})
    return render(
        request,
        "equipment/catalogue.html",
        {
            "page": page,
            "q": q,
            "category": category,
            "consortium_id": consortium_id,
            "errors": errors,
            "consortia": consortium_list(),
            "categories": Category.objects.order_by("id"),
            "querystring_base": f"{base}&" if base else "",
        },
    )
