"""The home page: a logged-in user's own (what waits for them, by role); the catalogue for everyone else."""

from django.shortcuts import render
from django.urls import resolve, reverse
from django.views.decorators.http import require_safe

from . import selectors


@require_safe
def home(request):
    if not request.user.is_authenticated:
        # Anonymous visitors get the catalogue here, as the view at the catalogue's own address answers it.
        return resolve(reverse("catalogue")).func(request)
    return render(request, "home/home.html", {"sections": selectors.home_of(request.user)})
